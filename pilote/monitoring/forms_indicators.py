"""Forms of the indicator pages; the checks of the period and the value are in indicators.py."""

from django import forms

from pilote.core.forms import PiloteForm

QUARTER_CHOICES = [("", "Toute l'année"), *((q, f"T{q}") for q in range(1, 5))]


class MeasurementForm(PiloteForm):
    year = forms.IntegerField(label="Année", min_value=1900, max_value=2200)
    quarter = forms.TypedChoiceField(
        label="Trimestre",
        choices=QUARTER_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Laissez « Toute l'année » pour une valeur annuelle.",
    )
    # Text, not a number field: the service reads French decimals ("12,5") and says clearly
    # what is wrong with anything else.
    value = forms.CharField(
        label="Valeur", max_length=40, help_text="Un nombre, par exemple 12 ou 12,5."
    )
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(label="Source", max_length=255, required=False)

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        years = convention.years
        self.fields["year"].help_text = f"Une année de la CTG ({years[0]}–{years[-1]})."
        self.fields["value"].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.fields["year"].error_messages["invalid"] = "Indiquez une année, par exemple 2026."
