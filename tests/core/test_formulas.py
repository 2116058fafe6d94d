"""The formula guard: what it protects, what it leaves alone, and the import that undoes it."""

import pytest

from pilote.core.formulas import guard, needs_guard, unguard
from pilote.core.tabular.cells import clean_text


@pytest.mark.parametrize(
    "text",
    ["=1+1", '=HYPERLINK("http://x")', "+33 6 12", "-1+1", "- une liste", "@SUM(A1)", "\t=1",
     "\r=1", "＝1+1", "＋1", "－1", "＠A1"],
)  # fmt: skip
def test_formula_like_text_gets_an_apostrophe_that_the_import_removes(text):
    assert guard(text) == "'" + text
    assert unguard(guard(text)) == text


@pytest.mark.parametrize("value", ["-12", "-12,5", "-0.5", "12", "Accès aux droits", "a=b", ""])
def test_numbers_and_plain_text_are_left_alone(value):
    assert not needs_guard(value)
    assert guard(value) == value


@pytest.mark.parametrize("value", [-12, -12.5, None, True])
def test_values_that_are_not_text_are_left_alone(value):
    assert guard(value) is value


def test_a_guard_is_written_once_and_an_apostrophe_typed_by_a_user_is_kept():
    assert guard(guard("=1+1")) == "'=1+1"
    assert unguard("'Accès") == "'Accès"
    assert clean_text("'＝1+1") == "＝1+1"
