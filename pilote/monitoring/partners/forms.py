"""Forms of the partner links: creating a link, the partner's report, and an editor's review."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator

from pilote.core.formats import french_number
from pilote.core.forms import PiloteForm, prepare_dsfr_fields

from ..enums import UpdateStatus
from ..forms import UpdateForm, default_quarter, quarter_value, updatable_quarters
from ..indicators import IndicatorError, parse_value
from ..periods import Quarter
from .services import max_age_days

# What a partner may write in each text: about a page, far above a real quarterly point.
TEXT_MAX_LENGTH = 4000
VALUE_MAX_LENGTH = 40


class LinkForm(PiloteForm):
    """A new partner link: to whom, for which actions and quarter, for how long."""

    recipient_name = forms.CharField(label="Nom du destinataire", max_length=150)
    email = forms.EmailField(
        label="Courriel du destinataire",
        max_length=254,
        error_messages={"invalid": "Saisissez une adresse électronique valide."},
    )
    organisation = forms.ChoiceField(
        label="Organisation",
        required=False,
        help_text="Facultatif : l’organisation que représente le destinataire.",
    )
    actions = forms.MultipleChoiceField(
        label="Actions dont le point est demandé",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une action."},
    )
    period = forms.ChoiceField(label="Trimestre")
    days = forms.IntegerField(
        label="Validité du lien (jours)",
        min_value=1,
        error_messages={
            "min_value": "Le lien doit rester valable au moins un jour.",
            "max_value": "Le lien ne peut pas rester valable plus de %(limit_value)s jours.",
            "invalid": "Indiquez un nombre entier de jours.",
        },
    )

    def __init__(self, *args, convention, actions, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = [
            (str(node.pk), f"{node.number} {node.title}".strip()) for node in actions
        ]
        self.fields["actions"].error_messages["invalid_choice"] = (
            "Choisissez des actions suivies de cette CTG."
        )
        self.fields["organisation"].choices = [
            ("", "Aucune"),
            *((str(o.pk), o.name) for o in organisations),
        ]
        self.fields["period"].choices = [
            (quarter_value(q), str(q)) for q in updatable_quarters(convention)
        ]
        self.fields["period"].error_messages["invalid_choice"] = (
            "Choisissez un trimestre de la période de la CTG, en cours ou passé."
        )
        default = default_quarter(convention)
        if default:
            self.fields["period"].initial = quarter_value(default)
        days = self.fields["days"]
        days.max_value = max_age_days()
        days.validators.append(MaxValueValidator(days.max_value))
        days.initial = max_age_days()
        days.help_text = f"De 1 à {max_age_days()} jours."
        days.widget.attrs.update({"min": 1, "max": max_age_days()})

    def clean_period(self) -> Quarter:
        year, quarter = self.cleaned_data["period"].split("-")
        return Quarter(int(year), int(quarter))


class ReportForm(UpdateForm):
    """One action's point sent by a partner (or reviewed by an editor), with its indicators.

    The fields and checks of the follow-up's UpdateForm, without the quarter (the link's) nor
    attachments; `optional` lets a partner leave an action without a point.
    """

    def __init__(self, *args, convention, indicators, optional: bool = True, **kwargs):
        super().__init__(*args, convention=convention, with_attachments=False, **kwargs)
        del self.fields["period"]
        self.optional = optional
        self.indicators = list(indicators)
        status = self.fields["status"]
        if optional:
            status.choices = [("", "Pas de point pour cette action"), *UpdateStatus.choices]
            status.required = False
            status.initial = ""
            self.fields["progress"].required = False
        for name in ("done", "difficulties", "next_steps"):
            self.fields[name].max_length = TEXT_MAX_LENGTH
            self.fields[name].widget.attrs["maxlength"] = TEXT_MAX_LENGTH
            self.fields[name].validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
        for indicator in self.indicators:
            unit = f" ({indicator.unit})" if indicator.unit else ""
            self.fields[self.indicator_field(indicator)] = forms.CharField(
                label=f"{indicator.name}{unit}",
                required=False,
                max_length=VALUE_MAX_LENGTH,
                help_text=_baseline_hint(indicator),
            )
        prepare_dsfr_fields(self)  # the indicators' fields, added after PiloteForm's own call

    @staticmethod
    def indicator_field(indicator) -> str:
        return f"indicateur_{indicator.pk}"

    def indicator_fields(self):
        return [self[self.indicator_field(indicator)] for indicator in self.indicators]

    def clean(self):
        data = super().clean()
        values = {}
        for indicator in self.indicators:
            name = self.indicator_field(indicator)
            raw = (data.get(name) or "").strip()
            if raw:
                try:
                    values[indicator.pk] = str(parse_value(raw))
                except IndicatorError as error:
                    self.add_error(name, error.message)
        data["measurements"] = values
        texts = any((data.get(n) or "").strip() for n in ("done", "difficulties", "next_steps"))
        if not data.get("status"):
            if texts or values:
                self.add_error("status", "Choisissez le statut de l’action pour envoyer son point.")
        elif data.get("progress") is None and "progress" not in self.errors:
            self.add_error("progress", "Indiquez l’avancement, de 0 à 100.")
        return data

    @property
    def is_filled(self) -> bool:
        """Return True once valid if the action has a point (a status)."""
        return bool(self.cleaned_data.get("status"))


def _baseline_hint(indicator) -> str:
    if indicator.baseline_value is None:
        return "Facultatif. Un nombre, par exemple 12 ou 12,5."
    year = f" en {indicator.baseline_year}" if indicator.baseline_year else ""
    return f"Facultatif. Valeur de référence : {french_number(indicator.baseline_value)}{year}."


class RefusalForm(PiloteForm):
    reason = forms.CharField(
        label="Motif du refus",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez le motif du refus."},
    )
    notify = forms.BooleanField(
        label="Envoyer le motif à l’expéditeur par courriel", required=False, initial=True
    )
