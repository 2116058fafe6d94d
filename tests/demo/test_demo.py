"""The three demo CTGs are the seeds, faithfully; the demo users see what their role allows."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from pilote.accounts.models import User
from pilote.conventions.models import Convention
from pilote.demo.services import DATA_DIR, DEMO_SLUGS, load_demo_conventions, load_demo_users
from pilote.exchange.services import dumps, export_convention
from pilote.plans.models import PlanNode

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo_conventions()
    load_demo_users()
    return {c.slug: c for c in Convention.objects.all()}


def kinds(convention) -> Counter:
    return Counter(
        PlanNode.objects.filter(convention=convention).values_list("level__name", flat=True)
    )


def numbers(convention, level: str) -> list[str]:
    return list(
        PlanNode.objects.filter(convention=convention, level__name=level)
        .order_by("pk")
        .values_list("number", flat=True)
    )


@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_demo_file_exports_back_byte_for_byte(demo, slug):
    expected = (DATA_DIR / f"{slug}.json").read_text(encoding="utf-8")
    exported = export_convention(demo[slug])
    # The files hold the seeds: the demo users come from load_demo_users, the history from
    # the loading itself.
    exported["memberships"] = []
    del exported["history"]
    assert dumps(exported) == expected


def test_pays_salonais_has_its_25_numbered_actions_under_7_thematic_groups(demo):
    convention = demo["pays-salonais-2025-2028"]
    assert kinds(convention) == {"Thématique": 7, "Action": 25}
    assert sorted(numbers(convention, "Action"), key=int) == [str(n) for n in range(1, 26)]
    action_1 = PlanNode.objects.get(convention=convention, number="1", level__name="Action")
    assert "EAJE de 20 places à Pélissanne" in action_1.title
    assert (action_1.start_year, action_1.end_year) == (2026, 2026)
    assert [c.name for c in action_1.communes.all()] == ["Pélissanne"]
    action_12 = PlanNode.objects.get(convention=convention, number="12")
    assert (action_12.start_year, action_12.end_year) == (2025, 2026)
    assert action_12.parent.title.startswith("Enfance")


def test_tarn_agout_has_4_axes_9_orientations_16_fiches_38_objectives(demo):
    convention = demo["tarn-agout-2023-2026"]
    assert kinds(convention) == {
        "Axe": 4,
        "Orientation stratégique": 9,
        "Fiche action": 16,
        "Objectif opérationnel": 38,
    }
    assert sorted(numbers(convention, "Fiche action"), key=int) == [str(n) for n in range(1, 17)]
    assert sorted(numbers(convention, "Objectif opérationnel"), key=int) == [
        str(n) for n in range(1, 39)
    ]
    fiche_7 = PlanNode.objects.get(convention=convention, level__name="Fiche action", number="7")
    assert {o.name for o in fiche_7.pilots.all()} >= {"RéseauParents81", "LAEP"}
    assert fiche_7.parent.level.name == "Orientation stratégique"
    assert convention.epci.name.startswith("CC Tarn-Agout") or "Tarn" in convention.epci.name
    assert convention.communes.count() == 21


def test_provence_alpes_has_its_signatories_territory_axes_and_35_key_actions(demo):
    convention = demo["provence-alpes-agglomeration-2026-2030"]
    assert convention.epci_id == "200067437"
    assert convention.communes.count() == 46
    assert sum(c.population for c in convention.communes.all()) > 45_000
    signatories = list(convention.signatories.all())
    assert len(signatories) == 13
    assert any("AUDRAN" in s.representative for s in signatories)
    counts = kinds(convention)
    assert counts["Axe stratégique"] == 7
    assert counts["Fiche action"] == 6
    assert counts["Action clé"] == 35
    key_actions = numbers(convention, "Action clé")
    assert key_actions[0] == "1.1"
    assert key_actions[-1] == "6.4"
    fiche_2 = PlanNode.objects.get(convention=convention, level__name="Fiche action", number="2")
    assert fiche_2.indicators.exists()
    assert fiche_2.partners.exists()
    assert fiche_2.target_public


def test_load_demo_is_idempotent_and_prints_the_logins(demo, capsys, settings):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "déjà présente" in out
    assert "conseiller.caf" in out
    assert "demo-pilote-ctg" in out
    assert Convention.objects.count() == 3


def test_load_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="démonstration"):
        call_command("load_demo")


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("conseiller.caf", set(DEMO_SLUGS)),
        ("caf04", {"provence-alpes-agglomeration-2026-2030"}),
        ("cooperation.salonais", {"pays-salonais-2025-2028"}),
        ("cooperation.tarnagout", {"tarn-agout-2023-2026"}),
        ("cooperation.paa", {"provence-alpes-agglomeration-2026-2030"}),
        ("referent.digne", {"provence-alpes-agglomeration-2026-2030"}),
        ("lecteur.paa", {"provence-alpes-agglomeration-2026-2030"}),
    ],
)
def test_each_demo_user_sees_exactly_the_ctgs_of_his_role(demo, username, visible):
    user = User.objects.get(username=username)
    assert set(Convention.objects.visible_to(user).values_list("slug", flat=True)) == visible
