"""The version an edit page carries, and the rows of a conflict (pilote.core.concurrency)."""

import pytest
from django import forms

from pilote.core.concurrency import (
    StaleEdit,
    conflict_rows,
    ensure_current,
    form_parts,
    version_of,
)


class NoteForm(forms.Form):
    title = forms.CharField(label="Intitulé")
    text = forms.CharField(label="Texte", widget=forms.Textarea, required=False)
    status = forms.ChoiceField(label="Statut", choices=[("a", "En cours"), ("b", "Terminé")])


def stored(**values):
    return NoteForm(
        initial={"title": "Relais", "text": "ligne 1\nligne 2", "status": "a", **values}
    )


def posted(version, **values):
    data = {"version": version, "title": "Relais", "text": "ligne 1\r\nligne 2", "status": "a"}
    return NoteForm({**data, **values})


def test_the_version_depends_on_the_values_shown_only():
    assert version_of(stored()) == version_of(stored())
    assert version_of(stored()) != version_of(stored(title="Relais petite enfance"))


def test_a_save_from_the_current_version_passes():
    version = version_of(stored())
    ensure_current({"version": version}, submitted=[posted(version)], fresh=[stored()])


def test_a_client_that_sends_no_version_is_not_checked():
    ensure_current({}, submitted=[posted("")], fresh=[stored(title="Autre")])


def test_a_stale_save_lists_only_the_fields_that_differ_with_choice_labels():
    old = version_of(stored())
    now = stored(title="Relais petite enfance", status="b")
    with pytest.raises(StaleEdit) as raised:
        ensure_current({"version": old}, submitted=[posted(old, status="a")], fresh=[now])
    conflict = raised.value.conflict
    assert conflict.version == version_of(now)
    assert [(r.label, r.theirs, r.yours) for r in conflict.rows] == [
        ("Intitulé", "Relais petite enfance", "Relais"),
        ("Statut", "Terminé", "En cours"),
    ]


def test_a_stale_save_identical_to_what_is_stored_passes():
    old = version_of(stored())
    now = stored(title="Relais petite enfance")
    submitted = posted(old, title="Relais petite enfance")
    assert conflict_rows([submitted], [now]) == []
    ensure_current({"version": old}, submitted=[submitted], fresh=[now])


def test_formset_rows_are_named_by_their_number():
    formset = forms.formset_factory(NoteForm, extra=0)(initial=[{"title": "A"}, {"title": "B"}])
    formset.conflict_label = "Note"
    assert [prefix for _, prefix in form_parts(formset)] == ["Note 1 – ", "Note 2 – "]
