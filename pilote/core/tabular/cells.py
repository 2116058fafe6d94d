"""Read the text of one cell: headers, numbers, integers, years, quarters, plain text.

The reader (pilote.core.tabular.reader) gives every cell as text, the way the user would read it
in their office suite ("24", "2019-09-02", "oui"); these functions turn that text into values and
raise ValueError with a French message the imports show next to the cell.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pilote.core.formulas import FORMULA_START, unguard  # noqa: F401 (FORMULA_START: for imports)
from pilote.core.text import strip_accents

# FORMULA_START: a cell starting so is a formula in a spreadsheet; exports write it after an
# apostrophe (no formula injection, pilote.core.formulas), imports remove that apostrophe.

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")  # "2019", or "2019.0" from a number cell of a CSV
_ISO_DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}(?:[T ].*)?$")  # dates as the reader writes them
_FRENCH_DATE = re.compile(r"^\d{1,2}/\d{1,2}/(\d{4})$")
_QUARTER = re.compile(
    r"^(?:(?:t|q|trim(?:estre)?\.?)\s*(?P<q1>[1-4])|(?P<q2>[1-4])\s*(?:e|er|eme|ème|è)?\s*"
    r"trim(?:estre)?\.?)\s*(?P<year>(?:19|20)\d\d)$|^(?P<year2>(?:19|20)\d\d)\s*[-/ ]?\s*"
    r"(?:t|q)(?P<q3>[1-4])$",
    re.IGNORECASE,
)
_MONTH_DATES = (
    re.compile(r"^(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-\d\d(?:[T ][\d:.]+)?$"),
    re.compile(r"^\d{1,2}/(?P<month>\d{1,2})/(?P<year>(?:19|20)\d\d)$"),
    re.compile(r"^(?P<month>\d{1,2})/(?P<year>(?:19|20)\d\d)$"),
)


def normalize_header(text: str) -> str:
    """Return a header without accents, case or punctuation ("Nb. d'ETP" → "nb d etp")."""
    return _NOT_ALNUM.sub(" ", strip_accents(str(text)).lower()).strip()


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


def parse_integer(text: str, *, unit: str = "") -> int:
    """Return the whole number of "12", "12,0" or, with unit="an", "12 ans"; raise ValueError."""
    cleaned = text.strip()
    if unit:
        cleaned = re.sub(rf"\s*{unit}s?$", "", cleaned, flags=re.IGNORECASE)
    number = parse_number(cleaned)
    if number != number.to_integral_value():
        raise ValueError(f"« {text} » n'est pas un nombre entier.")
    return int(number)


def year_of(text: str) -> int | None:
    """Return the year of "2019", "2019.0", "2019-09-02" (a date cell) or "02/09/2019"."""
    text = str(text or "").strip()
    for pattern in (_YEAR, _ISO_DATE, _FRENCH_DATE):
        match = pattern.match(text)
        if match:
            return int(match.group(1))
    return None


def year_quarter_of(text: str) -> tuple[int, int | None] | None:
    """Return (year, quarter) of "2026", "T2 2026", "2e trimestre 2026", "2026-04-01"…, else None.

    A bare year has no quarter; a date gives the quarter of its month.
    """
    text = " ".join(text.split())
    if re.fullmatch(r"(?:19|20)\d\d(?:\.0)?", text):
        return int(text[:4]), None
    match = _QUARTER.match(text)
    if match:
        year = int(match.group("year") or match.group("year2"))
        quarter = int(match.group("q1") or match.group("q2") or match.group("q3"))
        return year, quarter
    for pattern in _MONTH_DATES:
        match = pattern.match(text)
        if match:
            month = int(match.group("month"))
            if 1 <= month <= 12:
                return int(match.group("year")), (month - 1) // 3 + 1
    return None


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Return a cell's text with spaces collapsed (line breaks kept when multiline) and the
    exports' formula guard (a leading apostrophe) removed."""
    lines = [" ".join(line.split()) for line in str(value).replace("\r\n", "\n").split("\n")]
    value = "\n".join(lines).strip() if multiline else " ".join(" ".join(lines).split())
    return unguard(value)


def column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
