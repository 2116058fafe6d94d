"""Read an uploaded CSV, XLSX or ODS file into rows of text, or say in French why it cannot be read.

Shared by every import of a table (facilities register, territory figures, plan spreadsheets).
What users send is whatever their office suite saved: UTF-8 with or without BOM, Windows-1252,
`;` (French Excel), `,` or tab separators, XLSX or ODS with hidden sheets or formulas. Encrypted
files and old binary formats are refused with a message that says what to do.

Workbooks (XLSX, ODS):
- the first visible sheet is read; a note says which hidden sheets before it were skipped;
- a formula cell gives the value the office suite last calculated; a formula that was never
  calculated (a file written by a program, not saved by a spreadsheet) has no value: the file is
  refused, naming each such cell, rather than read as if the cell were empty;
- merged cells hold their value in the top-left cell only: the value is repeated on every row of
  the merged range, in its first column (a vertically merged "Axe" cell gives its axis to each
  row beside it); the other columns of the range stay empty. A note lists the ranges.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings

MAX_ROWS = 50_000
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024  # workbooks are zip archives: refuse zip bombs
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and .xls files
SEPARATORS = ";,\t"


class TabularError(Exception):
    """A file that cannot be read as a table; the message is for the user, in French.

    problems lists, when the fault lies in given cells, each as (row number, column header,
    French message), for import reports that show them line by line.
    """

    def __init__(self, message: str, *, problems: list[tuple[int, str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class Row:
    number: int  # the line (CSV) or row (XLSX) number the user sees in their software
    values: dict[str, str]

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default)


@dataclass
class Table:
    headers: list[str]  # as written in the file
    keys: list[str]  # normalized headers, same order
    rows: list[Row] = field(default_factory=list)
    sheet: str = ""
    notes: list[str] = field(default_factory=list)  # French remarks on the reading itself


def normalize_header(text: str) -> str:
    """Return a header without accents, case or punctuation ("Nb. d'ETP" → "nb d etp")."""
    text = unicodedata.normalize("NFKD", str(text).lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def parse_number(text: str) -> Decimal:
    """Return the number written in French or English notation ("1 234,5", "58 %", "1234.5")."""
    cleaned = str(text).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.removesuffix("%").removesuffix("€")
    if "," in cleaned and "." in cleaned:
        # "1.234,5" (thousands dot) or "1,234.5" (thousands comma): the last one is decimal.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"« {text} » n'est pas un nombre.") from None
    if not value.is_finite():
        raise ValueError(f"« {text} » n'est pas un nombre.")
    return value


def read_table(data: bytes, filename: str = "", *, max_bytes: int | None = None) -> Table:
    """Return the table held in a CSV or XLSX file (first visible sheet); raise TabularError."""
    limit = max_bytes or settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise TabularError(
            f"Le fichier est trop volumineux ({len(data) // 1_000_000} Mo) : "
            f"la limite est de {limit // 1_000_000} Mo."
        )
    if not data.strip():
        raise TabularError("Le fichier est vide.")
    if data.startswith(OLE2_MAGIC):
        raise TabularError(
            "Ce fichier est protégé par un mot de passe ou enregistré au format Excel 97-2003 "
            "(.xls) : enregistrez-le au format .xlsx sans mot de passe, ou en CSV, puis "
            "recommencez."
        )
    if data.startswith(b"%PDF"):
        raise TabularError("Ce fichier est un PDF : envoyez un tableau au format CSV ou XLSX.")
    if data.startswith(b"PK"):
        return _read_zip(data)
    workbook_name = lower_name(filename).endswith((".xlsx", ".xlsm", ".ods"))
    if workbook_name and b"\x00" in data[:4096]:
        raise TabularError("Le fichier est endommagé ou tronqué : il ne peut pas être ouvert.")
    table = _read_csv(data)
    if workbook_name:
        # A CSV renamed .xlsx: read for what it is, and say so.
        suffix = lower_name(filename).rsplit(".", 1)[-1]
        table.notes.append(
            f"L'extension « .{suffix} » ne correspond pas au contenu : le fichier a été lu "
            "comme un CSV."
        )
    return table


def lower_name(filename: str) -> str:
    return (filename or "").lower()


def _read_zip(data: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise TabularError(
            "Le fichier est endommagé ou tronqué : il ne peut pas être ouvert."
        ) from None
    if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
        raise TabularError(
            "Le classeur est trop volumineux une fois décompressé : enregistrez seulement le "
            "tableau à importer, puis recommencez."
        )
    try:
        mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        mimetype = b""
    if b"opendocument.spreadsheet" in mimetype:
        return _read_ods(data)
    if b"opendocument" in mimetype or "word/document.xml" in names:
        raise TabularError(
            "Ce fichier est un document de traitement de texte, pas un tableau : envoyez un "
            "classeur XLSX ou ODS, ou un CSV."
        )
    if not any(name.startswith("xl/") for name in names):
        raise TabularError(
            "Ce fichier compressé n'est pas un classeur (.xlsx ou .ods) : envoyez un classeur "
            "XLSX ou ODS, ou un CSV."
        )
    return _read_xlsx(data, archive)


def _too_many_rows() -> TabularError:
    return TabularError(f"Le fichier compte plus de {MAX_ROWS:,} lignes.".replace(",", " "))


def _hidden_note(hidden: list[str]) -> list[str]:
    if not hidden:
        return []
    names = ", ".join(f"« {name} »" for name in hidden)
    plural = len(hidden) > 1
    return [
        f"{'Les feuilles masquées' if plural else 'La feuille masquée'} {names} "
        f"{'n’ont' if plural else 'n’a'} pas été lue{'s' if plural else ''} : seule la "
        "première feuille visible l’est."
    ]


def _read_xlsx(data: bytes, archive: zipfile.ZipFile) -> Table:
    import openpyxl  # imported here: only XLSX uploads pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files
        raise TabularError(
            "Le classeur est endommagé ou tronqué : il ne peut pas être ouvert."
        ) from None
    try:
        hidden = []
        sheet = None
        for candidate in workbook.worksheets:
            if candidate.sheet_state == "visible":
                sheet = candidate
                break
            hidden.append(candidate.title)
        if sheet is None:
            raise TabularError("Le classeur n'a aucune feuille visible.")
        grid = []
        try:
            for values in sheet.iter_rows(values_only=True):
                grid.append([_cell_text(value) for value in values])
                if len(grid) > MAX_ROWS + 1:
                    raise _too_many_rows()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as error:
            raise TabularError(
                "Le classeur est endommagé ou tronqué : il ne peut pas être ouvert."
            ) from error
        merged, uncalculated = _xlsx_cells(archive, getattr(sheet, "_worksheet_path", ""))
        table = _table_from_grid(grid, sheet=sheet.title, merged=merged, uncalculated=uncalculated)
        table.notes[:0] = _hidden_note(hidden)
        return table
    finally:
        workbook.close()


_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


def _cell_position(ref: str) -> tuple[int, int] | None:
    """Return the 0-based (row, column) of an "AB12" reference."""
    match = _CELL_REF.match(ref.upper())
    if not match:
        return None
    column = 0
    for char in match.group(1):
        column = column * 26 + ord(char) - 64
    return int(match.group(2)) - 1, column - 1


def _xlsx_cells(archive: zipfile.ZipFile, path: str):
    """Return the merged ranges and the never-calculated formula cells of a sheet's XML.

    Merged ranges are ((row, column), (last row, last column)), 0-based; openpyxl's read-only
    mode, used for speed, reports neither.
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
    uncalculated: set[tuple[int, int]] = set()
    if not path or path.lstrip("/") not in archive.namelist():
        return merged, uncalculated
    try:
        with archive.open(path.lstrip("/")) as stream:
            for _event, element in iterparse(stream, events=("end",)):
                tag = element.tag.rsplit("}", 1)[-1]
                if tag == "c":
                    # Written by a program, a formula may come with an empty <v/>: no value.
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
                elif tag == "mergeCell":
                    first, _, last = element.get("ref", "").partition(":")
                    start, end = _cell_position(first), _cell_position(last or first)
                    if start is not None and end is not None:
                        merged.append((start, end))
    except (ParseError, DefusedXmlException, zipfile.BadZipFile, OSError, EOFError):
        raise TabularError(
            "Le classeur est endommagé ou tronqué : il ne peut pas être ouvert."
        ) from None
    return merged, uncalculated


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODS_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
MAX_REPEAT = 1_000  # office suites write "1 048 000 empty rows" as one repeated row


def _read_ods(data: bytes) -> Table:
    """Return the first visible sheet of an OpenDocument spreadsheet (odfpy)."""
    from odf.opendocument import load
    from odf.table import Table as OdsTable

    try:
        document = load(io.BytesIO(data))
    except Exception:  # odfpy raises many kinds on damaged files
        raise TabularError(
            "Le classeur est endommagé ou tronqué : il ne peut pas être ouvert."
        ) from None
    hidden_styles = set()
    for style_element in document.automaticstyles.childNodes:
        for child in getattr(style_element, "childNodes", []):
            if getattr(child, "qname", None) == (_ODS_STYLE, "table-properties") and (
                child.attributes.get((_ODS_TABLE, "display")) == "false"
            ):
                hidden_styles.add(style_element.attributes.get((_ODS_STYLE, "name")))
    hidden = []
    sheet = None
    for candidate in document.spreadsheet.getElementsByType(OdsTable):
        if candidate.attributes.get((_ODS_TABLE, "style-name")) in hidden_styles:
            hidden.append(candidate.attributes.get((_ODS_TABLE, "name"), ""))
            continue
        sheet = candidate
        break
    if sheet is None:
        raise TabularError("Le classeur n'a aucune feuille visible.")
    grid, merged, uncalculated = _ods_grid(sheet)
    table = _table_from_grid(
        grid,
        sheet=sheet.attributes.get((_ODS_TABLE, "name"), ""),
        merged=merged,
        uncalculated=uncalculated,
    )
    table.notes[:0] = _hidden_note(hidden)
    return table


def _ods_rows(element):
    """Yield the table:table-row elements of a sheet, inside row groups and header rows too."""
    for child in element.childNodes:
        qname = getattr(child, "qname", None)
        if qname == (_ODS_TABLE, "table-row"):
            yield child
        elif qname in (
            (_ODS_TABLE, "table-row-group"),
            (_ODS_TABLE, "table-header-rows"),
            (_ODS_TABLE, "table-rows"),
        ):
            yield from _ods_rows(child)


def _ods_grid(sheet):
    grid: list[list[str]] = []
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
    uncalculated: set[tuple[int, int]] = set()
    for row in _ods_rows(sheet):
        values: list[str] = []
        row_index = len(grid)
        for cell in row.childNodes:
            qname = getattr(cell, "qname", None)
            if qname not in ((_ODS_TABLE, "table-cell"), (_ODS_TABLE, "covered-table-cell")):
                continue
            attributes = cell.attributes
            repeat = int(attributes.get((_ODS_TABLE, "number-columns-repeated"), "1") or 1)
            text, formula_only = _ods_cell(cell)
            column = len(values)
            rows_spanned = int(attributes.get((_ODS_TABLE, "number-rows-spanned"), "1") or 1)
            columns_spanned = int(attributes.get((_ODS_TABLE, "number-columns-spanned"), "1") or 1)
            if rows_spanned > 1 or columns_spanned > 1:
                merged.append(
                    (
                        (row_index, column),
                        (row_index + rows_spanned - 1, column + columns_spanned - 1),
                    )
                )
            if formula_only:
                uncalculated.add((row_index, column))
            values.extend([text] * min(repeat, MAX_REPEAT))
        while values and not values[-1]:
            values.pop()
        repeat = int(row.attributes.get((_ODS_TABLE, "number-rows-repeated"), "1") or 1)
        # A list per row: merged ranges are later filled row by row.
        grid.extend([list(values) for _ in range(min(repeat, MAX_REPEAT))])
        if len(grid) > MAX_ROWS + 1:
            raise _too_many_rows()
    return grid, merged, uncalculated


def _ods_cell(cell) -> tuple[str, bool]:
    """Return a cell's text and whether it is a formula without a calculated value."""
    from odf import teletype

    attributes = cell.attributes
    kind = attributes.get((_ODS_OFFICE, "value-type"))
    formula = attributes.get((_ODS_TABLE, "formula"))
    paragraphs = [
        teletype.extractText(child)
        for child in cell.childNodes
        if getattr(child, "qname", None) == (_ODS_TEXT, "p")
    ]
    text = "\n".join(paragraphs).strip()
    if kind in ("float", "percentage", "currency"):
        value = attributes.get((_ODS_OFFICE, "value"))
        if value is not None:
            try:
                number = Decimal(value)
            except InvalidOperation:
                return text, False
            if not number.is_finite():
                return text, False
            if kind == "percentage":
                return text or _cell_text(float(number * 100)) + " %", False
            return _cell_text(
                int(number) if number == number.to_integral_value() else float(number)
            ), False
    elif kind == "date":
        value = attributes.get((_ODS_OFFICE, "date-value"), "")
        return (value[:10] if value.endswith("T00:00:00") or len(value) == 10 else value), False
    elif kind == "boolean":
        value = attributes.get((_ODS_OFFICE, "boolean-value"), "")
        return ("oui" if value == "true" else "non"), False
    if formula and not kind and not text:
        return "", True
    return text, False


def _cell_text(value) -> str:
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


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise TabularError(
            "Ce fichier n'est pas un tableau lisible (contenu binaire) : envoyez un CSV ou un XLSX."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise TabularError(
            "L'encodage du fichier n'est pas reconnu : enregistrez-le en CSV UTF-8 ou Windows-1252."
        ) from None


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    first_line = text.lstrip().split("\n", 1)[0]
    separator = max(SEPARATORS, key=first_line.count)
    if first_line.count(separator) == 0:
        separator = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    grid = []
    try:
        for values in reader:
            grid.append([value.strip() for value in values])
            if len(grid) > MAX_ROWS + 1:
                raise TabularError(
                    f"Le fichier compte plus de {MAX_ROWS:,} lignes.".replace(",", " ")
                )
    except csv.Error as error:
        raise TabularError(
            f"Le fichier CSV est mal formé à la ligne {reader.line_num} : {error}."
        ) from None
    return _table_from_grid(grid)


def _table_from_grid(
    grid: list[list[str]],
    *,
    sheet: str = "",
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = (),
    uncalculated: set[tuple[int, int]] = frozenset(),
) -> Table:
    """Use the first non-empty row as headers and keep the non-empty rows below it."""
    notes = _fill_merged(grid, merged)
    start = next((i for i, values in enumerate(grid) if any(values)), None)
    if start is None:
        if uncalculated:
            start = min(row for row, _column in uncalculated)
        else:
            raise TabularError("Le fichier est vide.")
    headers = list(grid[start]) if start < len(grid) else []
    while headers and not headers[-1]:
        headers.pop()
    if uncalculated:
        _refuse_uncalculated(uncalculated, headers)
    keys = [normalize_header(header) for header in headers]
    table = Table(headers=headers, keys=keys, sheet=sheet, notes=notes)
    for index in range(start + 1, len(grid)):
        values = grid[index]
        if not any(values):
            continue
        row = {key: (values[i] if i < len(values) else "") for i, key in enumerate(keys) if key}
        table.rows.append(Row(number=index + 1, values=row))
    if not table.rows:
        raise TabularError("Le fichier ne contient que des en-têtes : aucune ligne à importer.")
    return table


def column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _fill_merged(grid: list[list[str]], merged) -> list[str]:
    """Repeat each merged range's value down its first column; return a French note."""
    filled = []
    for (top, left), (bottom, right) in merged:
        if bottom <= top or top >= len(grid) or left >= len(grid[top]) or not grid[top][left]:
            continue
        value = grid[top][left]
        for row in range(top + 1, min(bottom, len(grid) - 1) + 1):
            values = grid[row]
            if len(values) <= left:
                values.extend([""] * (left + 1 - len(values)))
            values[left] = value
        filled.append(f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}")
    if not filled:
        return []
    shown = ", ".join(filled[:10]) + (f" et {len(filled) - 10} autres" if len(filled) > 10 else "")
    return [
        f"Cellules fusionnées ({shown}) : leur valeur a été reprise sur chaque ligne de la "
        "fusion, dans sa première colonne."
    ]


def _refuse_uncalculated(cells: set[tuple[int, int]], headers: list[str]) -> None:
    problems = []
    for row, column in sorted(cells):
        header = headers[column] if column < len(headers) else ""
        problems.append(
            (
                row + 1,
                header or column_letter(column),
                f"la cellule {column_letter(column)}{row + 1} contient une formule dont la "
                "valeur n'a jamais été calculée.",
            )
        )
    names = ", ".join(f"{column_letter(c)}{r + 1}" for r, c in sorted(cells)[:10])
    more = f" et {len(cells) - 10} autres" if len(cells) > 10 else ""
    raise TabularError(
        f"Des formules n'ont pas de valeur calculée ({names}{more}) : ouvrez le fichier dans "
        "votre tableur, enregistrez-le (les formules sont alors calculées), puis recommencez ; "
        "ou remplacez ces formules par leurs valeurs.",
        problems=problems,
    )
