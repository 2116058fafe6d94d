"""A value with its unit (pilote.core.units): "54 %", "12 places", and a plain count."""

from decimal import Decimal

import pytest

from pilote.core.units import unit_suffix, with_unit

N = "\u00a0"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (Decimal("100"), "nombre", "100"),
        (Decimal("100"), "Nombre ", "100"),
        (12, "nb", "12"),
        (Decimal("15"), "unités", "15"),
        (Decimal("54.5"), "%", f"54,5{N}%"),
        (Decimal("12"), "places", f"12{N}places"),
        (Decimal("3"), "", "3"),
        (None, "%", "–"),
    ],
)
def test_a_value_is_written_with_its_unit_unless_the_unit_only_says_it_is_a_count(
    value, unit, expected
):
    assert with_unit(value, unit) == expected


def test_the_suffix_is_empty_for_a_count_and_never_breaks_before_the_unit():
    assert unit_suffix("nombre") == ""
    assert unit_suffix("familles") == f"{N}familles"
    assert with_unit(None, "nombre", empty="") == ""
