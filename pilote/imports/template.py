"""The French plan spreadsheet template: an empty one, or the CTG's plan ready to edit.

The « Plan » sheet holds the columns pilote.imports.spreadsheet reads (one row per element, top
down); « Mode d'emploi » explains each column and the re-import rules; « Exemple » shows a filled
plan (only the first visible sheet is imported, so the example never is).
"""

from __future__ import annotations

import io
from decimal import Decimal

from pilote.core.downloads import XLSX
from pilote.core.formats import plain_decimal
from pilote.core.formulas import guard, guard_workbook
from pilote.plans.enums import Origin

from .spreadsheet_columns import COLUMN_BY_FIELD, COLUMNS

TEMPLATE_FIELDS = [
    "kind",
    "number",
    "title",
    "objective",
    "description",
    "expected_result",
    "target_public",
    "pilots",
    "partners",
    "thematics",
    "start",
    "end",
    "priority",
    "origin",
    "budget",
    "indicators",
    "parent",  # last: only written where the order of the rows does not say it
]
XLSX_TYPE = XLSX  # the upload view sends the template with it


def template_xlsx(convention=None) -> bytes:
    """Return the French template: the plan sheet (the CTG's plan when given), the
    instructions and an example."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    headers = [COLUMN_BY_FIELD[name].header for name in TEMPLATE_FIELDS]
    sheet.append(headers)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="000091")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    widths = {"kind": 18, "number": 10, "title": 60, "budget": 40, "indicators": 40}
    for index, name in enumerate(TEMPLATE_FIELDS, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(name, 28)
    sheet.freeze_panes = "A2"
    rows = plan_rows(convention) if convention is not None else []
    for row in rows:
        sheet.append([guard(row.get(name, "")) for name in TEMPLATE_FIELDS])
    last = max(len(rows) + 1, 500)
    for name, values in (
        ("priority", '"haute,moyenne,basse"'),
        ("origin", '"existant,à renforcer,nouveau"'),
    ):
        letter = openpyxl.utils.get_column_letter(TEMPLATE_FIELDS.index(name) + 1)
        validation = DataValidation(type="list", formula1=values, allow_blank=True)
        validation.error = "Choisissez une valeur de la liste."
        validation.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(validation)

    guide = workbook.create_sheet("Mode d'emploi")
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 110
    guide.append(["Importer un plan d'actions dans Pilote CTG"])
    guide["A1"].font = Font(bold=True, size=14)
    for text in INSTRUCTIONS:
        guide.append(["", text])
    guide.append([])
    guide.append(["Colonne", "Contenu"])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        guide.append([column.header, column.help])
        guide.cell(guide.max_row, 1).font = Font(bold=True)
    for row in guide.iter_rows():
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)

    example = workbook.create_sheet("Exemple")
    example.append(headers)
    for cell in example[1]:
        cell.font = Font(bold=True)
    for row in EXAMPLE_ROWS:
        example.append([row.get(name, "") for name in TEMPLATE_FIELDS])
    buffer = io.BytesIO()
    guard_workbook(workbook)
    workbook.save(buffer)
    return buffer.getvalue()


INSTRUCTIONS = [
    "Remplissez la feuille « Plan » : une ligne par élément du plan (axe, fiche action, action…), "
    "dans l'ordre du plan, chaque élément sous celui dont il dépend. Seule la première feuille "
    "visible est lue ; la feuille « Exemple » montre un plan rempli.",
    "Les en-têtes peuvent changer de place, de majuscules ou d'accents ; une colonne inconnue est "
    "signalée puis ignorée. Les cellules fusionnées valent pour chaque ligne qu'elles couvrent.",
    "Importer de nouveau un fichier modifié met à jour les éléments de même niveau et de même "
    "numéro (ou, sans numéro, de même intitulé), ajoute les nouveaux et ne supprime rien. Une "
    "colonne absente du fichier ne change rien ; une cellule vide efface la valeur.",
    "Rien n'est enregistré avant votre confirmation : Pilote CTG montre d'abord chaque problème "
    "(ligne, colonne, message) ou l'arbre du plan, que vous pouvez corriger.",
    "Fichiers acceptés : XLSX, ODS ou CSV (UTF-8 ou Windows-1252, séparé par « ; » ou « , »). "
    "Les formules doivent avoir été calculées : enregistrez le fichier dans votre tableur avant "
    "de l'envoyer.",
]

EXAMPLE_ROWS = [
    {"kind": "Axe", "number": "1", "title": "Favoriser l'accueil du jeune enfant"},
    {
        "kind": "Fiche action",
        "number": "1.1",
        "title": "Développer l'offre d'accueil collectif",
        "objective": "Répondre aux besoins d'accueil des familles",
        "target_public": "Familles avec enfants de moins de 3 ans",
        "pilots": "Caf des Alpes-de-Haute-Provence ; CA Provence-Alpes-Agglomération",
        "partners": "Communes ; PMI",
        "thematics": "Petite enfance",
        "start": "2026",
        "end": "T4 2028",
        "priority": "haute",
        "origin": "à renforcer",
        "budget": "Caf 2026 : 15 000 ; Commune de Digne-les-Bains 2027 : 2 500",
        "indicators": "Nombre de places créées ; Taux de couverture",
    },
    {
        "kind": "Action",
        "number": "1.1.1",
        "title": "Ouvrir une micro-crèche à Malijai",
        "start": "T2 2026",
        "end": "2027",
        "origin": "nouveau",
    },
    {"kind": "Axe", "number": "2", "title": "Accompagner les parents"},
    {
        "kind": "Fiche action",
        "number": "2.1",
        "title": "Faire connaître les lieux d'accueil enfants-parents",
        "thematics": "Parentalité ; Accès aux droits",
        "start": "2026",
        "end": "2030",
    },
]


def plan_rows(convention) -> list[dict[str, str]]:
    """Return the CTG's plan as template rows, top-down (a bounded number of queries)."""
    from pilote.plans.models import PlanNode
    from pilote.plans.tree import build_tree

    nodes = (
        PlanNode.objects.filter(convention=convention)
        .select_related("level")
        .prefetch_related("pilots", "partners", "thematics", "budget_lines", "indicators")
        .order_by("parent_id", "position", "pk")
    )
    rows: list[dict[str, str]] = []
    rank = {
        pk: index
        for index, pk in enumerate(
            convention.levels.order_by("position").values_list("pk", flat=True)
        )
    }
    last_of_level: dict[int, tuple[int, object]] = {}  # level rank → (row index, node)

    def parent_cell(node, parent) -> str:
        """Return the « Parent » cell: empty when the rows above already say it."""
        above = [entry for level, entry in last_of_level.items() if level < rank[node.level_id]]
        inferred = max(above, key=lambda entry: entry[0])[1] if above else None
        if inferred is parent:
            return ""
        if parent is None:
            return "racine"
        return parent.number  # empty for an unnumbered parent: the rows cannot say it

    def visit(items, parent=None) -> None:
        for item in items:
            node = item.node
            parent_text = parent_cell(node, parent)
            last_of_level[rank[node.level_id]] = (len(rows), node)
            rows.append(
                {
                    "kind": node.level.name,
                    "number": node.number,
                    "title": node.title,
                    "objective": node.objective,
                    "description": node.description,
                    "expected_result": node.expected_result,
                    "target_public": node.target_public,
                    "pilots": " ; ".join(
                        sorted((o.name for o in node.pilots.all()), key=str.casefold)
                    ),
                    "partners": " ; ".join(
                        sorted((o.name for o in node.partners.all()), key=str.casefold)
                    ),
                    "thematics": " ; ".join(sorted(t.label for t in node.thematics.all())),
                    "start": _point_text(node.start_year, node.start_quarter),
                    "end": _point_text(node.end_year, node.end_quarter),
                    "priority": node.priority,
                    "origin": Origin(node.origin).label.lower() if node.origin else "",
                    "budget": " ; ".join(
                        f"{line.funder}{f' {line.year}' if line.year else ''} : "
                        f"{amount_text(line.amount)}"
                        for line in sorted(node.budget_lines.all(), key=lambda line: line.pk)
                    ),
                    "indicators": " ; ".join(i.name for i in node.indicators.all()),
                    "parent": parent_text,
                }
            )
            visit(item.children, node)

    visit(build_tree(list(nodes)))
    return rows


def amount_text(amount: Decimal) -> str:
    """Return an amount as the template writes it: 15000, 2500,5."""
    return plain_decimal(amount)


def _point_text(year: int | None, quarter: int | None) -> str:
    if year is None:
        return ""
    return f"T{quarter} {year}" if quarter else str(year)
