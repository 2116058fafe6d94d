"""Plausible values: the dates and texts every form and every import accepts.

One place for the bounds, so that a typo (a start date of 0001-01-01, a signature in 9999, a NUL
byte pasted from another program) is refused with a French message instead of breaking a page
later, and so that SQLite and PostgreSQL accept exactly the same texts.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError

DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
YEAR_MIN, YEAR_MAX = DATE_MIN.year, DATE_MAX.year
# An element's or an indicator's title (a TextField): the longest in the real plans is 314.
TITLE_MAX_LENGTH = 1000
DATE_RANGE_MESSAGE = "La date doit être comprise entre le 01/01/2000 et le 31/12/2100."

# Control characters other than tab, line feed and carriage return, and lone surrogates
# (PostgreSQL refuses NUL and neither database can store a lone surrogate in UTF-8).
_INVALID_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
TEXT_MESSAGE = (
    "Le texte contient un caractère invalide (caractère nul ou de contrôle, invisible) : "
    "retirez-le, par exemple en retapant le texte plutôt qu'en le collant."
)


def date_problem(value: datetime.date | None) -> str | None:
    """Return the French message if a date is outside 2000–2100, else None."""
    if value is None or DATE_MIN <= value <= DATE_MAX:
        return None
    return DATE_RANGE_MESSAGE


def text_problem(value: str | None) -> str | None:
    """Return the French message if a text holds a NUL, a control character or a surrogate."""
    if value and _INVALID_CHARACTERS.search(value):
        return TEXT_MESSAGE
    return None


def strip_invalid_characters(value: str) -> str:
    """Return the text with its invalid characters replaced by spaces (for extracted documents)."""
    return _INVALID_CHARACTERS.sub(" ", value)


def validate_plausible_date(value: datetime.date | None) -> None:
    """Raise ValidationError unless the date is within 2000–2100."""
    message = date_problem(value)
    if message:
        raise ValidationError(message, code="implausible_date")


def validate_text(value: str | None) -> None:
    """Raise ValidationError if the text holds a NUL, a control character or a surrogate."""
    message = text_problem(value)
    if message:
        raise ValidationError(message, code="invalid_characters")
