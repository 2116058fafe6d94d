"""Writing the facilities register: a facility with its bonuses and actions, in one transaction."""

import re
from decimal import Decimal

import pytest

from pilote.facilities.enums import CapacityUnit, FacilityKind, FacilityStatus, FundingMode
from pilote.facilities.exceptions import FacilitiesError
from pilote.facilities.models import Facility, FacilityBonus
from pilote.facilities.register.services import (
    ActionIndex,
    FacilityData,
    bonus_years,
    create_facility,
    delete_facility,
    save_facilities,
    update_facility,
)
from pilote.plans.models import PlanNode
from pilote.territories.models import Commune
from tests.factories import ConventionFactory, PlanNodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paa(paa):
    """The CTG of seed 003 (46 communes, plan with axes, fiches actions and actions clés).

    Its register is emptied: these tests create Les Premiers Pas of annexe 2 themselves, and
    check that a refused write leaves the register empty.
    """
    Facility.objects.filter(convention=paa).delete()
    return paa


def node(convention, number: str, level: str = "Action clé") -> PlanNode:
    return PlanNode.objects.get(convention=convention, number=number, level__name=level)


def les_premiers_pas(convention, **changes) -> FacilityData:
    """A multi-accueil of annexe 2 (seed 003), with what the Caf would record about it."""
    data = FacilityData(
        manager="CA PROVENCE-ALPES-AGGLOMERATION",
        name="Les Premiers Pas",
        kind=FacilityKind.EAJE,
        subkind="Multi-accueil",
        commune=Commune.objects.get(pk="04070"),
        capacity=Decimal(40),
        age_min=0,
        age_max=3,
        funding=FundingMode.PSU,
        bonuses={2026: Decimal("52000"), 2027: Decimal("53000.50")},
        actions=[node(convention, "3.1"), node(convention, "3.7")],
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def test_a_facility_is_created_with_its_bonuses_and_actions(paa):
    facility = create_facility(paa, les_premiers_pas(paa))

    assert facility.convention == paa
    assert facility.commune.name == "Digne-les-Bains"
    assert facility.status == FacilityStatus.EXISTING
    assert facility.capacity_unit == CapacityUnit.PLACES
    assert {b.year: b.amount for b in facility.bonuses.all()} == {
        2026: Decimal("52000.00"),
        2027: Decimal("53000.50"),
    }
    assert sorted(n.number for n in facility.actions.all()) == ["3.1", "3.7"]


def test_an_update_replaces_the_bonuses_and_the_actions(paa):
    facility = create_facility(paa, les_premiers_pas(paa))

    update_facility(
        facility,
        les_premiers_pas(
            paa,
            capacity=Decimal(45),
            bonuses={2027: Decimal("54000"), 2028: Decimal("55000")},
            actions=[node(paa, "4.5")],
        ),
    )

    facility.refresh_from_db()
    assert facility.capacity == Decimal(45)
    assert {b.year: b.amount for b in facility.bonuses.all()} == {
        2027: Decimal("54000.00"),
        2028: Decimal("55000.00"),
    }
    assert [n.number for n in facility.actions.all()] == ["4.5"]


def test_deleting_a_facility_keeps_the_actions_it_was_linked_to(paa):
    facility = create_facility(paa, les_premiers_pas(paa))

    delete_facility(facility)

    assert not Facility.objects.exists()
    assert not FacilityBonus.objects.exists()
    assert node(paa, "3.1").title.startswith("Promouvoir l'inclusion")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"commune_code": "04112"}, "commune", "Manosque (04112) n'est pas dans le territoire"),
        ({"age_min": 6, "age_max": 3}, "age_max", "inférieur à l'âge minimum"),
        ({"capacity": Decimal(-1)}, "capacity", "ne peut pas être négative"),
        ({"capacity": Decimal("1.125")}, "capacity", "au plus deux décimales"),
        ({"name": "  "}, "name", "Le nom est obligatoire"),
        ({"kind": "creche"}, "kind", "Type inconnu"),
        ({"bonuses": {2020: Decimal(1)}}, "bonuses", "entre 2021 et 2032"),
        ({"bonuses": {2026: Decimal(-5)}}, "bonuses", "ne peut pas être négatif"),
        ({"opening_year": 1875}, "opening_year", "entre 1900 et 2100"),
    ],
    ids=[
        "commune-outside",
        "ages",
        "negative",
        "decimals",
        "name",
        "kind",
        "bonus-year",
        "bonus-negative",
        "opening",
    ],
)
def test_bad_data_is_refused_with_a_french_message_and_nothing_written(
    paa, changes, field, message
):
    if "commune_code" in changes:
        changes = {"commune": Commune.objects.get(pk=changes.pop("commune_code"))}

    with pytest.raises(FacilitiesError, match=re.escape(message)) as caught:
        create_facility(paa, les_premiers_pas(paa, **changes))

    assert caught.value.field == field
    assert not Facility.objects.exists()


def test_an_action_of_another_ctg_cannot_be_linked(paa):
    other = PlanNodeFactory(convention=ConventionFactory(), number="3.1")

    with pytest.raises(FacilitiesError, match="n'appartient pas au plan de cette CTG"):
        create_facility(paa, les_premiers_pas(paa, actions=[other]))


def test_bonus_years_run_from_five_years_before_the_ctg_to_two_years_after(paa):
    assert bonus_years(paa) == range(2021, 2033)
    facility = create_facility(
        paa, les_premiers_pas(paa, bonuses={2021: Decimal(1), 2032: Decimal(2)})
    )
    assert sorted(b.year for b in facility.bonuses.all()) == [2021, 2032]


def test_saving_several_facilities_is_all_or_nothing(paa):
    good = les_premiers_pas(paa)
    bad = les_premiers_pas(paa, name="Jardin Enchanté", age_min=4, age_max=2)

    with pytest.raises(FacilitiesError, match=r"Équipement n° 2 \(« Jardin Enchanté »\)"):
        save_facilities(paa, [(None, good), (None, bad)])

    assert not Facility.objects.exists()


def test_plan_elements_are_named_by_number_or_by_level_when_an_axe_shares_it(paa):
    actions = ActionIndex(paa)

    assert actions.reference(node(paa, "3.1")) == "3.1"
    # Seed 003 numbers its axes 1–7 and its fiches actions 1–6.
    assert actions.reference(node(paa, "1", "Fiche action")) == "Fiche action 1"
    assert actions.find("fiche action 1")[0] == node(paa, "1", "Fiche action")
    found, message = actions.find("1")
    assert found is None
    assert "plusieurs éléments du plan" in message
    assert "Axe stratégique 1" in message


def test_plan_elements_without_number_are_named_by_their_title_even_with_commas(paa):
    unnumbered = PlanNode.objects.filter(convention=paa, number="", title__contains=",").first()
    actions = ActionIndex(paa)
    reference = actions.reference(unnumbered)

    nodes, problems = actions.parse(f"3.1, {reference}, 4.5")

    assert reference == unnumbered.title
    assert problems == []
    assert nodes == [node(paa, "3.1"), unnumbered, node(paa, "4.5")]


def test_unknown_plan_references_are_reported(paa):
    nodes, problems = ActionIndex(paa).parse("3.1, 9.9")

    assert nodes == [node(paa, "3.1")]
    assert problems == ["aucun élément du plan ne porte le numéro ou l'intitulé « 9.9 »."]
