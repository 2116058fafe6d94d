"""Forms of the plan import pages: the upload, the review's corrections, the new CTG."""

from __future__ import annotations

import contextlib
import datetime

from django import forms
from django.conf import settings

from pilote.conventions.forms import DateInput, epci_choices, megabytes
from pilote.conventions.services import ConventionError, check_period
from pilote.core.forms import PiloteForm, PlausibleValuesMixin
from pilote.territories.models import EPCI

ACCEPTED = ".xlsx,.ods,.csv,.docx,.odt,.pdf,.txt,.md"


class UploadForm(PiloteForm):
    file = forms.FileField(
        label="Document ou tableur contenant le plan d'actions",
        help_text="Un document Word (.docx) ou OpenDocument (.odt), un PDF avec du texte "
        "sélectionnable, un texte (.txt, .md), ou un tableur XLSX, ODS ou CSV rempli d'après le "
        "modèle.",
        error_messages={
            "required": "Choisissez le fichier qui contient le plan d'actions.",
            "empty": "Le fichier est vide.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"Le fichier pèse {megabytes(upload.size)} : la taille maximale est de "
                f"{megabytes(limit)}. Enregistrez seulement le plan d'actions (sans les images) "
                "et recommencez."
            )
        return upload


ACTIONS = {
    "save": "Enregistrer",
    "up": "Monter",
    "down": "Descendre",
    "indent": "Placer sous l'élément précédent",
    "outdent": "Remonter d'un niveau",
    "merge": "Fusionner avec l'élément précédent",
    "drop": "Supprimer avec ses sous-éléments",
    "drop_keep": "Supprimer en gardant ses sous-éléments",
}


class NodeActionForm(PlausibleValuesMixin, forms.Form):
    """One element's row on the review page: its fields and the button pressed."""

    node = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    number = forms.CharField(required=False, max_length=200, strip=True)
    title = forms.CharField(required=False, max_length=10_000, strip=True)
    kind = forms.CharField(required=False, max_length=200, strip=True)


class SplitForm(PiloteForm):
    first = forms.CharField(
        label="Intitulé de l'élément", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000
    )
    second = forms.CharField(
        label="Intitulé du nouvel élément, placé juste après",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        error_messages={"required": "Indiquez l'intitulé du nouvel élément."},
    )


class NewConventionForm(PiloteForm):
    """What a CTG created from an imported plan needs; the rest is completed afterwards."""

    name = forms.CharField(
        label="Nom de la CTG",
        max_length=200,
        help_text="Par exemple : CTG Provence-Alpes-Agglomération 2026-2030.",
        error_messages={"required": "Indiquez le nom de la CTG."},
    )
    departement = forms.ModelChoiceField(
        label="Caf (département)",
        queryset=None,
        empty_label="Choisissez le département de la Caf",
        error_messages={
            "invalid_choice": "Vous ne pouvez pas créer de CTG pour ce département.",
            "required": "Choisissez le département de la Caf.",
        },
    )
    start_date = forms.DateField(
        label="Début",
        widget=DateInput(),
        help_text="Format attendu : JJ/MM/AAAA.",
        error_messages={"required": "Indiquez la date de début.", "invalid": "Date invalide."},
    )
    end_date = forms.DateField(
        label="Fin",
        widget=DateInput(),
        help_text="Une CTG est signée pour 1 à 5 ans.",
        error_messages={"required": "Indiquez la date de fin.", "invalid": "Date invalide."},
    )
    epci = forms.ChoiceField(
        label="EPCI (facultatif)",
        required=False,
        help_text="L'intercommunalité signataire : ses communes forment le territoire de la "
        "CTG. Vous pourrez ajouter ou retirer des communes ensuite.",
    )

    def __init__(self, *args, departements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = departements
        choices = list(departements)
        if len(choices) == 1:
            self.fields["departement"].initial = choices[0].pk
        self.fields["epci"].choices = epci_choices(choices)

    def clean_epci(self) -> EPCI | None:
        siren = self.cleaned_data.get("epci")
        return EPCI.objects.get(pk=siren) if siren else None

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end:
            try:
                check_period(start, end)
            except ConventionError as error:
                self.add_error("end_date", error.message)
        epci, departement = cleaned.get("epci"), cleaned.get("departement")
        if epci and departement and not epci.communes.filter(departement=departement).exists():
            self.add_error(
                "epci",
                f"L'EPCI « {epci} » n'a aucune commune dans le département {departement}.",
            )
        return cleaned


def initial_period(proposal: dict) -> dict[str, datetime.date]:
    """Return the dates a new CTG starts with: the plan's period, else this year and four."""
    section = proposal.get("convention") or {}
    dates = {}
    for key in ("start_date", "end_date"):
        with contextlib.suppress(ValueError):
            dates[key] = datetime.date.fromisoformat(section.get(key) or "")
    if len(dates) < 2 or dates["end_date"] < dates["start_date"]:
        year = datetime.date.today().year
        dates = {
            "start_date": datetime.date(year, 1, 1),
            "end_date": datetime.date(year + 4, 12, 31),
        }
    return dates
