"""Read an uploaded CSV or XLSX file into rows of text, or say in French why it cannot be read.

Shared by every import of a table (facilities register, territory figures, plan spreadsheets).
What users send is whatever their office suite saved: UTF-8 with or without BOM, Windows-1252,
`;` (French Excel), `,` or tab separators, XLSX with hidden sheets or formulas. Encrypted files
and old binary formats are refused with a message that says what to do.
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
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and .xls files
SEPARATORS = ";,\t"


class TabularError(Exception):
    """A file that cannot be read as a table; the message is for the user, in French."""


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
    if lower_name(filename).endswith((".xlsx", ".xlsm", ".ods")):
        raise TabularError("Le fichier est endommagé ou tronqué : il ne peut pas être ouvert.")
    return _read_csv(data)


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
    if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
        raise TabularError(
            "Les fichiers OpenDocument (.ods) ne sont pas encore lus ici : enregistrez le "
            "tableau au format .xlsx ou CSV."
        )
    if not any(name.startswith("xl/") for name in names):
        raise TabularError(
            "Ce fichier compressé n'est pas un classeur Excel (.xlsx) : envoyez un CSV ou un XLSX."
        )
    return _read_xlsx(data)


def _read_xlsx(data: bytes) -> Table:
    import openpyxl  # imported here: only XLSX uploads pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files
        raise TabularError(
            "Le classeur est endommagé ou tronqué : il ne peut pas être ouvert."
        ) from None
    try:
        sheet = next((ws for ws in workbook.worksheets if ws.sheet_state == "visible"), None)
        if sheet is None:
            raise TabularError("Le classeur n'a aucune feuille visible.")
        grid = []
        for values in sheet.iter_rows(values_only=True):
            grid.append([_cell_text(value) for value in values])
            if len(grid) > MAX_ROWS + 1:
                raise TabularError(
                    f"Le fichier compte plus de {MAX_ROWS:,} lignes.".replace(",", " ")
                )
        return _table_from_grid(grid, sheet=sheet.title)
    finally:
        workbook.close()


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


def _table_from_grid(grid: list[list[str]], *, sheet: str = "") -> Table:
    """Use the first non-empty row as headers and keep the non-empty rows below it."""
    start = next((i for i, values in enumerate(grid) if any(values)), None)
    if start is None:
        raise TabularError("Le fichier est vide.")
    headers = list(grid[start])
    while headers and not headers[-1]:
        headers.pop()
    keys = [normalize_header(header) for header in headers]
    table = Table(headers=headers, keys=keys, sheet=sheet)
    for index in range(start + 1, len(grid)):
        values = grid[index]
        if not any(values):
            continue
        row = {key: (values[i] if i < len(values) else "") for i, key in enumerate(keys) if key}
        table.rows.append(Row(number=index + 1, values=row))
    if not table.rows:
        raise TabularError("Le fichier ne contient que des en-têtes : aucune ligne à importer.")
    return table
