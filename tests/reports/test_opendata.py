"""The open-data CSV: a documented, stable schema, no personal data, only the CTGs one can see."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership, Organisation, User
from pilote.conventions.models import Convention
from pilote.monitoring.models import ActionUpdate
from pilote.plans.models import PlanNode
from pilote.reports.opendata import FIELDS, HEADER, opendata_rows
from pilote.reports.plan_rows import read_plan

from .conftest import DEMO_PEOPLE, PAA, SALONAIS, TARN_AGOUT

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "open-data.md"


def download(client, user, slug=None) -> tuple[list[dict], str]:
    client.force_login(user)
    if slug:
        url = reverse("reports:opendata", kwargs={"slug": slug})
    else:
        url = reverse("reports:opendata_all")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    name = f"{slug or 'ctg'}-donnees-ouvertes-{timezone.localdate().isoformat()}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    text = response.content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    assert reader.fieldnames == HEADER
    return list(reader), text


def test_one_ctg_gives_a_row_per_element_in_plan_order(client, paa, demo_user):
    rows, _ = download(client, demo_user("lecteur.paa"), PAA)

    plan = read_plan(paa).rows
    assert [row["element_id"] for row in rows] == [str(row.pk) for row in plan]
    assert [row["chemin"] for row in rows] == [row.level_path for row in plan]
    assert [row["numero"] for row in rows] == [row.number for row in plan]
    assert [row["intitule"] for row in rows] == [row.title for row in plan]
    assert [row["ordre"] for row in rows] == [str(i) for i in range(1, len(plan) + 1)]
    first = rows[0]
    assert first["ctg_slug"] == PAA
    assert (first["caf_departement"], first["epci_siren"]) == ("04", "200067437")
    assert (first["ctg_date_debut"], first["ctg_date_fin"]) == ("2026-01-01", "2030-12-31")
    assert (first["niveau"], first["profondeur"], first["element_parent_id"]) == (
        "Axe stratégique",
        "1",
        "",
    )


def test_each_element_carries_its_latest_update_status_and_quarter(client, paa, demo_user):
    rows, _ = download(client, demo_user("cooperation.paa"), PAA)

    by_id = {row["element_id"]: row for row in rows}
    updated = 0
    for node in PlanNode.objects.filter(convention=paa):
        latest = node.updates.latest_first().first()
        row = by_id[str(node.pk)]
        if latest is None:
            assert row["dernier_statut"] == row["dernier_point_annee"] == ""
            continue
        updated += 1
        assert row["dernier_statut"] == latest.status
        assert row["dernier_statut_libelle"] == latest.get_status_display()
        assert (row["dernier_point_annee"], row["dernier_point_trimestre"]) == (
            str(latest.year),
            str(latest.quarter),
        )
        assert row["dernier_avancement"] == str(latest.progress)
    assert updated == 52


def test_specific_communes_and_planned_periods_are_machine_readable(demo, client, demo_user):
    convention = demo[TARN_AGOUT]
    node = PlanNode.objects.filter(convention=convention, level__tracked=True).first()
    PlanNode.objects.filter(pk=node.pk).update(
        whole_territory=False, start_year=2024, start_quarter=2, end_year=2025
    )
    codes = sorted(convention.communes.values_list("code", flat=True))[:2]
    node.communes.set(codes)

    row = next(row for row in opendata_rows([convention]) if row[6] == str(node.pk))

    record = dict(zip(HEADER, row, strict=True))
    assert record["tout_le_territoire"] == "false"
    assert record["communes_insee"] == "|".join(codes)
    assert [record[f] for f in HEADER[19:23]] == ["2024", "2", "2025", ""]


def test_no_personal_data_and_no_internal_notes_reach_the_file(client, demo, demo_user):
    paa = demo[PAA]
    Organisation.objects.filter(piloted_nodes__convention=paa).update(
        email="pilote@mairie-exemple.fr"
    )
    Convention.objects.filter(pk=paa.pk).update(internal_notes="Ne pas diffuser : NOTE-PAA.")
    ActionUpdate.objects.filter(convention=paa).update(
        done="Réunion avec Mme Josiane Exemple, directrice du centre social."
    )
    rows, text = download(client, demo_user("conseiller.caf"))

    assert {row["ctg_slug"] for row in rows} == {PAA, TARN_AGOUT, SALONAIS}
    assert "@" not in text
    assert "Josiane" not in text
    assert "NOTE-PAA" not in text
    for convention in Convention.objects.all():
        for line in filter(None, convention.internal_notes.splitlines()):
            assert line.strip() not in text
    for first_name, last_name, username in DEMO_PEOPLE:
        assert username not in text
        assert f"{first_name} {last_name}" not in text
        assert last_name not in text
    for update in ActionUpdate.objects.exclude(difficulties="").values_list("difficulties"):
        assert update[0] not in text
    pilots = Organisation.objects.filter(piloted_nodes__convention=paa).values_list("name")
    assert not any(f";{name};" in text for (name,) in pilots)


@pytest.mark.parametrize(
    ("username", "slugs"),
    [
        ("conseiller.caf", {PAA, TARN_AGOUT, SALONAIS}),
        ("caf04", {PAA}),
        ("cooperation.tarnagout", {TARN_AGOUT}),
        ("lecteur.paa", {PAA}),
    ],
)
def test_all_ctgs_means_those_the_user_can_see(client, demo_user, username, slugs):
    rows, _ = download(client, demo_user(username))

    assert {row["ctg_slug"] for row in rows} == slugs
    expected = PlanNode.objects.filter(convention__slug__in=slugs).count()
    assert len(rows) == expected


def test_a_user_without_any_ctg_gets_the_header_only(client, demo):
    rows, text = download(client, User.objects.create_user("sans.ctg"))

    assert rows == []
    assert text == ";".join(HEADER) + "\r\n"


def test_a_user_with_two_roles_on_a_ctg_gets_its_rows_once(client, demo, demo_user):
    user = demo_user("caf04")
    Membership.objects.create(user=user, role=Role.READER, convention=demo[PAA])

    rows, _ = download(client, user)

    assert len(rows) == PlanNode.objects.filter(convention=demo[PAA]).count()


def test_the_open_data_of_all_ctgs_takes_a_fixed_number_of_queries(
    client, demo, demo_user, django_assert_max_num_queries
):
    client.force_login(demo_user("conseiller.caf"))
    # + the download's line in the audit log (an INSERT in a savepoint, in a test).
    with django_assert_max_num_queries(8 + 3):
        response = client.get(reverse("reports:opendata_all"))
    assert response.status_code == 200


def test_every_column_is_documented_in_order_with_its_type():
    documented = re.findall(r"^\| `(\w+)` \| (\w+) \|", DOC.read_text(), flags=re.MULTILINE)

    assert documented == [(field.name, field.type) for field in FIELDS]
    assert "Licence Ouverte" in DOC.read_text()
