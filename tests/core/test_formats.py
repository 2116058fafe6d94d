"""The one French formatter of numbers, dates and short texts."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from pilote.core.formats import french_date, french_number, french_percent, plural, shorten

N = "\u202f"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (12, "12"),
        (1500, f"1{N}500"),
        (49137, f"49{N}137"),
        (Decimal("12.50"), "12,5"),
        (Decimal("1234567.125"), f"1{N}234{N}567,125"),
        (-0.5, "-0,5"),
        ("60.6", "60,6"),
        (Decimal("-0.0"), "0"),
        (1e-7, "0,0000001"),
    ],
)
def test_french_number(value, expected):
    assert french_number(value) == expected


def test_french_number_rounds_and_says_when_empty():
    assert french_number(Decimal("10.349"), decimals=1) == "10,3"
    assert french_number(None) == ""
    assert french_number("", empty="–") == "–"
    assert french_number("n/a", empty="?") == "?"


def test_french_percent_uses_a_no_break_space_before_the_sign():
    assert french_percent(54) == "54\u00a0%"
    assert french_percent(None) == "–"


def test_french_date_writes_the_first_of_the_month_as_french_texts_do():
    assert french_date(datetime.date(2026, 1, 1)) == "1ᵉʳ janvier 2026"
    assert french_date(datetime.date(2026, 11, 23)) == "23 novembre 2026"
    assert french_date("2026-03-01T10:00:00") == "1ᵉʳ mars 2026"
    assert french_date(None) == ""


def test_plural_and_shorten():
    assert plural(1, "action") == "1 action"
    assert plural(12500, "commune") == f"12{N}500 communes"
    assert plural(2, "bilan annuel", "bilans annuels") == "2 bilans annuels"
    assert (
        shorten("Accompagner   les familles dans leur parentalité", 30)
        == "Accompagner les familles…"
    )
    assert shorten("court", 30) == "court"


def test_template_filters():
    html = Template(
        "{% load formats %}{{ a|fr_number }}|{{ b|fr_number }}|{{ c|fr_percent }}|{{ d|fr_date }}"
    )
    out = html.render(Context({"a": 1500, "b": None, "c": 7.5, "d": datetime.date(2026, 5, 1)}))
    assert out == f"1{N}500|–|7,5\u00a0%|1ᵉʳ mai 2026"


def test_plain_decimal_writes_what_a_spreadsheet_or_a_form_field_reads_back():
    from pilote.core.formats import plain_decimal

    assert plain_decimal(Decimal("12500.50")) == "12500,5"  # no grouping, no rounding
    assert plain_decimal(Decimal("1500.00")) == "1500"
    assert plain_decimal(1500.5) == "1500,5"
    assert plain_decimal("-0.25") == "-0,25"
    assert plain_decimal(None) == plain_decimal("n/a") == ""
