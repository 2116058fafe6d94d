"""Write territory figures in the import template's format: CSV, XLSX, or the empty template."""

from __future__ import annotations

import io
from decimal import Decimal

from pilote.core.formats import plain_decimal
from pilote.core.formulas import guard_workbook
from pilote.core.table_writers import write_csv

from ..enums import AreaKind, FigureKind
from .imports import TEMPLATE_COLUMNS

TEMPLATE_HELP = [
    "Une ligne par chiffre. Échelle : commune, EPCI, département ou France.",
    "Code : code INSEE de la commune (5 caractères, par exemple 04070), SIREN de l'EPCI "
    "(9 chiffres), code du département (04, 2A…) ; laisser vide ou FR pour la France.",
    "Territoire : facultatif, pour vous relire (le nom officiel est repris du code).",
    "Chiffre : un libellé de la liste ci-dessous, ou tout autre libellé (« Autre chiffre »).",
    "Millésime : l'année des données. Valeur : nombre, virgule ou point décimal (41,4).",
]


def template_rows(figures) -> list[list]:
    """Return the template's rows for these figures (TerritoryFigure or FigureRow objects)."""
    return [
        [
            AreaKind(figure.area_kind).label,
            "" if figure.area_kind == AreaKind.FRANCE else figure.area_code,
            figure.area_name,
            figure.label or FigureKind(figure.kind).label,
            figure.year,
            _plain_number(figure.value),
            figure.source,
        ]
        for figure in figures
    ]


def _plain_number(value: Decimal) -> Decimal:
    """Return the value without trailing zeros and never in exponent notation."""
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized


def figures_csv(figures) -> bytes:
    """Return these figures as a CSV file in the template's format (UTF-8 with BOM, `;`)."""
    return write_csv(
        [header for header, _, _ in TEMPLATE_COLUMNS],
        ([_csv_cell(value) for value in row] for row in template_rows(figures)),
    )


def _csv_cell(value) -> str:
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return str(value)  # write_csv guards formula-like text (pilote.core.formulas)


def figures_workbook(figures, *, title: str = "Chiffres du diagnostic", example=False) -> bytes:
    """Return an XLSX workbook in the template's format (the template itself when example)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Chiffres"
    sheet.append([header for header, _, _ in TEMPLATE_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E3E3FD")
        cell.alignment = Alignment(vertical="top")
    rows = template_rows(figures)
    if example:
        rows = [
            [
                "EPCI",
                "200067437",
                "CA Provence-Alpes-Agglomération",
                FigureKind.CHILDREN_UNDER_3.label,
                2025,
                1151,
                "INSEE 2025",
            ]
        ]
    for values in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in values])
    for column, width in enumerate([14, 12, 34, 48, 11, 12, 30], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    if example:
        notes = workbook.create_sheet("Mode d'emploi")
        notes.column_dimensions["A"].width = 110
        for line in TEMPLATE_HELP:
            notes.append([line])
        notes.append([])
        notes.append(["Chiffres reconnus (colonne Chiffre) :"])
        for kind in FigureKind:
            if kind != FigureKind.OTHER:
                notes.append([kind.label])
    workbook.properties.title = title
    workbook.properties.creator = "Pilote CTG"
    guard_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
