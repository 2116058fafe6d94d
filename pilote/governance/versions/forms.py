"""Forms of the plan's versions (side-by-side choice) and of the renewal of a CTG."""

from __future__ import annotations

from django import forms

from pilote.conventions.forms import DateInput
from pilote.conventions.models import Convention
from pilote.conventions.services import ConventionError, check_slug
from pilote.core.forms import PiloteForm

from ..exceptions import GovernanceError
from ..renewal import check_renewal_dates
from .history import PlanHistory


class CompareForm(PiloteForm):
    """Choose the two versions of the plan to show side by side (a GET form)."""

    before = forms.ChoiceField(label="Version de gauche (avant)")
    after = forms.ChoiceField(label="Version de droite (après)")
    changes_only = forms.BooleanField(label="N'afficher que les changements", required=False)

    def __init__(self, data, *, history: PlanHistory):
        steps = history.steps
        choices = [(step.choice, step.label) for step in steps]
        default_before = steps[0].choice if steps else ""
        default_after = steps[-1].choice if steps else ""
        # Missing choices take the defaults: the first version against today's plan.
        data = {
            "before": data.get("before") or default_before,
            "after": data.get("after") or default_after,
            "changes_only": data.get("changes_only", ""),
        }
        super().__init__(data)
        self.fields["before"].choices = choices
        self.fields["after"].choices = choices

    def clean(self) -> dict:
        cleaned = super().clean()
        before, after = cleaned.get("before"), cleaned.get("after")
        if before and before == after:
            self.add_error("after", "Choisissez deux versions différentes du plan.")
        return cleaned


class RenewalForm(PiloteForm):
    """The next CTG: name, address, period, and what to carry over."""

    name = forms.CharField(
        label="Nom de la nouvelle CTG",
        max_length=Convention._meta.get_field("name").max_length,
    )
    slug = forms.SlugField(
        label="Identifiant dans l'adresse",
        max_length=Convention._meta.get_field("slug").max_length,
        help_text="Lettres minuscules, chiffres et tirets ; il apparaît dans l'adresse des "
        "pages de la CTG (/ctg/identifiant/).",
        error_messages={
            "invalid": "L'identifiant ne peut contenir que des lettres minuscules sans accent, "
            "des chiffres et des tirets.",
        },
    )
    start_date = forms.DateField(
        label="Date de début",
        widget=DateInput(),
        help_text="Par défaut, le lendemain de la fin de la CTG actuelle.",
    )
    end_date = forms.DateField(
        label="Date de fin", widget=DateInput(), help_text="Une CTG est signée pour 1 à 5 ans."
    )
    carry_actions = forms.BooleanField(
        label="Reprendre les actions non terminées",
        required=False,
        help_text="Les actions dont le dernier point de suivi n'est ni « réalisée » ni "
        "« abandonnée », avec les éléments du plan au-dessus d'elles.",
    )
    carry_members = forms.BooleanField(
        label="Donner aux mêmes personnes les mêmes rôles sur la nouvelle CTG",
        required=False,
        help_text="Chargé·e de coopération, référent·es et lecteur·rices de la CTG actuelle. "
        "Les conseiller·ères Caf du département y ont accès de toute façon.",
    )

    def __init__(self, *args, old: Convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.old = old

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        try:
            check_slug(slug)
        except ConventionError as error:
            raise forms.ValidationError(error.message) from error
        return slug

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end:
            try:
                check_renewal_dates(self.old, start, end)
            except GovernanceError as error:
                self.add_error(error.field, error.message)
        return cleaned
