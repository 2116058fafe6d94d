"""The import toolkit shared by the plan, register and figures imports: cells, columns, report."""

import pytest

from pilote.core.tabular import (
    Column,
    Columns,
    ImportReport,
    Problem,
    Table,
    TabularError,
    clean_text,
    parse_integer,
    year_of,
    year_quarter_of,
)


@pytest.mark.parametrize(
    ("text", "year"),
    [("2019", 2019), ("2019.0", 2019), ("2019-09-02", 2019), ("02/09/2019", 2019), ("x", None)],
)
def test_years_are_read_from_numbers_dates_and_french_dates(text, year):
    assert year_of(text) == year


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("2026", (2026, None)),
        ("T2 2026", (2026, 2)),
        ("2e trimestre 2026", (2026, 2)),
        ("2026-T3", (2026, 3)),
        ("2026-11-15", (2026, 4)),
        ("15/04/2026", (2026, 2)),
        ("demain", None),
    ],
)
def test_quarters_are_read_from_their_french_spellings_and_from_dates(text, point):
    assert year_quarter_of(text) == point


def test_integers_may_carry_their_unit_but_not_decimals():
    assert parse_integer("3 ans", unit="an") == 3
    with pytest.raises(ValueError, match="nombre entier"):
        parse_integer("2,5")


def test_cell_text_loses_extra_spaces_and_the_exports_formula_guard():
    assert clean_text("  Les   Canaillous \n") == "Les Canaillous"
    assert clean_text("'=SOMME(A1)") == "=SOMME(A1)"
    assert clean_text("ligne 1 \n  ligne 2", multiline=True) == "ligne 1\nligne 2"


def test_columns_are_found_by_synonym_and_unknown_or_doubled_ones_are_reported():
    columns = Columns(
        [Column("name", "Nom", ("Intitulé",)), Column("places", "Places", label="capacité")],
        pattern=lambda key: Column(f"bonus_{key[-4:]}", key) if key.startswith("bonus") else None,
    )
    headers = ["INTITULÉ", "Places", "Nom", "Bonus 2026", "Couleur", ""]
    table = Table(headers=headers, keys=["intitule", "places", "nom", "bonus 2026", "couleur", ""])
    report = ImportReport(filename="f.csv")
    matched = columns.match(table, report)
    assert matched.keys == {"name": "intitule", "places": "places", "bonus_2026": "bonus 2026"}
    assert report.columns == [
        ("INTITULÉ", "Nom"),
        ("Places", "capacité"),
        ("Bonus 2026", "bonus 2026"),
    ]
    assert [str(problem) for problem in report.errors] == [
        "Colonne « Nom » : cette colonne et la colonne « INTITULÉ » donnent toutes deux « Nom » "
        ": gardez-en une seule."
    ]
    assert [str(problem) for problem in report.warnings] == [
        "Colonne « Couleur » : colonne non reconnue : elle est ignorée."
    ]


def test_a_report_lists_the_cells_the_reader_refused_and_counts_beyond_its_limit():
    report = ImportReport(filename="plan.xlsx")
    report.unreadable(TabularError("Formules", problems=[(2, "Budget", "formule sans valeur.")]))
    assert report.errors == [Problem(2, "Budget", "formule sans valeur.")]
    for line in range(600):
        report.error(line, "", "faux.")
    assert (report.error_count, len(report.errors)) == (601, 500)
    assert report.summary(limit=1).endswith("… et 600 autre(s) erreur(s).")
    assert str(Problem(None, "", "fichier vide.")) == "Fichier vide."
