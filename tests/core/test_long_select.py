from django import forms

from pilote.core.forms import LongSelect


class PlaceForm(forms.Form):
    place = forms.ChoiceField(
        choices=[("", "Tous"), ("a&b", "<Saint-Jean & co>"), ("2", "Deux"), ("2", "Deux bis")],
        widget=LongSelect(attrs={"class": "fr-select"}),
        required=False,
    )


def test_long_select_escapes_values_and_labels_and_keeps_the_attributes():
    html = str(PlaceForm({"place": "a&b"})["place"])

    assert html.startswith('<select name="place" class="fr-select" id="id_place">')
    assert '<option value="a&amp;b" selected>&lt;Saint-Jean &amp; co&gt;</option>' in html
    assert "<Saint-Jean" not in html


def test_long_select_selects_the_empty_choice_without_a_value_and_only_one_option():
    empty = str(PlaceForm()["place"])
    chosen = str(PlaceForm({"place": "2"})["place"])

    assert '<option value="" selected>Tous</option>' in empty
    assert chosen.count(" selected") == 1
    assert '<option value="2" selected>Deux</option>' in chosen
