"""Forms of the facilities register: one facility, and the upload of an import file."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Case, When

from pilote.conventions.forms import megabytes
from pilote.core.forms import PiloteForm, prepare_dsfr_fields
from pilote.plans.forms import node_label
from pilote.plans.models import PlanNode

from ..enums import CapacityUnit, FacilityKind, FacilityStatus, FundingMode
from ..models import Facility
from .services import (
    AGE_MAX,
    OPENING_YEARS,
    ActionIndex,
    FacilityData,
    bonus_years,
    territory_communes,
)

SUBKIND_SUGGESTIONS = [
    "Multi-accueil",
    "Micro-crèche",
    "Crèche collective",
    "Crèche familiale",
    "Crèche parentale",
    "Halte-garderie",
    "Jardin d'enfants",
    "Périscolaire",
    "Extrascolaire",
    "Accueils adolescents",
    "PS Jeunes",
    "TISF",
    "AES",
]
IMPORT_EXTENSIONS = (".csv", ".xlsx", ".txt")


class CommuneField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.code})"


class ActionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return node_label(obj, width=110)


class FacilityForm(PiloteForm):
    """A facility of the register, with its bonus for each year of the CTG."""

    manager = forms.CharField(
        label="Gestionnaire",
        max_length=255,
        help_text="La commune, l'EPCI ou l'association qui gère l'équipement.",
    )
    name = forms.CharField(label="Nom de l'équipement ou du service", max_length=255)
    kind = forms.ChoiceField(label="Type", choices=[("", "Choisir un type"), *FacilityKind.choices])
    subkind = forms.CharField(
        label="Sous-type",
        max_length=120,
        required=False,
        help_text="Par exemple : multi-accueil, micro-crèche, périscolaire, extrascolaire.",
        widget=forms.TextInput(attrs={"list": "sous-types"}),
    )
    commune = CommuneField(
        label="Commune",
        queryset=None,
        required=False,
        empty_label="Choisir une commune",
        error_messages={"invalid_choice": "Cette commune n'est pas dans le territoire de la CTG."},
    )
    capacity = forms.DecimalField(
        label="Capacité",
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text="Nombre de places, ou d'équivalents temps plein selon l'unité.",
        widget=forms.NumberInput(attrs={"step": "any", "min": 0}),
    )
    capacity_unit = forms.ChoiceField(
        label="Unité",
        choices=CapacityUnit.choices,
        initial=CapacityUnit.PLACES,
        help_text="ETP pour un relais petite enfance ou un poste.",
    )
    age_min = forms.IntegerField(
        label="Âge minimum (ans)", required=False, min_value=0, max_value=AGE_MAX
    )
    age_max = forms.IntegerField(
        label="Âge maximum (ans)", required=False, min_value=0, max_value=AGE_MAX
    )
    funding = forms.ChoiceField(
        label="Financement Caf",
        choices=[("", "Non renseigné"), *FundingMode.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label="Statut", choices=FacilityStatus.choices, initial=FacilityStatus.EXISTING
    )
    opening_year = forms.IntegerField(
        label="Année d'ouverture",
        required=False,
        min_value=OPENING_YEARS[0],
        max_value=OPENING_YEARS[1],
    )
    actions = ActionsField(
        label="Actions du plan concernées",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Cette action n'appartient pas au plan de cette CTG."},
    )
    notes = forms.CharField(
        label="Observations", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, convention, facility: Facility | None = None, **kwargs):
        self.convention = convention
        self.facility = facility
        linked = list(facility.actions.all()) if facility else []
        bonuses = {b.year: b.amount for b in facility.bonuses.all()} if facility else {}
        if facility is not None:
            kwargs.setdefault("initial", self.initial_from(facility, linked, bonuses))
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = territory_communes(convention)
        self.fields["actions"].queryset = self._action_queryset(linked)
        self.fields["actions"].widget.inline = False
        self.bonus_field_names = []
        allowed = bonus_years(convention)
        for year in sorted({*convention.years, *bonuses}):
            name = f"bonus_{year}"
            self.fields[name] = forms.DecimalField(
                label=f"Bonus territoire {year} (€)",
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "any", "min": 0}),
            )
            if year not in allowed:
                self.fields[name].help_text = "Année hors des limites : videz ce champ."
            self.bonus_field_names.append(name)
        prepare_dsfr_fields(self)

    def _action_queryset(self, linked: list[PlanNode]):
        """Return the tracked actions of the plan (every element when no level is tracked) and
        those already linked, in plan order."""
        index = ActionIndex(self.convention)
        nodes = list(index.by_pk.values())
        if any(node.level.tracked for node in nodes):
            linked_pks = {node.pk for node in linked}
            nodes = [node for node in nodes if node.level.tracked or node.pk in linked_pks]
        ordered = index.sorted(nodes)
        pks = [node.pk for node in ordered]
        ranks = [When(pk=pk, then=rank) for rank, pk in enumerate(pks)]
        return (
            PlanNode.objects.filter(pk__in=pks)
            .select_related("level")
            .order_by(Case(*ranks, default=len(ranks)) if ranks else "pk")
        )

    @staticmethod
    def initial_from(facility: Facility, linked, bonuses) -> dict:
        initial = {
            "manager": facility.manager,
            "name": facility.name,
            "kind": facility.kind,
            "subkind": facility.subkind,
            "commune": facility.commune_id,
            "capacity": facility.capacity,
            "capacity_unit": facility.capacity_unit,
            "age_min": facility.age_min,
            "age_max": facility.age_max,
            "funding": facility.funding,
            "status": facility.status,
            "opening_year": facility.opening_year,
            "actions": [node.pk for node in linked],
            "notes": facility.notes,
        }
        initial.update({f"bonus_{year}": amount for year, amount in bonuses.items()})
        return initial

    def clean(self) -> dict:
        cleaned = super().clean()
        age_min, age_max = cleaned.get("age_min"), cleaned.get("age_max")
        if age_min is not None and age_max is not None and age_max < age_min:
            self.add_error("age_max", "L'âge maximum est inférieur à l'âge minimum.")
        return cleaned

    def to_data(self) -> FacilityData:
        data = self.cleaned_data
        return FacilityData(
            manager=data["manager"],
            name=data["name"],
            kind=data["kind"],
            subkind=data["subkind"],
            commune=data["commune"],
            capacity=data["capacity"],
            capacity_unit=data["capacity_unit"],
            age_min=data["age_min"],
            age_max=data["age_max"],
            funding=data["funding"],
            status=data["status"],
            opening_year=data["opening_year"],
            notes=data["notes"],
            actions=list(data["actions"]),
            bonuses={
                int(name.removeprefix("bonus_")): data[name]
                for name in self.bonus_field_names
                if data.get(name) is not None
            },
        )

    @property
    def bonus_fields(self):
        return [self[name] for name in self.bonus_field_names]


class ImportUploadForm(PiloteForm):
    file = forms.FileField(
        label="Fichier des équipements",
        help_text="Un tableau XLSX, ou CSV (UTF-8 ou Windows-1252, séparé par « ; » ou « , »).",
        error_messages={"required": "Choisissez un fichier CSV ou XLSX à importer."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"Le fichier pèse {megabytes(upload.size)} : la taille maximale est de "
                f"{megabytes(limit)}."
            )
        if not upload.name.lower().endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(
                "Le fichier doit être un tableau CSV ou XLSX (extension .csv ou .xlsx)."
            )
        return upload
