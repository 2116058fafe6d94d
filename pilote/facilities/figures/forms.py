"""Forms of the diagnostic's figures: one figure, the filters of the list, a file to import."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings

from pilote.conventions.forms import megabytes
from pilote.core.formats import plain_decimal
from pilote.core.forms import PiloteForm
from pilote.core.tabular import parse_number

from ..enums import AreaKind, FigureKind
from .imports import YEAR_MAX, YEAR_MIN
from .services import FigureData

IMPORT_EXTENSIONS = (".csv", ".txt", ".xlsx", ".xlsm")


class FigureForm(PiloteForm):
    area_kind = forms.ChoiceField(label="Échelle", choices=AreaKind.choices)
    area_code = forms.CharField(
        label="Code du territoire",
        required=False,
        max_length=12,
        help_text="Code INSEE de la commune (04070), SIREN de l'EPCI (200067437), code du "
        "département (04) ; laisser vide pour la France.",
    )
    kind = forms.ChoiceField(label="Chiffre", choices=FigureKind.choices)
    label = forms.CharField(
        label="Libellé (pour « Autre chiffre »)",
        required=False,
        max_length=200,
        help_text="Par exemple : Indice de jeunesse, Part des 65 ans ou plus (%).",
    )
    year = forms.IntegerField(
        label="Millésime",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        help_text="L'année des données (par exemple 2021 pour le recensement 2021).",
    )
    value = forms.CharField(
        label="Valeur",
        max_length=40,
        help_text="Un nombre : 48 726 ou 41,4. Un taux de couverture est en places pour 100 "
        "enfants (58, pas 0,58).",
    )
    source = forms.CharField(
        label="Source", required=False, max_length=255, help_text="Par exemple : INSEE 2021, CAF."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].widget.attrs["inputmode"] = "decimal"

    @classmethod
    def for_figure(cls, figure, data=None) -> FigureForm:
        initial = {
            "area_kind": figure.area_kind,
            "area_code": "" if figure.area_kind == AreaKind.FRANCE else figure.area_code,
            "kind": figure.kind,
            "label": figure.label,
            "year": figure.year,
            "value": plain_decimal(figure.value),
            "source": figure.source,
        }
        return cls(data, initial=initial)

    def clean_value(self):
        try:
            return parse_number(self.cleaned_data["value"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == FigureKind.OTHER and not cleaned.get("label", "").strip():
            self.add_error("label", "Donnez le libellé de ce chiffre.")
        if (
            cleaned.get("area_kind") not in (None, AreaKind.FRANCE)
            and not cleaned.get("area_code", "").strip()
        ):
            self.add_error("area_code", "Indiquez le code du territoire.")
        return cleaned

    def figure_data(self) -> FigureData:
        data = self.cleaned_data
        return FigureData(
            area_kind=data["area_kind"],
            area_code=data["area_code"],
            kind=data["kind"],
            label=data["label"],
            year=data["year"],
            value=data["value"],
            source=data["source"],
        )


class FigureFilterForm(PiloteForm):
    """Filters of the figures page; choices are what the CTG has."""

    territoire = forms.ChoiceField(label="Territoire", required=False)
    chiffre = forms.ChoiceField(label="Chiffre", required=False)
    millesime = forms.ChoiceField(label="Millésime", required=False)

    def __init__(self, *args, areas, kinds, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].choices = [("", "Tous les territoires"), *areas]
        self.fields["chiffre"].choices = [("", "Tous les chiffres"), *kinds]
        self.fields["millesime"].choices = [("", "Tous les millésimes")] + [
            (str(year), str(year)) for year in years
        ]


class FigureImportForm(PiloteForm):
    file = forms.FileField(
        label="Fichier des chiffres (CSV ou XLSX)",
        help_text="Le modèle à télécharger ci-dessus, rempli, ou un fichier de data.caf.fr "
        "(txcouv_pe_… ou nbpla_pe_…) tel qu'il a été téléchargé. CSV séparé par « ; », « , » "
        "ou tabulation, encodé en UTF-8 ou Windows-1252.",
        error_messages={"required": "Choisissez un fichier à importer."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"Le fichier pèse {megabytes(upload.size)} : la taille maximale est de "
                f"{megabytes(limit)}."
            )
        if PurePath(upload.name).suffix.lower() not in IMPORT_EXTENSIONS:
            raise forms.ValidationError(
                "Le fichier doit être un tableau CSV ou XLSX (extension .csv ou .xlsx)."
            )
        return upload
