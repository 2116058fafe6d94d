"""Importing the diagnostic's figures: the Pilote template and the data.caf.fr coverage files.

The data.caf.fr files are built here with the columns the Cnaf publishes (docs/data-sources.md),
including the placeholder row `numepci = "XX"` that must be dropped.
"""

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pilote.demo.services import DATA_DIR
from pilote.facilities.enums import AreaKind, FigureKind
from pilote.facilities.exceptions import FacilitiesError
from pilote.facilities.figures.imports import read_figures
from pilote.facilities.figures.services import apply_import, plan_import
from pilote.facilities.figures.template import figures_workbook
from pilote.facilities.models import TerritoryFigure
from tests.factories import CHATEAU_ARNOUX, DIGNE, MALIJAI, ConventionFactory

pytestmark = pytest.mark.django_db

PAA_SIREN = "200067437"
DEMO_FIGURES = Path(DATA_DIR) / "provence-alpes-agglomeration-2026-2030.diagnostic.csv"
HEADER = "Échelle;Code;Territoire;Chiffre;Millésime;Valeur;Source\n"

TXCOUV_EPCI = (
    "annee;numepci;nomepci;numdep;nomdep;txcouv_psu_col_epci;txcouv_hors_psu_col_epci;"
    "txcouv_eaje_epci;txcouv_prescol_epci;txcouv_am_ind_epci;txcouv_gad_ind_epci;"
    "txcouv_ind_epci;txcouv_epci\n"
    "2022;200067437;CA Provence-Alpes-Agglomération;04;ALPES-DE-HAUTE-PROVENCE;"
    "20,1;3,2;23,3;2,5;31,0;0,6;31,6;57,4\n"
    "2022;XX;XX;XX;XX;40,0;9,9;49,9;4,4;140,0;1,5;141,5;195,8\n"
    "2022;200034700;CA Durance-Luberon-Verdon Agglomération;04;ALPES-DE-HAUTE-PROVENCE;"
    "18,0;4,0;22,0;3,0;35,0;1,0;36,0;61,0\n"
    "2023;200067437;CA Provence-Alpes-Agglomération;04;ALPES-DE-HAUTE-PROVENCE;"
    "17,0;3,0;20,0;2,0;25,5;0,5;26,0;48,0\n"
)
TXCOUV_COM = (
    "annee;numcom;nomcom;numepci;nomepci;numdep;nomdep;txcouv_psu_col_com;"
    "txcouv_hors_psu_col_com;txcouv_eaje_com;txcouv_prescol_com;txcouv_am_ind_com;"
    "txcouv_gad_ind_com;txcouv_ind_com;txcouv_com\n"
    # The leading zero lost by a spreadsheet: 4070 is Digne-les-Bains (04070).
    "2023;4070;DIGNE-LES-BAINS;200067437;CA PAA;04;ALPES-DE-HAUTE-PROVENCE;"
    "45,2;5,0;50,2;4,1;26,0;1,0;27,0;81,3\n"
    "2023;04112;MANOSQUE;200034700;CA DLVA;04;ALPES-DE-HAUTE-PROVENCE;"
    "30,0;5,0;35,0;3,0;30,0;1,0;31,0;69,0\n"
    "2023;;;;;;;1;1;1;1;1;1;1;1\n"
)
TXCOUV_DEP = (
    "annee;numdep;nomdep;numregi;nomregi;txcouv_psu_col_dep;txcouv_hors_psu_col_dep;"
    "txcouv_eaje_dep;txcouv_prescol_dep;txcouv_am_ind_dep;txcouv_gad_ind_dep;txcouv_ind_dep;"
    "txcouv_dep\n"
    "2023;04;ALPES-DE-HAUTE-PROVENCE;93;PROVENCE-ALPES-COTE D'AZUR;22;5;27;2,9;24;1,3;25,3;55,2\n"
    "2023;05;HAUTES-ALPES;93;PROVENCE-ALPES-COTE D'AZUR;25;6;31;3;35;1;36;70,1\n"
)
TXCOUV_NAT = (
    "annee;national;txcouv_psu_col_nat;txcouv_hors_psu_col_nat;txcouv_eaje_nat;"
    "txcouv_prescol_nat;txcouv_am_ind_nat;txcouv_gad_ind_nat;txcouv_ind_nat;txcouv_nat\n"
    "2023-01-01;FRANCE ENTIERE HORS MAYOTTE;19,9;3,6;23,5;3,3;31,9;2,2;34,1;60,9\n"
)
NBPLA_EPCI = (
    "annee;numepci;nomepci;numdep;nomdep;pl_psu_col_epci;pl_hors_psu_col_epci;pl_eaje_epci;"
    "pl_prescol_epci;pl_am_ind_epci;pl_gad_ind_epci;pl_ind_epci;tot_offre_epci\n"
    "2023;200067437;CA Provence-Alpes-Agglomération;04;ALPES-DE-HAUTE-PROVENCE;"
    "244;37;281;25;357;6;363;669\n"
    "2023;XX;XX;XX;XX;1;1;2;1;1;1;2;5\n"
)


@pytest.fixture
def paa():
    return ConventionFactory(communes=[DIGNE, CHATEAU_ARNOUX, MALIJAI])


def figures_of(convention):
    return {
        (f.area_kind, f.area_code, f.kind, f.label, f.year): f.value
        for f in TerritoryFigure.objects.filter(convention=convention)
    }


# --------------------------------------------------------------------------- the template


def test_the_demo_file_of_seed_003_imports_every_figure_of_annexe_1(paa):
    result = apply_import(paa, DEMO_FIGURES.read_bytes(), DEMO_FIGURES.name, by=None)
    assert (result.created, result.updated, result.unchanged) == (58, 0, 0)
    figures = figures_of(paa)
    epci = (AreaKind.EPCI, PAA_SIREN)
    assert figures[(*epci, FigureKind.POPULATION, "", 2021)] == Decimal(48726)
    assert figures[(*epci, FigureKind.BIRTHS, "", 2022)] == Decimal(378)
    assert figures[(*epci, FigureKind.CHILDREN_UNDER_3, "", 2025)] == Decimal(1151)
    assert figures[(*epci, FigureKind.LOW_INCOME_RATE, "", 2025)] == Decimal("41.4")
    assert figures[(*epci, FigureKind.PUBLISHED_COVERAGE, "", 2025)] == Decimal(58)
    assert figures[(*epci, FigureKind.OTHER, "Indice de jeunesse", 2025)] == Decimal(58)
    assert figures[(*epci, FigureKind.OTHER, "Solde naturel 2016-2022 (% par an)", 2022)] == (
        Decimal("-0.4")
    )
    population = TerritoryFigure.objects.get(convention=paa, kind=FigureKind.POPULATION)
    assert (population.area_name, population.source) == (
        "CA Provence-Alpes-Agglomération",
        "INSEE 2021",
    )


def test_the_downloadable_template_imports_as_it_is(paa):
    template = figures_workbook([], example=True)
    sheet = openpyxl.load_workbook(io.BytesIO(template)).active
    assert [cell.value for cell in sheet[1]] == [
        "Échelle", "Code", "Territoire", "Chiffre", "Millésime", "Valeur", "Source",
    ]  # fmt: skip
    apply_import(paa, template, "modele.xlsx", by=None)
    assert figures_of(paa) == {
        (AreaKind.EPCI, PAA_SIREN, FigureKind.CHILDREN_UNDER_3, "", 2025): Decimal(1151)
    }


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (HEADER + "Commune;04070;Digne;Enfants de moins de 3 ans;2021;318;Insee\n", "utf-8"),
        (HEADER + "Commune;04070;Digne;Enfants de moins de 3 ans;2021;318;Insee\n", "utf-8-sig"),
        (HEADER + "Commune;04070;Digne;Enfants de moins de 3 ans;2021;318;Insee\n", "cp1252"),
        (
            HEADER.replace(";", ",") + 'commune,4070,Digne,enfants_0_2,2021,"318,0",Insee\n',
            "utf-8",
        ),
        (HEADER.replace(";", "\t") + "COMMUNE\t04070\t\tenfants_0_2\t2021\t318\tInsee\n", "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "windows-1252", "comma", "tab"],
)
def test_template_files_in_every_usual_encoding_and_separator(paa, content, encoding):
    apply_import(paa, content.encode(encoding), "chiffres.csv", by=None)
    assert figures_of(paa) == {
        (AreaKind.COMMUNE, DIGNE, FigureKind.CHILDREN_UNDER_3, "", 2021): Decimal(318)
    }
    assert TerritoryFigure.objects.get().area_name == "Digne-les-Bains"


def test_french_numbers_and_percent_signs_are_read_as_written(paa):
    content = HEADER + (
        "EPCI;200067437;;Taux de couverture global publié (places pour 100 enfants);2025;58 %;CAF\n"
        "EPCI;200067437;;Population;2021;48 726;INSEE 2021\n"
        "France;;;Taux de chômage (%);2025;7,3;INSEE\n"
        "Département;4;;Naissances;2022;1 302;INSEE\n"
    )
    apply_import(paa, content.encode(), "chiffres.csv", by=None)
    figures = figures_of(paa)
    assert figures[(AreaKind.EPCI, PAA_SIREN, FigureKind.PUBLISHED_COVERAGE, "", 2025)] == 58
    assert figures[(AreaKind.EPCI, PAA_SIREN, FigureKind.POPULATION, "", 2021)] == 48726
    assert figures[(AreaKind.FRANCE, "FR", FigureKind.UNEMPLOYMENT_RATE, "", 2025)] == (
        Decimal("7.3")
    )
    assert figures[(AreaKind.DEPARTEMENT, "04", FigureKind.BIRTHS, "", 2022)] == 1302


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(paa):
    content = HEADER + (
        "EPCI;200067437;;Population;2021;48726;INSEE 2021\n"  # line 2: fine
        "Région;93;;Population;2021;5000000;INSEE\n"  # 3
        "Commune;04999;;Population;2021;12;INSEE\n"  # 4
        "Commune;04070;;Population;vingt;16000;INSEE\n"  # 5
        "Commune;04070;;Population;2021;beaucoup;INSEE\n"  # 6
        "Commune;04070;;Autre chiffre;2021;3;INSEE\n"  # 7
        "EPCI;200067437;;population;2021;48726;INSEE\n"  # 8: same as line 2
        "Commune;04070;;Naissances;2021;;INSEE\n"  # 9
    )
    parsed = read_figures(content.encode(), "chiffres.csv", convention=paa)
    messages = [str(error) for error in parsed.errors]
    assert messages == [
        "Ligne 3 : échelle « Région » inconnue : écrivez commune, EPCI, département ou France.",
        "Ligne 4 : Code INSEE de commune « 04999 » inconnu dans le Code officiel géographique",
        "Ligne 5 : Millésime « vingt » invalide : indiquez une année (par exemple 2023)",
        "Ligne 6 : Valeur invalide : « beaucoup » n'est pas un nombre",
        "Ligne 7 : « Autre chiffre » ne suffit pas : écrivez le libellé du chiffre (par exemple "
        "« Indice de jeunesse »)",
        "Ligne 8 : même chiffre (« Population »), même territoire et même millésime que la "
        "ligne 2.",
        "Ligne 9 : La valeur est vide",
    ]
    with pytest.raises(FacilitiesError, match="rien n'a été enregistré") as error:
        apply_import(paa, content.encode(), "chiffres.csv", by=None)
    assert "Ligne 3" in error.value.message
    assert not TerritoryFigure.objects.exists()


def test_a_file_missing_a_required_column_is_refused(paa):
    content = "Échelle;Code;Chiffre;Valeur\nEPCI;200067437;Population;48726\n"
    with pytest.raises(FacilitiesError, match="Colonne absente du fichier : « Millésime »"):
        read_figures(content.encode(), "chiffres.csv", convention=paa)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"Nom;Prenom\nMartin;Claire\n", "colonnes de ce fichier ne sont pas reconnues"),
        (b"%PDF-1.7", "PDF"),
    ],
)
def test_unreadable_files_say_why_in_french(paa, data, message):
    with pytest.raises(FacilitiesError, match=message):
        read_figures(data, "chiffres.csv", convention=paa)


def test_free_labels_become_other_figures_and_known_labels_are_recognised(paa):
    content = HEADER + (
        "EPCI;200067437;;Indice de jeunesse;2025;58;INSEE 2025\n"
        "EPCI;200067437;;FOYERS ALLOCATAIRES;2025;9 635;CAF\n"
    )
    parsed = read_figures(content.encode(), "chiffres.csv", convention=paa)
    assert [(row.kind, row.label) for row in parsed.rows] == [
        (FigureKind.OTHER, "Indice de jeunesse"),
        (FigureKind.ALLOCATAIRES, ""),
    ]


# --------------------------------------------------------------------------- data.caf.fr


def test_an_epci_coverage_file_keeps_the_ctg_epci_and_drops_the_placeholder_row(paa):
    parsed = read_figures(TXCOUV_EPCI.encode("utf-8"), "txcouv_pe_epci.csv", convention=paa)
    assert parsed.format == "data.caf.fr – txcouv_pe_epci"
    assert [(r.line, r.kind, r.year, r.value) for r in parsed.rows] == [
        (2, FigureKind.PUBLISHED_COVERAGE_EAJE, 2022, Decimal("23.3")),
        (2, FigureKind.PUBLISHED_COVERAGE, 2022, Decimal("57.4")),
        (5, FigureKind.PUBLISHED_COVERAGE_EAJE, 2023, Decimal("20.0")),
        (5, FigureKind.PUBLISHED_COVERAGE, 2023, Decimal("48.0")),
    ]
    assert {r.area_name for r in parsed.rows} == {"CA Provence-Alpes-Agglomération"}
    assert {r.source for r in parsed.rows} == {"data.caf.fr – txcouv_pe_epci (txcouv_pe_epci.csv)"}
    assert "1 ligne sans territoire réel (code « XX », vide…) ignorée." in parsed.notes
    assert "1 ligne d'autres EPCI que ceux de la CTG ignorée." in parsed.notes
    assert Decimal("195.8") not in {r.value for r in parsed.rows}


def test_a_commune_coverage_file_keeps_the_ctg_communes_only(paa):
    parsed = read_figures(TXCOUV_COM.encode("cp1252"), "txcouv_pe_com.csv", convention=paa)
    assert [(r.area_code, r.area_name, r.kind, r.value) for r in parsed.rows] == [
        (DIGNE, "Digne-les-Bains", FigureKind.PUBLISHED_COVERAGE_EAJE, Decimal("50.2")),
        (DIGNE, "Digne-les-Bains", FigureKind.PUBLISHED_COVERAGE, Decimal("81.3")),
    ]
    assert any("1 ligne sans territoire réel" in note for note in parsed.notes)


def test_departement_and_national_files_give_the_reference_rates(paa):
    apply_import(paa, TXCOUV_DEP.encode(), "txcouv_pe_dep.csv", by=None)
    apply_import(paa, TXCOUV_NAT.replace(";", "\t").encode(), "txcouv_pe_nat (1).csv", by=None)
    figures = figures_of(paa)
    assert figures[(AreaKind.DEPARTEMENT, "04", FigureKind.PUBLISHED_COVERAGE, "", 2023)] == (
        Decimal("55.2")
    )
    assert (AreaKind.DEPARTEMENT, "05", FigureKind.PUBLISHED_COVERAGE, "", 2023) not in figures
    # The national file publishes its year as a date ("2023-01-01").
    assert figures[(AreaKind.FRANCE, "FR", FigureKind.PUBLISHED_COVERAGE, "", 2023)] == (
        Decimal("60.9")
    )


def test_a_places_file_maps_to_the_published_places(paa):
    apply_import(paa, NBPLA_EPCI.encode(), "nbpla_pe_epci.csv", by=None)
    figures = figures_of(paa)
    epci = (AreaKind.EPCI, PAA_SIREN)
    assert figures == {
        (*epci, FigureKind.PUBLISHED_PLACES_EAJE, "", 2023): Decimal(281),
        (*epci, FigureKind.PUBLISHED_PLACES_CHILDMINDERS, "", 2023): Decimal(357),
        (*epci, FigureKind.PUBLISHED_PLACES_TOTAL, "", 2023): Decimal(669),
    }
    source = TerritoryFigure.objects.values_list("source", flat=True).first()
    assert source == "data.caf.fr – nbpla_pe_epci (nbpla_pe_epci.csv)"


def test_a_file_exported_with_labels_is_recognised(paa):
    content = (
        "Date référence;Numéro Département;Nom Département;Taux de couv. EAJE PSU;"
        "Taux de couv. EAJE - ensemble;Taux de couv. global\n"
        "2023;04;ALPES-DE-HAUTE-PROVENCE;22;27;55,2\n"
    )
    apply_import(paa, content.encode("cp1252"), "export.csv", by=None)
    assert figures_of(paa) == {
        (AreaKind.DEPARTEMENT, "04", FigureKind.PUBLISHED_COVERAGE_EAJE, "", 2023): Decimal(27),
        (AreaKind.DEPARTEMENT, "04", FigureKind.PUBLISHED_COVERAGE, "", 2023): Decimal("55.2"),
    }


def test_a_bad_value_in_a_ctg_row_blocks_the_whole_file(paa):
    content = TXCOUV_EPCI.replace("48,0\n", "quarante-huit\n")
    with pytest.raises(FacilitiesError) as error:
        apply_import(paa, content.encode(), "txcouv_pe_epci.csv", by=None)
    assert "Ligne 5 : colonne « txcouv_epci » : « quarante-huit » n'est pas un nombre." in (
        error.value.message
    )
    assert not TerritoryFigure.objects.exists()


def test_bad_values_in_other_territories_rows_are_not_our_business(paa):
    content = TXCOUV_EPCI.replace("36,0;61,0\n", "36,0;n/a?\n")
    result = apply_import(paa, content.encode(), "txcouv_pe_epci.csv", by=None)
    assert result.created == 4


def test_a_file_about_none_of_the_ctg_territories_is_refused(paa):
    content = TXCOUV_DEP.replace("2023;04;", "2023;06;")
    parsed = read_figures(content.encode(), "txcouv_pe_dep.csv", convention=paa)
    assert not parsed.ok
    assert "aucune ligne de ce fichier ne concerne les territoires de la CTG" in str(
        parsed.errors[0]
    )


def test_reimporting_the_same_file_changes_nothing_and_a_new_edition_updates(paa):
    first = apply_import(paa, TXCOUV_EPCI.encode(), "txcouv_pe_epci.csv", by=None)
    assert (first.created, first.updated, first.unchanged) == (4, 0, 0)
    again = apply_import(paa, TXCOUV_EPCI.encode(), "txcouv_pe_epci.csv", by=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert again.summary == "0 chiffre créé, 0 mis à jour, 4 inchangés"
    revised = TXCOUV_EPCI.replace("57,4\n", "57,1\n")
    plan = plan_import(paa, revised.encode(), "txcouv_pe_epci.csv")
    assert (plan.created, plan.updated, plan.unchanged) == (0, 1, 3)
    assert next(f for f in plan.figures if f.status == "updated").previous == Decimal("57.4")
    apply_import(paa, revised.encode(), "txcouv_pe_epci.csv", by=None)
    assert figures_of(paa)[
        (AreaKind.EPCI, PAA_SIREN, FigureKind.PUBLISHED_COVERAGE, "", 2022)
    ] == Decimal("57.1")
    assert TerritoryFigure.objects.count() == 4


def test_mixed_scales_are_refused(paa):
    content = "annee;numepci;txcouv_epci;txcouv_dep\n2023;200067437;48;55\n"
    with pytest.raises(FacilitiesError, match="plusieurs échelles"):
        read_figures(content.encode(), "x.csv", convention=paa)
