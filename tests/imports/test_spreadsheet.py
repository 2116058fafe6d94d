"""Plan spreadsheets: the template, reading a filled one (headers, problems, robustness), and
importing it again into the same CTG, which updates the elements by number."""

import io
import zipfile

import openpyxl
import pytest
from django.test import override_settings

from pilote.accounts.models import Organisation
from pilote.imports.exceptions import ApplyError
from pilote.imports.merge import NEW, UNCHANGED, UPDATED, apply_merge, plan_merge
from pilote.imports.spreadsheet import is_spreadsheet, read_spreadsheet
from pilote.imports.template import EXAMPLE_ROWS, TEMPLATE_FIELDS, template_xlsx
from pilote.plans.models import BudgetLine, Indicator, PlanLevel, PlanNode, Thematic
from tests.factories import SignedConventionFactory as ConventionFactory

from .builders import docx_bytes

HEADERS = ["Niveau", "Numéro", "Titre", "Pilotes", "Début", "Fin", "Budget"]
PLAN = [
    ["Axe", "1", "Favoriser l'accueil du jeune enfant", "", "", "", ""],
    [
        "Fiche action",
        "1.1",
        "Développer l'offre d'accueil collectif",
        "Caf ; CCAS",
        "2026",
        "T4 2028",
        "Caf 2026 : 15 000",
    ],
    [
        "Action",
        "1.1.1",
        "Ouvrir une micro-crèche à Malijai",
        "Commune de Malijai",
        "T2 2026",
        "2027",
        "",
    ],
    ["Action", "1.1.2", "Créer un relais petite enfance itinérant", "", "2027", "", ""],
    ["Axe", "2", "Accompagner les parents", "", "", "", ""],
    ["Fiche action", "2.1", "Faire connaître les lieux d'accueil enfants-parents", "", "", "", ""],
]
BUDGET_FORM = (
    "ne suit pas la forme « Financeur année : montant » (par exemple « Caf 2026 : 15 000 »)."
)

pytestmark = pytest.mark.django_db


def fresh() -> list[list[str]]:
    """Return the headers and rows of the plan, as new lists that a test may change."""
    return [list(HEADERS), *(list(row) for row in PLAN)]


def xlsx(rows, *, prepare=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if prepare:
        prepare(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv(rows, *, encoding="utf-8", separator=";") -> bytes:
    import csv as csv_module

    buffer = io.StringIO()
    csv_module.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def tree(proposal) -> list:
    """Return the proposal as nested (kind, number, title, [children]) tuples."""

    def node(item):
        return (item["kind"], item["number"], item["title"], [node(c) for c in item["children"]])

    return [node(item) for item in proposal["plan"]]


def messages(result) -> list[tuple]:
    return [(p.line, p.column, p.message) for p in result.errors]


def plan_counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (PlanNode, PlanLevel, BudgetLine, Indicator, Thematic, Organisation)
    }


@pytest.fixture
def ctg():
    """A CTG of PAA for 2026–2030 whose plan is empty."""
    return ConventionFactory(levels=["Axe", "Fiche action", "Action"])


# --------------------------------------------------------------------------- reading


def test_a_filled_sheet_gives_the_tree_its_levels_and_the_fiche_fields():
    result = read_spreadsheet(xlsx(fresh()), "plan.xlsx")
    assert result.ok, messages(result)
    proposal = result.proposal
    assert proposal["convention"]["level_names"] == ["Axe", "Fiche action", "Action"]
    assert proposal["convention"]["tracked_levels"] == ["Action"]
    assert tree(proposal)[0][3][0][:3] == (
        "Fiche action",
        "1.1",
        "Développer l'offre d'accueil collectif",
    )
    assert [child[1] for child in tree(proposal)[0][3][0][3]] == ["1.1.1", "1.1.2"]
    fiche = proposal["plan"][0]["children"][0]
    assert fiche["pilots"] == ["Caf", "CCAS"]
    assert fiche["period"] == {
        "start_year": 2026,
        "start_quarter": None,
        "end_year": 2028,
        "end_quarter": 4,
    }
    assert fiche["budget_lines"] == [
        {"funder": "Caf", "amount": "15000.00", "year": 2026, "comment": ""}
    ]
    assert fiche["source"] == {"line": 3, "page": None}
    assert proposal["convention"]["start_date"] == "2026-01-01"


def test_headers_are_found_whatever_their_case_accents_order_or_synonym():
    headers = ["INTITULE", "pilote(s)", "numero", "NIVEAU ", "date de début", "Priorite"]
    rows = [
        ["Accompagner les parents", "", "2", "axe", "", ""],
        ["Ouvrir un LAEP", "Caf", "2.1", "Fiche action", "2027", "Haute"],
    ]
    result = read_spreadsheet(csv([headers, *rows]), "plan.csv")
    assert result.ok, messages(result)
    assert tree(result.proposal) == [
        ("axe", "2", "Accompagner les parents", [("Fiche action", "2.1", "Ouvrir un LAEP", [])])
    ]
    assert result.proposal["plan"][0]["children"][0]["priority"] == "haute"


def test_an_unknown_column_is_reported_and_ignored():
    result = read_spreadsheet(
        csv([["Niveau", "Titre", "Couleur"], ["Axe", "Parentalité", "bleu"]]), "p.csv"
    )
    assert result.ok
    assert [(p.column, p.message) for p in result.warnings] == [
        ("Couleur", "colonne non reconnue : elle est ignorée.")
    ]
    assert "Colonne « Couleur » : colonne non reconnue" in result.proposal["warnings"][0]


def test_missing_required_columns_are_reported():
    result = read_spreadsheet(csv([["Numéro", "Pilotes"], ["1", "Caf"]]), "p.csv")
    assert [m for _, _, m in messages(result)] == [
        "colonne obligatoire absente : « Titre » (ou « Intitulé »).",
        "colonne obligatoire absente : « Niveau » (ou « Chemin des niveaux ») : elle dit si la "
        "ligne est un axe, une fiche action, une action…",
    ]


def test_every_bad_cell_is_reported_with_its_row_and_column():
    rows = [
        ["Niveau", "Numéro", "Titre", "Priorité", "Début", "Fin", "Budget"],
        ["Axe", "1", "", "urgente", "", "", ""],
        ["Fiche action", "1.1", "Ouvrir un LAEP", "", "l'an prochain", "", "15 000"],
        ["Fiche action", "1.2", "Former", "", "2028", "2026", "Caf : beaucoup"],
        ["Fiche action", "1.1", "Doublon", "", "", "", ""],
    ]
    result = read_spreadsheet(csv(rows), "plan.csv")
    assert result.proposal is None
    assert messages(result) == [
        (2, "Titre", "le titre est obligatoire."),
        (
            2,
            "Priorité",
            "priorité inconnue : « urgente ». Valeurs acceptées : haute, moyenne, basse.",
        ),
        (
            3,
            "Début",
            "« l'an prochain » n'est ni une année ni un trimestre (par exemple 2026 ou T2 2026).",
        ),
        (3, "Budget", f"« 15 000 » {BUDGET_FORM}"),
        (4, "Fin", "la fin est avant le début."),
        (4, "Budget", f"« Caf : beaucoup » {BUDGET_FORM}"),
    ]
    # The duplicate number is reported once the cells are right.
    rows[1][2], rows[1][3], rows[2][4], rows[2][6], rows[3][5], rows[3][6] = (
        "Axe 1",
        "",
        "",
        "",
        "",
        "",
    )
    result = read_spreadsheet(csv(rows), "plan.csv")
    assert messages(result) == [
        (
            5,
            "Numéro",
            "le numéro « 1.1 » est déjà celui d'un élément « Fiche action » à la ligne 3 : deux "
            "éléments d'un même niveau ne peuvent pas porter le même numéro.",
        )
    ]


def test_a_parent_column_places_rows_wherever_they_are_in_the_file():
    rows = [
        ["Niveau", "Numéro", "Titre", "Parent"],
        ["Axe", "1", "Petite enfance", ""],
        ["Axe", "2", "Parentalité", ""],
        ["Fiche action", "1.1", "Micro-crèche", "1"],
        ["Fiche action", "2.1", "LAEP", "2"],
        ["Fiche action", "9.9", "Orpheline", "9"],
    ]
    result = read_spreadsheet(csv(rows), "plan.csv")
    assert messages(result) == [(6, "Parent", "aucun élément du fichier ne porte le numéro « 9 ».")]
    result = read_spreadsheet(csv(rows[:-1]), "plan.csv")
    assert [[c[1] for c in axe[3]] for axe in tree(result.proposal)] == [["1.1"], ["2.1"]]


def test_a_level_path_column_gives_each_row_its_level_and_depth():
    rows = [
        ["Chemin des niveaux", "N°", "Intitulé"],
        ["Axe", "I", "Petite enfance"],
        ["Axe > Orientation", "A", "Développer l'offre"],
        ["Axe › Orientation › Action", "1", "Micro-crèche"],
        ["Axe", "II", "Parentalité"],
        ["Axe > Orientation > Action", "2", "Sans orientation au-dessus"],
    ]
    result = read_spreadsheet(csv(rows), "plan.csv")
    assert result.ok, messages(result)
    assert result.proposal["convention"]["level_names"] == ["Axe", "Orientation", "Action"]
    [axis, _other] = tree(result.proposal)
    assert axis[:3] == ("Axe", "I", "Petite enfance")
    [orientation] = axis[3]
    assert orientation[:3] == ("Orientation", "A", "Développer l'offre")
    assert [action[1:3] for action in orientation[3]] == [
        ("1", "Micro-crèche"),
        ("2", "Sans orientation au-dessus"),
    ]


def test_thematics_are_national_codes_or_new_ones_of_the_ctg():
    rows = [
        ["Niveau", "Titre", "Thématiques"],
        ["Axe", "Jeunes", "Jeunesse ; PARENTALITÉ, Mobilité"],
    ]
    result = read_spreadsheet(xlsx(rows), "plan.xlsx")
    assert result.proposal["plan"][0]["thematics"] == ["jeunesse", "mobilite", "parentalite"]
    assert result.proposal["convention"]["custom_thematics"] == [
        {"code": "mobilite", "label": "Mobilité"}
    ]


def test_an_organisation_with_a_comma_is_kept_whole_with_a_warning():
    rows = [["Niveau", "Titre", "Pilotes"], ["Axe", "Jeunes", "Caf, CCAS"]]
    result = read_spreadsheet(xlsx(rows), "plan.xlsx")
    assert result.proposal["plan"][0]["pilots"] == ["Caf, CCAS"]
    assert "séparez plusieurs organisations par « ; »" in result.warnings[0].message


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "plan.xlsx", "Le fichier est vide."),
        (
            b"Niveau;Titre\n",
            "plan.csv",
            "Le fichier ne contient que des en-têtes : aucune ligne à importer.",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "plan.xlsx",
            "protégé par un mot de passe",
        ),
        (b"PK\x03\x04 plus rien", "plan.xlsx", "endommagé ou tronqué"),
    ],
    ids=["empty", "headers-only", "encrypted", "truncated-header"],
)
def test_unreadable_files_get_a_french_message(data, name, message):
    result = read_spreadsheet(data, name)
    assert result.proposal is None
    assert message in result.errors[0].message


def test_a_truncated_workbook_is_refused():
    data = xlsx(fresh())
    result = read_spreadsheet(data[: len(data) * 2 // 3], "plan.xlsx")
    assert "endommagé ou tronqué" in result.errors[0].message


@override_settings(IMPORT_MAX_BYTES=2_000)
def test_a_file_over_the_limit_is_refused_before_reading():
    result = read_spreadsheet(xlsx(fresh() * 20), "plan.xlsx")
    assert "trop volumineux" in result.errors[0].message


@pytest.mark.parametrize(
    "data",
    [
        csv(fresh(), encoding="cp1252"),
        b"\xef\xbb\xbf" + csv(fresh()),
        csv(fresh(), separator="\t"),
    ],
    ids=["windows-1252", "utf-8-bom", "tab"],
)
def test_csv_encodings_and_separators_read_the_same(data):
    result = read_spreadsheet(data, "plan.csv")
    assert result.ok
    assert tree(result.proposal) == tree(read_spreadsheet(xlsx(fresh()), "p.xlsx").proposal)


def test_a_file_with_the_wrong_extension_is_read_for_what_it_is():
    assert is_spreadsheet(csv(fresh()), "plan.txt")  # the template's headers
    assert is_spreadsheet(xlsx(fresh()), "plan.docx")
    assert not is_spreadsheet(docx_bytes("Axe 1 : Petite enfance"), "plan.xlsx")
    assert not is_spreadsheet(b"%PDF-1.7\n...", "plan.csv")
    result = read_spreadsheet(csv(fresh()), "plan.xlsx")
    assert result.ok
    assert result.warnings[0].message.startswith("L'extension « .xlsx » ne correspond pas")


def test_formulas_without_calculated_values_are_reported_cell_by_cell():
    rows = fresh()
    rows[2][6] = "=10000+5000"  # openpyxl writes formulas without their value
    result = read_spreadsheet(xlsx(rows), "plan.xlsx")
    assert result.proposal is None
    assert messages(result) == [
        (3, "Budget", "la cellule G3 contient une formule dont la valeur n'a jamais été calculée.")
    ]


def test_merged_cells_count_for_every_row_they_cover():
    rows = fresh()
    rows[3][3] = "Commune de Malijai ; CCAS"
    rows[4][3] = ""

    def merge(workbook):
        workbook.active.merge_cells("D4:D5")  # the pilots of the two actions

    result = read_spreadsheet(xlsx(rows, prepare=merge), "plan.xlsx")
    actions = result.proposal["plan"][0]["children"][0]["children"]
    assert [action["pilots"] for action in actions] == [["CCAS", "Commune de Malijai"]] * 2
    assert "Cellules fusionnées (D4:D5)" in result.warnings[0].message


def test_hidden_sheets_are_skipped():
    def hide_a_first_sheet(workbook):
        notes = workbook.create_sheet("Brouillon", 0)
        notes.append(["Niveau", "Titre"])
        notes.append(["Axe", "Ne pas importer"])
        notes.sheet_state = "hidden"

    result = read_spreadsheet(xlsx(fresh(), prepare=hide_a_first_sheet), "plan.xlsx")
    assert result.sheet == "Sheet"
    assert len(list(result.proposal["plan"])) == 2
    assert "La feuille masquée « Brouillon » n’a pas été lue" in result.warnings[0].message


def test_an_ods_file_reads_like_the_xlsx():
    from tests.core.test_tabular import ods_bytes

    result = read_spreadsheet(ods_bytes(fresh()), "plan.ods")
    assert result.ok, messages(result)
    assert tree(result.proposal) == tree(read_spreadsheet(xlsx(fresh()), "p.xlsx").proposal)


# --------------------------------------------------------------------------- template


def test_the_template_has_its_instructions_and_an_example_that_is_not_imported():
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    assert workbook.sheetnames == ["Plan", "Mode d'emploi", "Exemple"]
    headers = [c.value for c in workbook["Plan"][1]]
    assert headers[:3] == ["Niveau", "Numéro", "Titre"]
    assert headers[-1] == "Parent"
    guide = "\n".join(
        str(c.value) for row in workbook["Mode d'emploi"].iter_rows() for c in row if c.value
    )
    assert "« Financeur année : montant »" in guide
    assert "ne supprime rien" in guide
    # The empty template is refused for what it is: headers without rows.
    result = read_spreadsheet(template_xlsx(), "modele.xlsx")
    assert (
        result.errors[0].message
        == "Le fichier ne contient que des en-têtes : aucune ligne à importer."
    )


def filled_template() -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    for row in EXAMPLE_ROWS:
        workbook["Plan"].append([row.get(name, "") for name in TEMPLATE_FIELDS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_template_round_trip_fill_import_export_import_changes_nothing(ctg):
    result = read_spreadsheet(filled_template(), "plan.xlsx")
    assert result.ok, messages(result)
    saved = apply_merge(ctg, result.proposal)
    assert (saved.created, saved.updated) == (5, 0)
    fiche = PlanNode.objects.get(convention=ctg, number="1.1")
    assert sorted(o.name for o in fiche.pilots.all()) == [
        "CA Provence-Alpes-Agglomération",
        "Caf des Alpes-de-Haute-Provence",
    ]
    assert [
        (line.funder, line.amount, line.year) for line in fiche.budget_lines.order_by("pk")
    ] == [
        ("Caf", 15000, 2026),
        ("Commune de Digne-les-Bains", 2500, 2027),
    ]
    assert fiche.origin == "a_renforcer"
    assert [i.name for i in fiche.indicators.order_by("position")] == [
        "Nombre de places créées",
        "Taux de couverture",
    ]

    exported = template_xlsx(ctg)
    again = read_spreadsheet(
        exported, f"plan-{ctg.slug}.xlsx", levels=["Axe", "Fiche action", "Action"]
    )
    assert again.ok, messages(again)
    merge = plan_merge(ctg, again.proposal)
    assert {outcome.status for outcome in merge.outcomes.values()} == {UNCHANGED}
    before = plan_counts()
    assert apply_merge(ctg, again.proposal).unchanged == 5
    assert plan_counts() == before


def test_the_demo_plan_of_paa_goes_out_and_back_unchanged():
    """Seed 003's plan is irregular (fiches at the top level, after the axes): the « Parent »
    column of the exported sheet says what the order of the rows cannot."""
    from tests.facilities.demo import import_demo

    paa = import_demo()
    levels = list(paa.levels.order_by("position").values_list("name", flat=True))
    custom = list(paa.custom_thematics.values_list("code", "label"))
    exported = template_xlsx(paa)
    parents = [
        row[-1].value
        for row in openpyxl.load_workbook(io.BytesIO(exported))["Plan"].iter_rows(min_row=2)
    ]
    assert "racine" in parents
    result = read_spreadsheet(exported, "plan.xlsx", levels=levels, custom_thematics=custom)
    assert result.ok, messages(result)
    assert result.warnings == []
    merge = plan_merge(paa, result.proposal)
    changed = {
        (item["kind"], item["number"]): merge.outcomes[item["id"]].changes
        for item in _walk(result.proposal["plan"])
        if merge.outcomes[item["id"]].status != UNCHANGED
    }
    assert changed == {}
    assert merge.unchanged == PlanNode.objects.filter(convention=paa).count()


# --------------------------------------------------------------------------- re-import


def test_importing_an_edited_file_again_updates_by_number_adds_and_deletes_nothing(ctg):
    apply_merge(ctg, read_spreadsheet(xlsx(fresh()), "plan.xlsx").proposal)
    micro_creche = PlanNode.objects.get(convention=ctg, number="1.1.1")
    rows = fresh()
    rows[3][2] = "Ouvrir une micro-crèche de 12 places à Malijai"  # 1.1.1: new title
    rows[2][6] = "Caf 2026 : 18 000"  # 1.1: new budget
    del rows[4]  # 1.1.2 is no longer in the file
    rows.insert(4, ["Action", "1.1.3", "Recruter des assistants maternels", "", "2028", "", ""])

    result = read_spreadsheet(xlsx(rows), "plan.xlsx", levels=["Axe", "Fiche action", "Action"])
    merge = plan_merge(ctg, result.proposal)
    statuses = {
        item["number"]: (merge.outcomes[item["id"]].status, merge.outcomes[item["id"]].changes)
        for item in _walk(result.proposal["plan"])
    }
    assert statuses == {
        "1": (UNCHANGED, []),
        "1.1": (UPDATED, ["budget"]),
        "1.1.1": (UPDATED, ["intitulé"]),
        "1.1.3": (NEW, []),
        "2": (UNCHANGED, []),
        "2.1": (UNCHANGED, []),
    }
    assert merge.kept == 1

    done = apply_merge(ctg, result.proposal)
    assert (done.created, done.updated, done.unchanged) == (1, 2, 3)
    micro_creche.refresh_from_db()
    assert micro_creche.title == "Ouvrir une micro-crèche de 12 places à Malijai"
    fiche = PlanNode.objects.get(convention=ctg, number="1.1")
    assert [line.amount for line in fiche.budget_lines.all()] == [18000]
    assert [n.number for n in fiche.children.order_by("position")] == ["1.1.1", "1.1.3", "1.1.2"]
    assert PlanNode.objects.filter(convention=ctg).count() == 7


def test_a_column_absent_from_the_file_changes_nothing(ctg):
    apply_merge(ctg, read_spreadsheet(xlsx(fresh()), "plan.xlsx").proposal)
    rows = [row[:3] for row in fresh()]  # no pilots, dates nor budget
    result = read_spreadsheet(xlsx(rows), "plan.xlsx", levels=["Axe", "Fiche action", "Action"])
    assert plan_merge(ctg, result.proposal).updated == 0
    fiche = PlanNode.objects.get(convention=ctg, number="1.1")
    assert fiche.budget_lines.count() == 1
    assert fiche.pilots.count() == 2


def test_a_level_unknown_to_a_ctg_with_a_plan_is_refused_and_nothing_is_written(ctg):
    apply_merge(ctg, read_spreadsheet(xlsx(fresh()), "plan.xlsx").proposal)
    rows = [*fresh(), ["Objectif", "1.1.1.1", "Un niveau de plus", "", "", "", ""]]
    result = read_spreadsheet(xlsx(rows), "plan.xlsx", levels=["Axe", "Fiche action", "Action"])
    assert plan_merge(ctg, result.proposal).errors == [
        "Le niveau « Objectif » n'existe pas dans cette CTG (niveaux : Axe, Fiche action, "
        "Action) : renommez-le dans la relecture, ou ajoutez-le d'abord aux niveaux de la CTG."
    ]
    before = plan_counts()
    with pytest.raises(ApplyError, match="Import impossible, rien n'a été enregistré"):
        apply_merge(ctg, result.proposal)
    assert plan_counts() == before


def test_a_budget_year_outside_the_ctg_refuses_the_whole_import(ctg):
    rows = fresh()
    rows[6] = ["Fiche action", "2.1", "LAEP", "", "", "", "Caf 2031 : 1 000"]
    result = read_spreadsheet(xlsx(rows), "plan.xlsx")
    before = plan_counts()
    with pytest.raises(ApplyError, match=r"l'année 2031 du budget \(Caf\) est hors de la période"):
        apply_merge(ctg, result.proposal)
    assert plan_counts() == before


def test_years_outside_the_ctg_are_left_out_with_a_warning(ctg):
    rows = fresh()
    rows[4][4] = "2024"
    result = read_spreadsheet(xlsx(rows), "plan.xlsx")
    done = apply_merge(ctg, result.proposal)
    assert done.warnings == [
        "« Action 1.1.2 » : l'année 2024 est hors de la période de la CTG (2026–2030) ; elle ne "
        "sera pas reprise."
    ]
    assert PlanNode.objects.get(convention=ctg, number="1.1.2").start_year is None


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item["children"])


def test_is_spreadsheet_tells_a_damaged_archive_by_its_name():
    broken = b"PK\x03\x04" + b"\x00" * 50
    assert is_spreadsheet(broken, "plan.xlsx")
    assert not is_spreadsheet(broken, "plan.docx")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("notes.txt", "rien")
    assert not is_spreadsheet(archive.getvalue(), "plan.zip")
