"""Plausible values in one place: every form, the table and the document reads."""

import datetime

import pytest
from django import forms

from pilote.core.forms import PiloteForm
from pilote.core.plausible import date_problem, strip_invalid_characters, text_problem
from pilote.core.tabular import TabularError, read_table
from pilote.imports.extract import read_document


class AnyForm(PiloteForm):
    title = forms.CharField(max_length=255)
    notes = forms.CharField(required=False, widget=forms.Textarea)
    email = forms.EmailField(required=False)
    day = forms.DateField(required=False)


@pytest.mark.parametrize(
    "value", ["a\x00b", "a\x01b", "\x1b[31m", "a\x7fb", "\x0b", "\x0c", "a\ud800b", "\udfff"]
)
def test_nul_control_characters_and_lone_surrogates_are_invalid(value):
    assert text_problem(value)
    assert not text_problem(strip_invalid_characters(value))


@pytest.mark.parametrize("value", ["", "Digne-les-Bains", "Ligne 1\nLigne 2\r\n\tretrait", "🙂 €"])
def test_ordinary_texts_with_tabs_and_new_lines_are_valid(value):
    assert text_problem(value) is None


@pytest.mark.parametrize(
    ("day", "valid"),
    [
        (datetime.date(1, 1, 1), False),
        (datetime.date(1999, 12, 31), False),
        (datetime.date(2000, 1, 1), True),
        (datetime.date(2100, 12, 31), True),
        (datetime.date(9999, 12, 31), False),
    ],
)
def test_dates_are_plausible_from_2000_to_2100(day, valid):
    assert (date_problem(day) is None) is valid


def test_every_text_field_of_a_pilote_form_refuses_invalid_characters_once():
    form = AnyForm(data={"title": "Titre\x00", "notes": "Note\x08", "email": "a\x00@b.fr"})

    assert not form.is_valid()
    for name in ("title", "notes"):
        assert form.errors[name] == [
            "Le texte contient un caractère invalide (caractère nul ou de contrôle, invisible) : "
            "retirez-le, par exemple en retapant le texte plutôt qu'en le collant."
        ]
    assert "email" in form.errors


def test_every_date_field_of_a_pilote_form_is_bounded():
    form = AnyForm(data={"title": "Titre", "day": "9999-12-31"})

    assert not form.is_valid()
    assert form.errors["day"] == [
        "La date doit être comprise entre le 01/01/2000 et le 31/12/2100."
    ]
    assert form.fields["day"].widget.attrs["max"] == "2100-12-31"


def test_a_field_added_after_init_is_guarded_too():
    form = AnyForm(data={"title": "Titre", "late": "x\x00"})
    form.fields["late"] = forms.CharField()

    assert not form.is_valid()
    assert "caractère invalide" in form.errors["late"][0]


def test_a_table_with_a_control_character_is_refused_naming_the_cell():
    data = "Nom;Commune\nCrèche\x01 Les Lutins;Digne\n".encode()

    with pytest.raises(TabularError) as error:
        read_table(data, "equipements.csv")

    assert "caractère invalide" in str(error.value)
    assert "A2" in str(error.value)


def test_a_nul_byte_far_in_a_csv_is_refused_too():
    data = ("Nom;Commune\n" + "Crèche;Digne\n" * 500 + "Halte\x00;Digne\n").encode()

    with pytest.raises(TabularError, match="A502"):
        read_table(data, "equipements.csv")


def test_a_document_loses_its_invisible_control_characters():
    document = read_document(b"Axe 1\x1b : Petite enfance\x0b\n\nAction 1.1\x07", "p.txt")

    texts = " ".join(block.text for block in document.blocks)
    assert "Petite enfance" in texts
    assert not text_problem(texts)
