"""The facilities register in the JSON exchange of a CTG: export → import → export is stable."""

import json
from decimal import Decimal

import pytest

from pilote.core.exchange import ExchangeError
from pilote.facilities.enums import CapacityUnit, FundingMode
from pilote.facilities.exchange.register import export_facilities, import_facilities
from pilote.facilities.models import Facility
from pilote.facilities.register.services import FacilityData, update_facility
from pilote.plans.models import PlanNode
from tests.facilities.demo import import_demo

pytestmark = pytest.mark.django_db


def empty_copy():
    """The demo CTG under another slug, without its register: the list is imported into it."""
    return import_demo(slug="copie-paa", without=("facilities",))


@pytest.fixture
def paa(paa):
    """Seed 003's CTG with annexe 2, a crèche linked to actions, an RPE in ETP with bonuses."""
    plan = PlanNode.objects.filter(convention=paa)
    crèche = Facility.objects.get(convention=paa, name="Les Premiers Pas")
    data = FacilityData.from_facility(crèche)
    data.capacity, data.age_min, data.age_max, data.funding = Decimal(40), 0, 3, FundingMode.PSU
    data.bonuses = {2026: Decimal("52000"), 2025: Decimal("51000.5")}
    # An action clé, a fiche action whose number an axe shares, and an action without number.
    data.actions = [
        plan.get(number="3.1"),
        plan.get(number="3", level__name="Fiche action"),
        plan.filter(number="").order_by("pk").first(),
    ]
    data.notes = "Agrément PMI 2024"
    update_facility(crèche, data)
    rpe = Facility.objects.get(convention=paa, name="RPE Les Frimousses")
    data = FacilityData.from_facility(rpe)
    data.capacity, data.capacity_unit = Decimal("1.5"), CapacityUnit.FTE
    update_facility(rpe, data)
    return paa


def test_each_facility_is_exported_with_its_commune_code_actions_and_bonuses(paa):
    exported = export_facilities(paa)

    assert len(exported) == 76
    crèche = next(item for item in exported if item["name"] == "Les Premiers Pas")
    first_action = PlanNode.objects.filter(convention=paa, number="").order_by("pk").first()
    assert crèche == {
        "manager": "CA PROVENCE-ALPES-AGGLOMERATION",
        "name": "Les Premiers Pas",
        "kind": "eaje",
        "subkind": "Multi-accueil",
        "commune": "04070",
        "capacity": "40.00",
        "capacity_unit": "places",
        "age_min": 0,
        "age_max": 3,
        "funding": "psu",
        "status": "existant",
        "opening_year": None,
        "notes": "Agrément PMI 2024",
        "actions": [first_action.title, "Fiche action 3", "3.1"],
        "bonuses": {"2025": "51000.50", "2026": "52000.00"},
    }


def test_export_then_import_then_export_gives_the_same_json(paa):
    exported = export_facilities(paa)
    copy = empty_copy()

    import_facilities(copy, json.loads(json.dumps(exported)))

    assert export_facilities(copy) == exported


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"commune": "04112"}, "commune hors du territoire de la CTG ou inconnue : '04112'."),
        ({"actions": ["9.9"]}, "aucun élément du plan ne porte le numéro ou l'intitulé « 9.9 »."),
        ({"actions": ["1"]}, "« 1 » désigne plusieurs éléments du plan"),
        ({"bonuses": {"2026": "beaucoup"}}, "« bonus 2026 » doit être un nombre : 'beaucoup'."),
        ({"bonuses": {"2040": "10"}}, "l'année doit être comprise entre 2021 et 2032"),
        ({"kind": "creche"}, "type inconnu : « creche »."),
        ({"age_min": "3"}, "« age_min » doit être un nombre entier ou null."),
        ({"age_min": 6, "age_max": 3}, "l'âge maximum (3 ans) est inférieur à l'âge minimum"),
        ({"capacity": "-2"}, "la capacité ne peut pas être négative."),
        ({"name": ""}, "le nom est obligatoire."),
    ],
)
def test_a_bad_facility_refuses_the_whole_list_in_french(paa, change, message):
    exported = export_facilities(paa)
    exported[1].update(change)
    copy = empty_copy()

    with pytest.raises(ExchangeError) as caught:
        import_facilities(copy, exported)

    text = str(caught.value)
    assert text.startswith("Import impossible, rien n'a été enregistré :\n- équipement n° 2")
    assert message in text
    assert not Facility.objects.filter(convention=copy).exists()


def test_the_list_must_be_a_list_of_objects(paa):
    with pytest.raises(ExchangeError, match="« facilities » doit être une liste d'objets"):
        import_facilities(paa, {"name": "Les Premiers Pas"})
