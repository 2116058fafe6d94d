"""Tables as XLSX, ODS and CSV files: columns (French header, width, value of a row) and rows.

Knows nothing of the domain: pilote.reports.spreadsheets (the plan, the follow-up table) and the
follow-up page give the columns; every format writes the same columns with a header row.
"""

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from odfdo import Document, Element
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from pilote.core.formats import plain_decimal

from . import downloads
from .formulas import guard, guard_workbook


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
            # Text that looks like a formula is written after an apostrophe (pilote.core.formulas).
            yield [guard(clean(function(row))) for function in functions]


# Characters that XML 1.0 (XLSX, ODS, DOCX) cannot hold. Word's line and page breaks (\x0b, \x0c)
# come with text pasted from documents: they become line breaks, the others are dropped.
_BREAKS = re.compile(r"[\x0b\x0c]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Return the text without the characters XML cannot hold."""
    return _ILLEGAL.sub("", _BREAKS.sub("\n", text))


def clean(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


# --- XLSX ---------------------------------------------------------------------------------------

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
    for index, (_, width, _) in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last_column = get_column_letter(len(table.columns))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last_column}{last_row}"
    workbook.properties.title = table.title
    workbook.properties.creator = "Pilote CTG"
    workbook.properties.language = "fr-FR"
    guard_workbook(workbook)
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


def _csv_number(value: int | float | Decimal) -> str:
    """Return a number as French spreadsheets read it: "1500,5" (no grouping)."""
    return plain_decimal(value)


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
    return guard(str(value))


def write_csv(header: Sequence[str], rows) -> bytes:
    """Return CSV bytes: UTF-8 with BOM (Excel reads the accents), `;`, CRLF line ends.

    Every cell is guarded (pilote.core.formulas): formula-like text gets an apostrophe, a cell
    that is only a number ("-12,5") stays a number.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([guard(value) for value in header])
    writer.writerows([guard(value) for value in row] for row in rows)
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


FORMATS = {
    "xlsx": Format("xlsx", "Excel (XLSX)", downloads.XLSX, to_xlsx),
    "ods": Format("ods", "LibreOffice (ODS)", downloads.ODS, to_ods),
    "csv": Format("csv", "CSV", downloads.CSV, to_csv),
}
