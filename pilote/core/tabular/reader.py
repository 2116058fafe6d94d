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
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings

from pilote.core.decoding import UndecodableText, decode_text
from pilote.core.plausible import text_problem
from pilote.core.zips import ZipLimitError, open_checked, read_bounded

from .cells import column_letter, normalize_header
from .errors import TabularError
from .workbook import MAX_ROWS, read_sheet, too_many_rows

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and .xls files
SEPARATORS = ";,\t"


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
    # A workbook is a zip: what it expands to is bounded before anyone reads it (core.zips).
    try:
        archive = open_checked(data, what="Le classeur")
        names = set(archive.namelist())
        mimetype = read_bounded(archive, "mimetype", 100) or b"" if "mimetype" in names else b""
    except ZipLimitError as error:
        raise TabularError(error.message) from None
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TabularError(
            "Le fichier est endommagé ou tronqué : il ne peut pas être ouvert."
        ) from None
    if b"opendocument.spreadsheet" in mimetype:
        return _read_workbook(data, archive, ods=True)
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
    return _read_workbook(data, archive, ods=False)


def _read_workbook(data: bytes, archive: zipfile.ZipFile, *, ods: bool) -> Table:
    sheet = read_sheet(data, archive, ods=ods)
    table = _table_from_grid(
        sheet.grid, sheet=sheet.name, merged=sheet.merged, uncalculated=sheet.uncalculated
    )
    table.notes[:0] = _hidden_note(sheet.hidden)
    return table


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


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TabularError(
            "Ce fichier n'est pas un tableau lisible (contenu binaire) : envoyez un CSV ou un XLSX."
        )
    try:
        return decode_text(data)[0]
    except UndecodableText as error:
        raise TabularError(error.message) from None


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
                raise too_many_rows()
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
    _refuse_invalid_characters(grid)
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


def _refuse_invalid_characters(grid: list[list[str]]) -> None:
    """Raise TabularError naming the cells that hold NUL or control characters."""
    cells = [
        f"{column_letter(column)}{row + 1}"
        for row, values in enumerate(grid)
        for column, value in enumerate(values)
        if text_problem(value)
    ]
    if cells:
        shown = ", ".join(cells[:10]) + (f" et {len(cells) - 10} autres" if len(cells) > 10 else "")
        raise TabularError(
            f"Des cellules contiennent un caractère invalide (caractère nul ou de contrôle, "
            f"invisible) : {shown}. Retapez leur contenu, puis recommencez."
        )


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
