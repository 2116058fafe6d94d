"""The diagnostic's figures in the CTG's JSON export: round trip and refusal of bad documents."""

import json
from pathlib import Path

import pytest

from pilote.core.exchange import ExchangeError
from pilote.demo.services import DATA_DIR
from pilote.facilities.enums import FigureKind
from pilote.facilities.exchange.figures import export_figures, import_figures
from pilote.facilities.figures.services import apply_import
from pilote.facilities.models import TerritoryFigure
from tests.factories import ConventionFactory

pytestmark = pytest.mark.django_db

DEMO_FIGURES = Path(DATA_DIR) / "provence-alpes-agglomeration-2026-2030.diagnostic.csv"
HEADER = "Échelle;Code;Territoire;Chiffre;Millésime;Valeur;Source\n"


@pytest.fixture
def paa():
    convention = ConventionFactory()
    apply_import(convention, DEMO_FIGURES.read_bytes(), DEMO_FIGURES.name, by=None)
    extra = HEADER + (
        "Commune;04070;;Enfants de moins de 3 ans;2021;318;INSEE\n"
        "Département;04;;Taux de couverture global publié (places pour 100 enfants);2023;55,2;"
        "data.caf.fr – txcouv_pe_dep (txcouv_pe_dep.csv)\n"
        "France;;;Taux de couverture global publié (places pour 100 enfants);2023;60,9;Cnaf\n"
    )
    apply_import(convention, extra.encode(), "autres.csv", by=None)
    return convention


def test_export_import_export_gives_the_same_figures(paa, django_assert_num_queries):
    with django_assert_num_queries(1):
        exported = export_figures(paa)
    assert len(exported) == 61
    copy = ConventionFactory()
    import_figures(copy, json.loads(json.dumps(exported)))
    assert export_figures(copy) == exported


def test_the_export_writes_plain_numbers_with_their_millesime_and_source(paa):
    exported = export_figures(paa)
    population = next(item for item in exported if item["kind"] == FigureKind.POPULATION)
    assert population == {
        "area_kind": "epci",
        "area_code": "200067437",
        "area_name": "CA Provence-Alpes-Agglomération",
        "kind": "population",
        "label": "",
        "year": 2021,
        "value": "48726",
        "source": "INSEE 2021",
    }
    rates = {item["value"] for item in exported if item["kind"] == FigureKind.PUBLISHED_COVERAGE}
    assert rates == {"58", "55.2", "60.9"}


def test_an_import_replaces_the_figures_of_the_ctg(paa):
    exported = export_figures(paa)[:3]
    import_figures(paa, exported)
    assert TerritoryFigure.objects.filter(convention=paa).count() == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"area_kind": "region"}, "échelle « region » inconnue"),
        ({"area_code": "04999", "area_kind": "commune"}, "code INSEE de commune « 04999 » inconnu"),
        ({"kind": "pib"}, "chiffre « pib » inconnu"),
        ({"kind": "autre", "label": ""}, "un « autre chiffre » doit avoir un libellé"),
        ({"year": "2021"}, "« year » doit être une année"),
        ({"value": "beaucoup"}, "« value » n'est pas un nombre"),
        ({"value": True}, "« value » doit être un nombre"),
        ({"source": 12}, "« source » doit être un texte"),
    ],
)
def test_a_bad_figure_refuses_the_whole_list_in_french(paa, change, message):
    figures = export_figures(paa)
    figures[4] = {**figures[4], **change}
    with pytest.raises(ExchangeError) as error:
        import_figures(paa, figures)
    assert str(error.value).startswith("Import impossible, rien n'a été enregistré")
    assert f"chiffres du diagnostic, n° 5 : {message}" in str(error.value)
    assert TerritoryFigure.objects.filter(convention=paa).count() == 61


def test_duplicates_and_wrong_shapes_are_refused(paa):
    figures = export_figures(paa)
    with pytest.raises(ExchangeError, match="même chiffre, territoire et millésime"):
        import_figures(paa, [figures[0], figures[0]])
    with pytest.raises(ExchangeError, match="doit être une liste"):
        import_figures(paa, {"figures": figures})
    with pytest.raises(ExchangeError, match="n° 1 : un objet est attendu"):
        import_figures(paa, ["population"])
