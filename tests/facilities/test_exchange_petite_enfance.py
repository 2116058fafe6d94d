"""The petite-enfance part of a CTG in JSON: the demo's section (seed 003) round-trips exactly, and
a bad document is refused as a whole, with French messages saying where."""

import copy
import json

import pytest

from pilote.core.exchange import ExchangeError
from pilote.facilities.enums import Competence, SchemaContent
from pilote.facilities.exchange.petite_enfance import (
    export_petite_enfance,
    import_petite_enfance,
)
from pilote.facilities.models import (
    CompetenceTransfer,
    EarlyChildhoodSettings,
    Schema,
    SchemaLine,
    SchemaLineYear,
)
from tests.facilities.demo import demo_data
from tests.factories import ConventionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The petite-enfance section of the demo JSON (the demo CTG `paa` was imported from it)."""
    return demo_data()["petite_enfance"]


def test_the_demo_section_is_exactly_what_the_export_gives_back(paa, demo):
    assert export_petite_enfance(paa) == demo


def test_export_import_export_gives_the_same_json(paa):
    first = export_petite_enfance(paa)
    copy_of_paa = ConventionFactory(communes=[])
    copy_of_paa.communes.set(paa.communes.all())
    import_petite_enfance(copy_of_paa, json.loads(json.dumps(first)))
    assert export_petite_enfance(copy_of_paa) == first


def test_the_demo_holds_the_four_tables_of_seed_003(paa):
    schemas = {
        s.commune.name if s.commune else "EPCI": s for s in Schema.objects.filter(convention=paa)
    }
    assert sorted(schemas) == ["Château-Arnoux-Saint-Auban", "EPCI", "Les Mées", "Peyruis"]
    eaje = SchemaLine.objects.get(schema=schemas["EPCI"], mode="eaje_psu")
    assert eaje.structure_count == 8
    assert [int(y.value) for y in eaje.years.all()] == [189, 200, 200, 200, 200]
    assert [
        str(y.value)
        for y in SchemaLineYear.objects.filter(line__schema=schemas["Les Mées"], line__mode="rpe")
    ] == ["0.44"] * 5
    assert CompetenceTransfer.objects.filter(convention=paa).count() == 43 * 4
    assert not CompetenceTransfer.objects.filter(
        convention=paa, commune_id__in=["04049", "04116", "04149"]
    ).exists()


def test_an_empty_document_leaves_default_settings_and_nothing_else(paa):
    import_petite_enfance(paa, {})
    assert export_petite_enfance(paa) == {
        "settings": {
            "population_basis": "totale",
            "cofunded_places_2023": None,
            "planned_places_2027": None,
            "bonus_places": None,
        },
        "transfers": [],
        "schemas": [],
    }


def test_an_import_replaces_the_previous_data(paa):
    import_petite_enfance(paa, {"transfers": [{"commune": "04070", "competences": ["planifier"]}]})
    assert Schema.objects.filter(convention=paa).count() == 0
    assert list(CompetenceTransfer.objects.filter(convention=paa).values_list("competence")) == [
        (Competence.PLAN,)
    ]


def test_a_missing_checklist_item_is_imported_unticked(paa, demo):
    document = copy.deepcopy(demo)
    document["schemas"][0]["checklist"] = [
        {"content": "indicateurs", "covered": True, "reference": "Article 9"}
    ]
    import_petite_enfance(paa, document)
    schema = Schema.objects.get(convention=paa, commune=None)
    assert schema.checklist.count() == len(SchemaContent.values)
    assert list(schema.checklist.filter(covered=True).values_list("content", flat=True)) == [
        "indicateurs"
    ]


def _refused(convention, document) -> str:
    with pytest.raises(ExchangeError) as caught:
        import_petite_enfance(convention, document)
    return str(caught.value)


def test_a_bad_document_is_refused_as_a_whole_with_every_problem_located(paa, demo):
    document = copy.deepcopy(demo)
    document["settings"]["population_basis"] = "légale"
    document["settings"]["bonus_places"] = -1
    document["transfers"].append({"commune": "13001", "competences": ["recenser"]})
    document["transfers"][0]["competences"].append("garder")
    lines = document["schemas"][1]["lines"]
    lines[0]["mode"] = "creche"
    lines[1]["years"] = {"2031": "12"}
    lines[2]["current_value"] = "-41"
    lines[3]["years"]["2026"] = "beaucoup"
    document["schemas"][2]["adopted_on"] = "2026-13-01"
    document["schemas"].append(copy.deepcopy(document["schemas"][3]))

    message = _refused(paa, document)

    assert message.startswith("Import impossible, rien n'a été enregistré :")
    for expected in [
        "réglages petite enfance : population retenue inconnue : 'légale'",
        "« bonus_places » doit être un nombre entier entre 0 et 1000000",
        "transfert n° 1 : compétences inconnues : garder.",
        "transfert n° 44 : commune absente du territoire de la CTG : '13001'.",
        "schéma n° 2 (04049), ligne 1 : mode d'accueil inconnu : 'creche'.",
        "schéma n° 3 (04116) : « adopted_on » n'est pas une date valide",
        "« années 2026 » doit être un nombre : 'beaucoup'.",
        "schéma n° 5 (04149) : un autre schéma porte sur la même autorité et la même zone.",
    ]:
        assert expected in message
    assert "hors de la période de la CTG" in message or "entre 0 et 999 999,99" in message
    # Nothing changed: the demo's data is intact.
    assert export_petite_enfance(paa) == demo


def test_years_outside_the_ctg_and_negative_values_are_refused(paa, demo):
    document = copy.deepcopy(demo)
    document["schemas"][1]["lines"][1]["years"] = {"2031": "12"}
    assert "les années 2031 sont hors de la période de la CTG (2026–2030)" in _refused(
        paa, document
    )
    document = copy.deepcopy(demo)
    document["schemas"][1]["lines"][2]["current_value"] = "-41"
    assert "doit être comprise entre 0 et 999 999,99" in _refused(paa, document)


def test_a_commune_outside_the_epci_cannot_transfer(paa):
    paa.communes.add("04112")  # Manosque, member of another agglomeration
    message = _refused(paa, {"transfers": [{"commune": "04112", "competences": ["recenser"]}]})
    assert "Manosque n'est pas membre de l'EPCI de la CTG." in message


def test_a_ctg_without_epci_has_no_epci_schema_nor_transfers():
    convention = ConventionFactory(epci=None)
    message = _refused(
        convention,
        {
            "transfers": [{"commune": "04070", "competences": ["recenser"]}],
            "schemas": [{"commune": None}],
        },
    )
    assert "la CTG n'a pas d'EPCI : aucune compétence ne peut être transférée." in message
    assert "schéma n° 1 (EPCI) : la CTG n'a pas d'EPCI" in message
    assert not EarlyChildhoodSettings.objects.filter(convention=convention).exists()


@pytest.mark.parametrize("document", [[], "texte", 3])
def test_a_document_that_is_not_an_object_is_refused(paa, document):
    assert "le volet petite enfance doit être un objet JSON" in _refused(paa, document)
