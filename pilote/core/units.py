"""A value with its unit, as every page and document writes an indicator's figure.

"54 %", "12 places", but "100" for a count: a unit such as "nombre" adds nothing after a number
("100 nombre en 2026" read badly), so it is left out.
"""

from decimal import Decimal

from .formats import DASH, NBSP, french_number

# Units that only say "this is a count"; compared without case.
COUNT_UNITS = frozenset({"nombre", "nb", "nb.", "unité", "unités", "nombre total"})


def is_count(unit: str) -> bool:
    """Return True if the unit adds nothing after a number ("nombre", "nb"…)."""
    return unit.strip().casefold() in COUNT_UNITS


def unit_suffix(unit: str) -> str:
    """Return what to write after a value: " %" or " places" (no-break space), or ""."""
    unit = unit.strip()
    if not unit or is_count(unit):
        return ""
    return f"{NBSP}{unit}"


def with_unit(value: Decimal | int | float | str | None, unit: str, *, empty: str = DASH) -> str:
    """Return "54 %", "12 places", "100" (for a count), or `empty` without a value."""
    if value is None or value == "":
        return empty
    return f"{french_number(value, empty=empty)}{unit_suffix(unit)}"
