"""Tables of a CTG (the plan, the follow-up table) as XLSX, ODS and CSV files.

A table is a list of columns (French header, width in characters, value of a row) and its rows;
each format writes the same columns with a header row. The follow-up table's columns are those
of pilote.monitoring.exports, so that its export from the follow-up page and from the exports
page say the same thing.
"""

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr

from odfdo import Document, Element
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from pilote.monitoring import exports as followup_exports
from pilote.monitoring.followup import NO_UPDATE_LABEL, load_rows

from .plan_rows import PlanRow, read_plan


class Column(NamedTuple):
    """A column: its French header, its width in characters, the function giving its value."""

    header: str
    width: int
    value: Callable[[Any], Any]


@dataclass
class TableExport:
    title: str  # the document's title ("Plan d'actions – CTG …")
    sheet: str  # the sheet's name (31 characters at most in XLSX)
    columns: Sequence[tuple[str, int, Callable[[Any], Any]]]
    rows: Sequence[Any]

    def values(self):
        """Yield each row as the list of its cleaned values."""
        functions = [value for _, _, value in self.columns]
        for row in self.rows:
            yield [clean(function(row)) for function in functions]


# Characters that XML 1.0 (XLSX, ODS, DOCX) cannot hold. Word's line and page breaks (\x0b, \x0c)
# come with text pasted from documents: they become line breaks, the others are dropped.
_BREAKS = re.compile(r"[\x0b\x0c]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Return the text without the characters XML cannot hold."""
    return _ILLEGAL.sub("", _BREAKS.sub("\n", text))


def clean(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


# --- The plan -----------------------------------------------------------------------------------


def _lines(items) -> str:
    return "\n".join(str(item) for item in items)


def _status(row: PlanRow) -> str:
    if row.latest:
        return row.latest.status_label
    return NO_UPDATE_LABEL if row.tracked else ""


PLAN_COLUMNS = [
    Column("Chemin dans le plan", 40, lambda r: r.level_path),
    Column("Niveau", 16, lambda r: r.level),
    Column("Numéro", 10, lambda r: r.number),
    Column("Intitulé", 60, lambda r: r.title),
    Column("Objectif", 50, lambda r: r.objective),
    Column("Description", 60, lambda r: r.description),
    Column("Résultat attendu", 50, lambda r: r.expected_result),
    Column("Public cible", 30, lambda r: r.target_public),
    Column("Territoire concerné", 30, lambda r: r.territory),
    Column("Pilotes", 30, lambda r: ", ".join(r.pilots)),
    Column("Partenaires", 40, lambda r: ", ".join(r.partners)),
    Column("Thématiques", 25, lambda r: ", ".join(r.thematics)),
    Column("Priorité", 10, lambda r: r.priority),
    Column("Origine", 12, lambda r: r.origin),
    Column("Période prévue", 16, lambda r: r.period),
    Column("Budget total (€)", 14, lambda r: r.budget_total),
    Column("Lignes budgétaires", 40, lambda r: _lines(r.budget_lines)),
    Column("Indicateurs", 60, lambda r: _lines(r.indicators)),
    Column("Suivi trimestriel", 10, lambda r: "Oui" if r.tracked else "Non"),
    Column("Trimestre du dernier point", 14, lambda r: r.latest.period_label if r.latest else ""),
    Column("Dernier statut", 18, _status),
    Column("Avancement (%)", 12, lambda r: r.latest.progress if r.latest else None),
    Column("Date du dernier point", 14, lambda r: r.latest_date),
    Column("Ce qui a été fait", 50, lambda r: r.latest.done if r.latest else ""),
    Column("Difficultés", 40, lambda r: r.latest.difficulties if r.latest else ""),
    Column("Prochaines étapes", 40, lambda r: r.latest.next_steps if r.latest else ""),
]


def plan_table(convention) -> TableExport:
    """Return the whole plan of the CTG, one row per element in outline order."""
    return TableExport(
        title=f"Plan d’actions – {convention.name}",
        sheet="Plan d’actions",
        columns=PLAN_COLUMNS,
        rows=read_plan(convention).rows,
    )


def followup_table(convention) -> TableExport:
    """Return the follow-up table of the CTG: every tracked action with its latest update."""
    table = load_rows(convention, full=True)
    return TableExport(
        title=f"Tableau de suivi – {convention.name}",
        sheet=f"Suivi {table.now}",
        columns=followup_exports.COLUMNS,
        rows=table.rows,
    )


# --- XLSX ---------------------------------------------------------------------------------------

FORMULA_START = followup_exports.FORMULA_START
HEADER_FILL = "E3E3FD"


def to_xlsx(table: TableExport) -> bytes:
    """Return the table as an XLSX workbook: bold header, frozen, filterable, sized columns."""
    workbook = Workbook()
    body = NamedStyle("pilote_body", alignment=Alignment(wrap_text=True, vertical="top"))
    day = NamedStyle("pilote_date", alignment=Alignment(vertical="top"), number_format="DD/MM/YYYY")
    workbook.add_named_style(body)
    workbook.add_named_style(day)
    sheet = workbook.active
    sheet.title = table.sheet[:31]
    sheet.append([header for header, _, _ in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    last_row = 1
    for last_row, values in enumerate(table.values(), start=2):
        for column, content in enumerate(values, start=1):
            if content is None or content == "":
                continue
            cell = sheet.cell(row=last_row, column=column, value=content)
            if isinstance(content, date):
                cell.style = "pilote_date"
                continue
            cell.style = "pilote_body"
            # Text that looks like a formula stays text (no formula injection).
            if isinstance(content, str) and content.startswith(FORMULA_START):
                cell.data_type = "s"
    for index, (_, width, _) in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last_column = get_column_letter(len(table.columns))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last_column}{last_row}"
    workbook.properties.title = table.title
    workbook.properties.creator = "Pilote CTG"
    workbook.properties.language = "fr-FR"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- ODS ----------------------------------------------------------------------------------------

# odfdo builds the document (manifest, styles, metadata) and reads ODS back in the tests. Its
# cell-by-cell API costs about 120 µs a cell (2.5 s for a 500-action plan): the rows are written
# here as XML text, every value escaped, and parsed once by lxml (0.1 s).
ODS_STYLES = [
    '<number:date-style style:name="N_day"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/>'
    '<number:text>/</number:text><number:year number:style="long"/></number:date-style>',
    '<style:style style:name="ce_head" style:family="table-cell">'
    f'<style:table-cell-properties fo:background-color="#{HEADER_FILL.lower()}" '
    'fo:wrap-option="wrap" style:vertical-align="top"/>'
    '<style:text-properties fo:font-weight="bold"/></style:style>',
    '<style:style style:name="ce_body" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
    "</style:style>",
    '<style:style style:name="ce_day" style:family="table-cell" style:data-style-name="N_day">'
    '<style:table-cell-properties style:vertical-align="top"/></style:style>',
]
CM_PER_CHARACTER = 0.2


def _ods_cell(value: Any, style: str = "ce_body") -> str:
    if value is None or value == "":
        return f'<table:table-cell table:style-name="{style}"/>'
    if isinstance(value, bool):
        value = "Oui" if value else "Non"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return (
            '<table:table-cell table:style-name="ce_day" office:value-type="date" '
            f'office:date-value="{value.isoformat()}"><text:p>{value:%d/%m/%Y}</text:p>'
            "</table:table-cell>"
        )
    if isinstance(value, int | float | Decimal):
        return (
            f'<table:table-cell table:style-name="{style}" office:value-type="float" '
            f'office:value="{value}"><text:p>{_csv_number(value)}</text:p></table:table-cell>'
        )
    # A line break inside a cell is a new paragraph in ODF.
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(value).split("\n"))
    return (
        f'<table:table-cell table:style-name="{style}" office:value-type="string">'
        f"{paragraphs}</table:table-cell>"
    )


def to_ods(table: TableExport) -> bytes:
    """Return the table as an OpenDocument spreadsheet with the same columns as the XLSX."""
    document = Document("spreadsheet")
    document.body.clear()
    for index, (_, width, _) in enumerate(table.columns):
        document.insert_style(
            Element.from_tag(
                f'<style:style style:name="co{index}" style:family="table-column">'
                f'<style:table-column-properties style:column-width="'
                f'{width * CM_PER_CHARACTER:.2f}cm"/></style:style>'
            ),
            automatic=True,
        )
    for style in ODS_STYLES:
        document.insert_style(Element.from_tag(style), automatic=True)
    parts = [f"<table:table table:name={quoteattr(table.sheet)}>"]
    parts += [
        f'<table:table-column table:style-name="co{index}"/>' for index in range(len(table.columns))
    ]
    parts.append("<table:table-header-rows><table:table-row>")
    parts += [_ods_cell(header, "ce_head") for header, _, _ in table.columns]
    parts.append("</table:table-row></table:table-header-rows>")
    for values in table.values():
        parts.append("<table:table-row>")
        parts += [_ods_cell(value) for value in values]
        parts.append("</table:table-row>")
    parts.append("</table:table>")
    document.body.append(Element.from_tag("".join(parts)))
    document.meta.set_title(table.title)
    document.meta.set_language("fr-FR")
    document.meta.set_generator("Pilote CTG")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- CSV ----------------------------------------------------------------------------------------

CSV_FORMULA_START = (*FORMULA_START, "\t", "\r")


def _csv_number(value: int | float | Decimal) -> str:
    """Return a number as French spreadsheets read it: "1500,5" (no grouping)."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return str(value).replace(".", ",")


def csv_value(value: Any) -> str:
    """Return the text of a CSV cell, read right by a French spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, int | float | Decimal):
        return _csv_number(value)
    value = str(value)
    # A spreadsheet would run text starting with "=" as a formula: an apostrophe keeps it text.
    if value.startswith(CSV_FORMULA_START):
        return "'" + value
    return value


def write_csv(header: Sequence[str], rows) -> bytes:
    """Return CSV bytes: UTF-8 with BOM (Excel reads the accents), `;`, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_csv(table: TableExport) -> bytes:
    """Return the table as CSV with the same columns as the XLSX."""
    return write_csv(
        [header for header, _, _ in table.columns],
        ([csv_value(value) for value in values] for values in table.values()),
    )


@dataclass(frozen=True)
class Format:
    extension: str
    label: str
    content_type: str
    write: Callable[[TableExport], bytes]


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = {
    "xlsx": Format("xlsx", "Excel (XLSX)", XLSX_TYPE, to_xlsx),
    "ods": Format("ods", "LibreOffice (ODS)", ODS_TYPE, to_ods),
    "csv": Format("csv", "CSV", CSV_TYPE, to_csv),
}
