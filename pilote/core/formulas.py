"""The one guard against formula injection in the files the app writes (CSV, XLSX, ODS).

A spreadsheet runs a cell that starts with "=", "+", "-" or "@" (or a tab, a carriage return, or
their full-width forms, which some suites read as the plain ones) as a formula: a plan title
"=HYPERLINK(…)" typed by anyone who may edit a CTG would run on the computer of whoever opens the
export. Every text cell that starts so is written after an apostrophe, which spreadsheets read as
"this is text"; core.tabular removes that apostrophe when the file comes back as an import.

Numbers stay numbers: typed numeric cells in XLSX and ODS, and in CSV a cell that is only a number
("-12", "-12,5") is left as is, since a spreadsheet reads it as that number and runs nothing.
"""

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
GUARD = "'"
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def needs_guard(text: str) -> bool:
    """Return True if a spreadsheet would read this text as a formula."""
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def guard(value: Any) -> Any:
    """Return the value as a spreadsheet cell may hold it: formula-like text after "'"."""
    if isinstance(value, str) and needs_guard(value):
        return GUARD + value
    return value


def unguard(text: str) -> str:
    """Return an imported text without the apostrophe that guard() put before it."""
    if text.startswith(GUARD) and needs_guard(text[1:]):
        return text[1:]
    return text


def guard_workbook(workbook) -> None:
    """Guard every text cell of an openpyxl workbook, just before it is saved.

    The app writes no formula of its own: a cell openpyxl took for one ("=…") is the text of a
    user, kept as text.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and needs_guard(cell.value):
                    cell.value = GUARD + cell.value
                    cell.data_type = "s"
