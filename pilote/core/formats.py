"""French formatting of numbers, dates and short texts: the one place every page and document uses.

Numbers are written by Babel with the CLDR rules of `fr_FR`: a narrow no-break space (U+202F)
groups thousands, a comma separates decimals, and no useless trailing zero is printed
("12 500", "12,5", "-0,5"). Dates are written the way French administrative texts write them
("1ᵉʳ janvier 2026", "23 novembre 2026").
"""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal, InvalidOperation

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal

LOCALE = "fr_FR"
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
DASH = "–"
# Group thousands, keep every significant decimal (Babel's default pattern rounds to three).
_PATTERN = "#,##0." + "#" * 20

Number = Decimal | int | float | str


def _decimal(value: Number) -> Decimal | None:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def french_number(value: Number | None, *, decimals: int | None = None, empty: str = "") -> str:
    """Return a number as French texts write it: "1 500", "12,5", "0,25".

    `decimals` rounds first (half-even, as Python does); `empty` is returned for None, "" and
    anything that is not a number.
    """
    if value is None or value == "":
        return empty
    number = _decimal(value)
    if number is None or not number.is_finite():
        return empty
    if decimals is not None:
        number = round(number, decimals)
    number = number.normalize()
    if number == 0:
        number = Decimal(0)  # no "-0"
    return _format_normalized(number)


@functools.lru_cache(maxsize=4096)
def _format_normalized(number: Decimal) -> str:
    # Pages print the same few numbers (percentages, years, counts) hundreds of times, and
    # Babel takes a fraction of a millisecond for each: remember the last few thousand. Equal
    # normalized Decimals have one representation, so a hit is the text of this very number.
    return format_decimal(number, format=_PATTERN, locale=LOCALE, decimal_quantization=False)


def plain_decimal(value: Number | None, *, empty: str = "") -> str:
    """Return a number as a French spreadsheet or form field reads it back: "12500,5".

    No grouping space and no rounding, so that a CSV cell or a form's initial value is read
    back exactly; what people read on a page or in a document is french_number's.
    """
    if value is None or value == "":
        return empty
    number = _decimal(value)
    if number is None or not number.is_finite():
        return empty
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    text = f"{number.normalize():f}" if number != 0 else "0"
    return text.replace(".", ",")


def french_percent(value: Number | None, *, decimals: int | None = None, empty: str = DASH) -> str:
    """Return "54 %" (a no-break space before the sign, as French typography wants), or `empty`."""
    text = french_number(value, decimals=decimals)
    return f"{text}{NBSP}%" if text else empty


def french_euros(value: Number | None, *, decimals: int | None = None, empty: str = "") -> str:
    """Return an amount as French texts write it: "12 500 €", "2 500,5 €" (no-break space)."""
    text = french_number(value, decimals=decimals)
    return f"{text}{NBSP}€" if text else empty


FIRST = "1\u1d49\u02b3"  # "1ᵉʳ": the first day of a month


def french_date(day: datetime.date | str | None, *, empty: str = "") -> str:
    """Return a date as French texts write it: "1ᵉʳ janvier 2026"; also takes an ISO string.

    The ordinal is written with Unicode's superscript letters (U+1D49, U+02B3), as typography
    wants "1ᵉʳ" and plain text (exports, documents, e-mails) has no <sup>.
    """
    if not day:
        return empty
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day[:10])
    elif isinstance(day, datetime.datetime):
        day = day.date()
    text = babel_format_date(day, "d MMMM y", locale=LOCALE)
    return text.replace("1 ", f"{FIRST} ", 1) if day.day == 1 else text


def french_datetime(moment: datetime.datetime | None, *, empty: str = "") -> str:
    """Return "23 novembre 2026 à 14 h 05" (in the current time zone when aware)."""
    if moment is None:
        return empty
    if moment.tzinfo is not None:
        from django.utils import timezone

        moment = timezone.localtime(moment)
    return f"{french_date(moment.date())} à {moment.hour} h {moment.minute:02d}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Return "1 action", "3 actions", "12 500 communes" (0 and 1 take the singular in French)."""
    word = singular if count in (0, 1) else (plural_form or f"{singular}s")
    return f"{french_number(count)} {word}"


def shorten(text: str | None, limit: int) -> str:
    """Return the text on one line, cut on a word before `limit` characters, with an ellipsis."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"
