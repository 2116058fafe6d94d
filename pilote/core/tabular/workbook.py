"""Read the first visible sheet of an XLSX or ODS workbook into a grid of texts (python-calamine).

python-calamine (Rust) reads the values of both formats in one pass, far faster than openpyxl and
odfpy did. It does not say which formulas were never calculated, nor, in ODS, which cells are
merged: a light streaming scan of the sheet's XML finds them (XLSX only when the sheet holds
formulas).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import python_calamine
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from pilote.core.formats import french_number

from .errors import DAMAGED, TabularError

MAX_ROWS = 50_000
# python-calamine builds the whole rectangle of a sheet, from its first to its last cell, before
# anything can be checked: one cell in A1 and one in XFD1048576 would ask for 500 GB and end the
# process. The extent is read from the XML first (check_extent).
MAX_CELLS = 2_000_000

Position = tuple[int, int]  # 0-based (row, column)
Range = tuple[Position, Position]  # first and last cell of a merged range

_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_CELLS = (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell")
_XLSX_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XLSX_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")
_XML_ERRORS = (ParseError, DefusedXmlException, zipfile.BadZipFile, OSError, EOFError, KeyError)


@dataclass
class Sheet:
    """A sheet read: its name, texts, merged ranges, formulas without value, hidden sheets."""

    name: str
    grid: list[list[str]]
    merged: list[Range] = field(default_factory=list)
    uncalculated: set[Position] = field(default_factory=set)
    hidden: list[str] = field(default_factory=list)  # hidden sheets before it


def too_many_rows() -> TabularError:
    return TabularError(f"Le fichier compte plus de {french_number(MAX_ROWS)} lignes.")


def read_sheet(data: bytes, archive: zipfile.ZipFile, *, ods: bool) -> Sheet:
    """Return the first visible sheet of a workbook; raise TabularError."""
    if ods:
        check_extent(archive, None, ods=True)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises several kinds on damaged files
        raise TabularError(DAMAGED) from None
    with workbook:
        hidden = []
        index = None
        for position, metadata in enumerate(workbook.sheets_metadata):
            if metadata.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # a chart sheet holds no table
            if metadata.visible == python_calamine.SheetVisibleEnum.Visible:
                index = position
                break
            hidden.append(metadata.name)
        if index is None:
            raise TabularError("Le classeur n'a aucune feuille visible.")
        if not ods:
            check_extent(archive, index, ods=False)
        try:
            calamine_sheet = workbook.get_sheet_by_index(index)
            end = calamine_sheet.end
            if end is not None and end[0] + 1 > MAX_ROWS + 1:
                raise too_many_rows()
            values = calamine_sheet.to_python(skip_empty_area=False)
            merged = calamine_sheet.merged_cell_ranges or []
        except TabularError:
            raise
        except Exception:
            raise TabularError(DAMAGED) from None
        sheet = Sheet(calamine_sheet.name, [[cell_text(v) for v in row] for row in values])
    sheet.hidden = hidden
    if ods:
        _scan_ods(archive, sheet)
    else:
        sheet.merged = [tuple(map(tuple, cells)) for cells in merged]
        sheet.uncalculated = _xlsx_uncalculated(archive, index)
    for row in sheet.grid:
        while row and not row[-1]:
            row.pop()
    return sheet


def check_extent(archive: zipfile.ZipFile, index: int | None, *, ods: bool) -> None:
    """Refuse a sheet whose cells span more than MAX_ROWS rows or MAX_CELLS cells.

    XLSX: the index-th sheet; ODS: every table (index None).
    """
    try:
        rows, columns = _ods_extent(archive) if ods else _xlsx_extent(archive, index or 0)
    except (*_XML_ERRORS, IndexError, ValueError):
        raise TabularError(DAMAGED) from None
    if rows > MAX_ROWS + 1:
        raise too_many_rows()
    if rows * columns > MAX_CELLS:
        raise TabularError(
            f"Le tableau s'étend sur {french_number(rows)} lignes et {french_number(columns)} "
            "colonnes, c'est trop pour un import : enregistrez seulement le tableau à importer "
            "(effacez les cellules remplies loin du tableau), puis recommencez."
        )


def cell_text(value) -> str:
    """Return a cell's value as the user reads it: "24", "12.5", "2019-09-02", "oui"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


# --------------------------------------------------------------------------- XLSX


def _cell_position(ref: str) -> Position | None:
    """Return the 0-based (row, column) of an "AB12" reference."""
    match = _CELL_REF.match(ref.upper())
    if not match:
        return None
    column = 0
    for char in match.group(1):
        column = column * 26 + ord(char) - 64
    return int(match.group(2)) - 1, column - 1


def _xlsx_sheet_path(archive: zipfile.ZipFile, index: int) -> str:
    """Return the path in the archive of the index-th sheet of the workbook."""
    workbook = fromstring(archive.read("xl/workbook.xml"))
    sheets = workbook.findall(f"{_XLSX_MAIN}sheets/{_XLSX_MAIN}sheet")
    relation = sheets[index].get(f"{_XLSX_REL}id")
    relations = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for item in relations:
        if item.get("Id") == relation:
            target = item.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return ""


_XLSX_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_XLSX_CELL = re.compile(rb"<(?:\w+:)?c(?=[\s/>])([^>]*)>")
_REF_ATTRIBUTE = re.compile(rb'\sr="([A-Z]{0,3})(\d+)"')


def _xlsx_extent(archive: zipfile.ZipFile, index: int) -> tuple[int, int]:
    """Return the rows and columns the sheet's cells span, read from the XML's references.

    A row or cell without reference follows the one before it: each one counts as one more,
    which may overstate the extent, never understate it. The sheet is read by chunks, and no
    further than a limit passed.
    """
    path = _xlsx_sheet_path(archive, index)
    if path not in archive.namelist():
        return 0, 0
    rows = columns = unreferenced_rows = unreferenced_cells = 0
    for content in _tag_chunks(archive, path):
        for match in _XLSX_ROW.finditer(content):
            reference = _REF_ATTRIBUTE.search(b" " + match.group(1))
            if reference:
                rows = max(rows, int(reference.group(2)))
            else:
                unreferenced_rows += 1
            if rows + unreferenced_rows > MAX_ROWS + 1:
                return rows + unreferenced_rows, columns + unreferenced_cells
        for match in _XLSX_CELL.finditer(content):
            reference = _REF_ATTRIBUTE.search(b" " + match.group(1))
            position = reference and _cell_position(
                (reference.group(1) + reference.group(2)).decode()
            )
            if position:
                rows, columns = max(rows, position[0] + 1), max(columns, position[1] + 1)
            else:
                unreferenced_cells += 1
        extent = rows + unreferenced_rows, columns + unreferenced_cells
        if extent[0] > MAX_ROWS + 1 or extent[0] * extent[1] > MAX_CELLS:
            break  # refused: the rest is not read
    return rows + unreferenced_rows, columns + unreferenced_cells


def _tag_chunks(archive: zipfile.ZipFile, path: str, size: int = 1 << 18):
    """Yield a member's content by chunks that end after a ">" (no tag is cut in two)."""
    rest = b""
    with archive.open(path) as stream:
        while chunk := stream.read(size):
            content = rest + chunk
            end = content.rfind(b">") + 1
            if end == 0 and len(content) > 16 * size:
                raise ValueError("no tag ends")  # not XML: damaged
            rest = content[end:]
            yield content[:end]
    yield rest


def _ods_extent(archive: zipfile.ZipFile) -> tuple[int, int]:
    """Return the rows and columns the non-empty cells of the largest table span (repeats counted).

    python-calamine reads every table of an ODS when it opens it: all are checked, before. Empty
    rows and cells repeated to the end of the sheet, as LibreOffice writes them, do not count; a
    non-empty cell repeated a million times does.
    """
    row = rows = columns = 0
    worst = (0, 0)
    with archive.open("content.xml") as stream:
        for _event, element in iterparse(stream, events=("end",)):
            if element.tag == f"{_ODS_TABLE}table-row":
                repeat = int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1"))
                filled = _ods_filled_columns(element)
                if filled:
                    rows, columns = row + repeat, max(columns, filled)
                row += repeat
                element.clear()
                if rows > MAX_ROWS + 1 or rows * columns > MAX_CELLS:
                    return rows, columns  # refused: the rest is not read
            elif element.tag == f"{_ODS_TABLE}table":
                worst = max(worst, (rows, columns), key=lambda extent: extent[0] * extent[1])
                row = rows = columns = 0
                element.clear()
    return worst


def _ods_filled_columns(row) -> int:
    """Return the number of columns up to the row's last non-empty cell."""
    column = filled = 0
    for cell in row:
        if cell.tag not in _ODS_CELLS:
            continue
        column += int(cell.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
        if cell.get(f"{_ODS_OFFICE}value-type") or len(cell):
            filled = column
    return filled


def _xlsx_uncalculated(archive: zipfile.ZipFile, index: int) -> set[Position]:
    """Return the formula cells of a sheet that have no calculated value.

    A file written by a program (not saved by a spreadsheet) may hold `<f>…</f><v/>`: calamine
    reads such a cell as empty, which would silently lose it.
    """
    uncalculated: set[Position] = set()
    try:
        path = _xlsx_sheet_path(archive, index)
        if path not in archive.namelist():
            return uncalculated
        content = archive.read(path)
        if b"<f" not in content and b":f>" not in content and b":f " not in content:
            return uncalculated
        for _event, element in iterparse(io.BytesIO(content), events=("end",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "c":
                children = {
                    child.tag.rsplit("}", 1)[-1]
                    for child in element
                    if child.text or len(child) or child.tag.endswith("}f")
                }
                if "f" in children and "v" not in children and "is" not in children:
                    position = _cell_position(element.get("r", ""))
                    if position is not None:
                        uncalculated.add(position)
                element.clear()
            elif tag == "row":
                element.clear()
    except (*_XML_ERRORS, IndexError):
        raise TabularError(DAMAGED) from None
    return uncalculated


# --------------------------------------------------------------------------- ODS


def _scan_ods(archive: zipfile.ZipFile, sheet: Sheet) -> None:
    """Add the merged ranges and the formulas without value of an ODS sheet; show percentages
    as written ("58 %", where calamine gives 0.58)."""
    try:
        with archive.open("content.xml") as stream:
            _scan_ods_stream(stream, sheet)
    except _XML_ERRORS:
        raise TabularError(DAMAGED) from None


def _scan_ods_stream(stream, sheet: Sheet) -> None:
    inside = False
    row = next_row = 0
    column = 0
    for event, element in iterparse(stream, events=("start", "end")):
        tag = element.tag
        if tag == f"{_ODS_TABLE}table":
            if event == "start" and element.get(f"{_ODS_TABLE}name") == sheet.name:
                inside = True
            elif event == "end" and inside:
                return
            continue
        if not inside:
            if event == "end" and tag in _ODS_CELLS:
                element.clear()
            continue
        if tag == f"{_ODS_TABLE}table-row":
            if event == "start":
                row, column = next_row, 0
            else:
                next_row += int(element.get(f"{_ODS_TABLE}number-rows-repeated") or 1)
                element.clear()
        elif tag in _ODS_CELLS and event == "end":
            column += _ods_cell(element, sheet, row, column)
            element.clear()


def _ods_cell(cell, sheet: Sheet, row: int, column: int) -> int:
    """Note what the cell at (row, column) says of itself; return how many columns it fills."""
    rows_spanned = int(cell.get(f"{_ODS_TABLE}number-rows-spanned") or 1)
    columns_spanned = int(cell.get(f"{_ODS_TABLE}number-columns-spanned") or 1)
    if rows_spanned > 1 or columns_spanned > 1:
        last = (row + rows_spanned - 1, column + columns_spanned - 1)
        sheet.merged.append(((row, column), last))
    kind = cell.get(f"{_ODS_OFFICE}value-type")
    text = "\n".join(
        "".join(paragraph.itertext()) for paragraph in cell if paragraph.tag == f"{_ODS_TEXT}p"
    ).strip()
    if cell.get(f"{_ODS_TABLE}formula") and not kind and not text:
        sheet.uncalculated.add((row, column))
    elif kind == "percentage" and row < len(sheet.grid) and column < len(sheet.grid[row]):
        value = cell.get(f"{_ODS_OFFICE}value")
        if text or value:
            # format-ok: an imported cell's text, read back by parse_number, not shown
            sheet.grid[row][column] = text or f"{cell_text(float(value) * 100)} %"
    return int(cell.get(f"{_ODS_TABLE}number-columns-repeated") or 1)
