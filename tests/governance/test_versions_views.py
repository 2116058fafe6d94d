"""The pages of the plan's versions on the demo Tarn-Agout CTG: who sees and records what."""

import html
import re

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.conventions.models import Amendment, Convention
from pilote.demo.versions import generate_demo_versions
from pilote.governance.models import PlanVersion
from pilote.governance.versions.services import freeze_signed_plan
from tests.factories import user_with_role

from .demo import PAA, TARN

# session, user, CTG, memberships, versions, avenants, plan (2)
VERSIONS_QUERIES = 8
COMPARE_QUERIES = 8


@pytest.fixture
def tarn(world):
    return Convention.objects.select_related("departement", "epci").get(slug=TARN)


@pytest.fixture
def with_avenant(tarn):
    """The demo's avenant n° 1 (one objective added, one retitled, fiche 14's pilots, one gone)."""
    generate_demo_versions()
    return tarn


def url(name: str, convention, **kwargs) -> str:
    return reverse(f"governance:{name}", kwargs={"slug": convention.slug, **kwargs})


def text(response) -> str:
    content = html.unescape(response.content.decode())
    return re.sub(r"\s+", " ", content)


def login(client, user_named, tarn, who: str):
    users = {
        "other": lambda: user_named("cooperation.paa"),
        "reader": lambda: user_with_role(Role.READER, convention=tarn),
        "referent": lambda: user_with_role(Role.REFERENT, convention=tarn),
        "coordinator": lambda: user_named("cooperation.tarnagout"),
        "caf_adviser": lambda: user_named("conseiller.caf"),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    return client


@pytest.mark.parametrize(
    ("who", "status", "can_edit"),
    [
        ("anonymous", 302, False),
        ("other", 404, False),
        ("reader", 200, False),
        ("referent", 200, False),
        ("coordinator", 200, True),
        ("caf_adviser", 200, True),
    ],
)
def test_everyone_of_the_ctg_sees_the_versions_and_only_editors_record_them(
    client, user_named, with_avenant, who, status, can_edit
):
    tarn = with_avenant
    response = login(client, user_named, tarn, who).get(url("versions", tarn))

    assert response.status_code == status
    if status != 200:
        return
    page = text(response)
    assert "le 28/09/2023 par Julien Roux : 67 éléments du plan" in page
    assert "Avenant n° 1 du 26/06/2025" in page
    assert "Depuis le plan tel que signé : 1 élément ajouté, 1 retiré, 2 modifiés." in page
    assert "Identique à la dernière version enregistrée" in page
    assert ("Enregistrer à nouveau le plan après l’avenant n° 1" in page) is can_edit
    assert ("supprime aussi la version du plan" in page) is can_edit
    assert url("compare", tarn) in page


def test_the_versions_page_explains_the_signed_plan_before_any_avenant(client, user_named, tarn):
    Amendment.objects.create(convention=tarn, number=1, date="2025-06-26", subject="Mi-parcours")

    page = text(login(client, user_named, tarn, "coordinator").get(url("versions", tarn)))

    assert "Le plan tel que signé n’est pas encore figé" in page
    assert "Figer le plan signé (67 éléments)" in page
    assert "Figez d’abord le plan tel que signé (ci-dessus) : c’est la référence" in page
    assert "Enregistrer le plan après l’avenant n° 1" not in page


def test_editors_freeze_the_signed_plan_then_record_an_avenant(client, user_named, tarn):
    client = login(client, user_named, tarn, "coordinator")
    amendment = Amendment.objects.create(
        convention=tarn, number=1, date="2025-06-26", subject="Mi-parcours"
    )

    response = client.post(url("freeze_signed", tarn), follow=True)
    assert "Le plan tel que signé est figé (67 éléments)" in text(response)
    assert "Enregistrer le plan après l’avenant n° 1" in text(response)

    response = client.post(url("record_amendment", tarn, amendment_pk=amendment.pk), follow=True)

    assert "Le plan après l'avenant n° 1 est enregistré." in text(response)
    assert PlanVersion.objects.get(amendment=amendment).taken_by.username == (
        "cooperation.tarnagout"
    )


def test_a_second_freeze_is_refused_with_a_message(client, user_named, tarn):
    freeze_signed_plan(tarn, by=user_named("cooperation.tarnagout"))

    response = login(client, user_named, tarn, "caf_adviser").post(
        url("freeze_signed", tarn), follow=True
    )

    assert "déjà figé" in text(response)
    assert PlanVersion.objects.filter(convention=tarn).count() == 1


@pytest.mark.parametrize("who", ["reader", "referent"])
def test_readers_cannot_record_versions(client, user_named, with_avenant, who):
    tarn = with_avenant
    amendment = tarn.amendments.get()
    client = login(client, user_named, tarn, who)

    assert client.post(url("freeze_signed", tarn)).status_code == 403
    record = url("record_amendment", tarn, amendment_pk=amendment.pk)
    assert client.get(record).status_code == 403
    assert client.post(record).status_code == 403


def test_recording_again_asks_to_confirm_then_replaces(client, user_named, with_avenant):
    tarn = with_avenant
    amendment = tarn.amendments.get()
    version = PlanVersion.objects.get(amendment=amendment)
    client = login(client, user_named, tarn, "coordinator")
    tarn.plan_nodes.filter(number="39", level__tracked=True).delete()

    confirm = client.get(url("record_amendment", tarn, amendment_pk=amendment.pk))

    assert confirm.status_code == 200
    page = text(confirm)
    assert "La version enregistrée sera remplacée" in page
    assert "Depuis l'avenant n° 1 : 1 élément retiré." in page
    response = client.post(url("record_amendment", tarn, amendment_pk=amendment.pk), follow=True)
    assert "Le plan après l'avenant n° 1 est enregistré à nouveau." in text(response)
    version.refresh_from_db()
    assert len(version.nodes) == 66


def test_an_avenant_of_another_ctg_is_not_found(client, user_named, with_avenant):
    tarn = with_avenant
    paa = Convention.objects.get(slug=PAA)
    other = Amendment.objects.create(convention=paa, number=1, date="2026-06-01", subject="x")

    response = login(client, user_named, tarn, "caf_adviser").post(
        url("record_amendment", tarn, amendment_pk=other.pk)
    )

    assert response.status_code == 404
    assert not PlanVersion.objects.filter(amendment=other).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("other", 404),
        ("reader", 200),
        ("referent", 200),
        ("coordinator", 200),
        ("caf_adviser", 200),
    ],
)
def test_everyone_of_the_ctg_compares_versions(client, user_named, with_avenant, who, status):
    tarn = with_avenant
    response = login(client, user_named, tarn, who).get(url("compare", tarn))

    assert response.status_code == status


def test_the_side_by_side_table_aligns_both_versions_and_names_each_change(
    client, user_named, with_avenant
):
    tarn = with_avenant
    client = login(client, user_named, tarn, "reader")

    response = client.get(url("compare", tarn), {"before": "signe", "after": "avenant-1"})

    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 68  # 67 signed + the added objective, the removed one kept in place
    page = text(response)
    assert '<th scope="col">Plan tel que signé</th>' in page
    assert '<th scope="col">Après l\'avenant n° 1</th>' in page
    assert "1 élément ajouté, 1 retiré, 2 modifiés" in page
    changed = [(c.kinds[0].label, c.row.number, c.fields_text) for c in rows if c.changed]
    assert changed == [
        ("Modifié", "26", "intitulé"),
        ("Ajouté", "39", ""),
        ("Modifié", "14", "pilotes"),
        ("Retiré", "34", ""),
    ]
    # Changes are said in words, not only in colours.
    assert page.count(">Inchangé<") == 64
    assert "Absent de cette version" in page
    assert "Créer un Point Information Jeunesse (PIJ) labellisé" in page
    assert "(intitulé modifié)" in page


def test_the_side_by_side_table_can_show_only_the_changes(client, user_named, with_avenant):
    tarn = with_avenant
    client = login(client, user_named, tarn, "reader")

    response = client.get(
        url("compare", tarn), {"before": "signe", "after": "actuel", "changes_only": "on"}
    )

    assert len(response.context["rows"]) == 4
    page = text(response)
    assert "Sous : Axe 1 › Orientation stratégique 2 › Fiche action 11" in page
    assert ">Inchangé<" not in page
    assert "Afficher tout le plan" in page


def test_comparing_a_version_with_itself_is_refused(client, user_named, with_avenant):
    tarn = with_avenant
    response = login(client, user_named, tarn, "reader").get(
        url("compare", tarn), {"before": "avenant-1", "after": "avenant-1"}
    )

    assert response.status_code == 200
    assert "Choisissez deux versions différentes du plan." in text(response)
    assert response.context["diff"] is None


def test_an_unknown_version_is_refused(client, user_named, with_avenant):
    tarn = with_avenant
    response = login(client, user_named, tarn, "reader").get(
        url("compare", tarn), {"before": "avenant-9"}
    )

    assert response.context["diff"] is None
    assert "Sélectionnez un choix valide" in text(response)


def test_without_a_signed_plan_the_comparison_explains_what_to_do(client, user_named, tarn):
    response = login(client, user_named, tarn, "reader").get(url("compare", tarn))

    assert "Il faut au moins deux versions du plan pour les comparer" in text(response)


def test_the_pages_run_a_fixed_number_of_queries(
    client, user_named, with_avenant, django_assert_max_num_queries
):
    tarn = with_avenant
    client = login(client, user_named, tarn, "coordinator")

    with django_assert_max_num_queries(VERSIONS_QUERIES):
        assert client.get(url("versions", tarn)).status_code == 200
    with django_assert_max_num_queries(COMPARE_QUERIES):
        assert client.get(url("compare", tarn)).status_code == 200
