"""Forms of the petite-enfance pages. They validate input; petite_enfance.services writes."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from dsfr.utils import dsfr_input_class_attr

from pilote.core.formats import french_number
from pilote.core.forms import PiloteForm, prepare_dsfr_fields
from pilote.core.tabular import parse_number

from ..enums import CapacityUnit, Competence, PopulationBasis, SchemaContent, SchemaMode
from ..models import EarlyChildhoodSettings, Schema, SchemaLine
from .services import TEXT_COLUMNS, ChecklistData, SchemaData, SchemaLineData


def format_decimal(value: Decimal | None) -> str:
    """Return a number as French users write it ("1,7", "189")."""
    return french_number(value)


class FrenchDecimalField(forms.DecimalField):
    """A decimal typed the French way ("1,7") or the English way ("1.7")."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 8)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(**kwargs)
        self.error_messages["min_value"] = "La valeur ne peut pas être négative."

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.pop("min", None)
        attrs.pop("max", None)
        attrs["inputmode"] = "decimal"
        return attrs

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_number(str(value))
        except ValueError:
            raise forms.ValidationError(
                "Saisissez un nombre, par exemple 189 ou 1,7.", code="invalid"
            ) from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_decimal(value)
        return value


def _dsfr_fields(form: forms.BaseForm) -> None:
    """Give the fields added after the form's creation the DSFR classes the others have."""
    for bound in form.visible_fields():
        dsfr_input_class_attr(bound)
    prepare_dsfr_fields(form)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# ---------------------------------------------------------------------------------------------
# Settings and transfers
# ---------------------------------------------------------------------------------------------


class SettingsForm(PiloteForm, forms.ModelForm):
    class Meta:
        model = EarlyChildhoodSettings
        fields = ["population_basis", "cofunded_places_2023", "planned_places_2027", "bonus_places"]
        widgets = {"population_basis": forms.RadioSelect}
        help_texts = {
            "cofunded_places_2023": "Places d'EAJE cofinancées par la Caf en 2023 (bonus "
            "trajectoire de développement).",
            "planned_places_2027": "Places de crèche cofinancées prévues en 2027.",
            "bonus_places": "Facultatif : sert à estimer le montant annuel du bonus trajectoire.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["population_basis"].choices = PopulationBasis.choices
        self.fields["population_basis"].widget.inline = False
        self.fields["population_basis"].widget.group_class = "fr-radio-group"


class TransfersForm(PiloteForm):
    """One row of four checkboxes per commune of the CTG: the competences it transferred."""

    def __init__(self, *args, communes, epci_siren: str, transfers: dict[str, set[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for commune in communes:
            name = f"c_{commune.code}"
            member = commune.epci_id == epci_siren
            self.fields[name] = forms.MultipleChoiceField(
                label=commune.name,
                choices=Competence.choices,
                required=False,
                initial=sorted(transfers.get(commune.code, set())),
                widget=forms.CheckboxSelectMultiple,
                disabled=not member,
            )
            self.rows.append((commune, name, member))
        _dsfr_fields(self)

    def table(self):
        """Yield (commune, member, [checkbox subwidgets]) for the template."""
        for commune, name, member in self.rows:
            yield commune, member, list(self[name].subwidgets)

    def transfers(self) -> dict[str, list[str]]:
        return {
            commune.code: list(self.cleaned_data.get(name) or [])
            for commune, name, member in self.rows
            if member
        }


# ---------------------------------------------------------------------------------------------
# Schémas
# ---------------------------------------------------------------------------------------------


class SchemaForm(PiloteForm):
    commune = forms.ChoiceField(label="Autorité organisatrice", required=False)
    zone = forms.CharField(
        label="Zone",
        max_length=200,
        required=False,
        help_text="Facultatif : QPV, ZRR, secteur… quand le schéma est décliné par zone.",
    )
    adopted_on = forms.DateField(label="Date d'adoption", required=False, widget=DateInput())
    sent_to_cdsf_on = forms.DateField(
        label="Date d'envoi au CDSF",
        required=False,
        widget=DateInput(),
        help_text="Le schéma est transmis au CDSF dans le mois qui suit son adoption.",
    )
    notes = forms.CharField(
        label="Observations", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, convention, schema: Schema | None = None, **kwargs):
        if schema is not None:
            kwargs.setdefault(
                "initial",
                {
                    "commune": schema.commune_id or "",
                    "zone": schema.zone,
                    "adopted_on": schema.adopted_on,
                    "sent_to_cdsf_on": schema.sent_to_cdsf_on,
                    "notes": schema.notes,
                },
            )
        super().__init__(*args, **kwargs)
        choices = []
        if convention.epci_id:
            choices.append(("", f"{convention.epci.name} (EPCI)"))
        choices += [
            (c.code, f"{c.name} ({c.code})")
            for c in convention.communes.order_by("name").only("code", "name")
        ]
        field = self.fields["commune"]
        field.choices = choices
        field.help_text = (
            "L'EPCI quand les communes lui ont transféré la planification, sinon la commune."
        )
        field.error_messages["invalid_choice"] = (
            "Choisissez l'EPCI ou une commune du territoire de la CTG."
        )
        self._bound_fields_cache.clear()

    def clean(self) -> dict:
        cleaned = super().clean()
        adopted, sent = cleaned.get("adopted_on"), cleaned.get("sent_to_cdsf_on")
        if adopted and sent and sent < adopted:
            self.add_error("sent_to_cdsf_on", "L'envoi au CDSF ne peut précéder l'adoption.")
        return cleaned

    def data_object(self) -> SchemaData:
        cd = self.cleaned_data
        return SchemaData(
            commune=cd["commune"] or None,
            zone=cd["zone"],
            adopted_on=cd["adopted_on"],
            sent_to_cdsf_on=cd["sent_to_cdsf_on"],
            notes=cd["notes"],
        )


TEXT_LABELS = {
    "jobs_needs": "Besoins en emplois et compétences",
    "other_needs": "Autres besoins identifiés",
    "investment_projects": "Projets d'investissement",
    "costs_calendar": "Coûts et calendrier prévisionnels",
    "engineering": "Ingénierie et moyens humains",
}
TEXT_HELP = {
    "other_needs": "Démarche IDA, difficultés identifiées, partenariat spécifique…",
    "investment_projects": "Rénovation, construction, transplantation, aménagement, extension…",
    "costs_calendar": "Années cibles des opérations envisagées.",
    "engineering": "Nécessaires pour conduire les projets d'investissement.",
}


class SchemaLineForm(PiloteForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    mode = forms.ChoiceField(
        label="Mode d'accueil ou dispositif",
        choices=[("", "Choisir un mode"), *SchemaMode.choices],
        error_messages={"required": "Choisissez le mode d'accueil ou le dispositif."},
    )
    label = forms.CharField(
        label="Précision",
        max_length=200,
        required=False,
        help_text="Ex. : accueil régulier.",
    )
    structure_count = forms.IntegerField(
        label="Nombre de structures", required=False, min_value=0, max_value=32_767
    )
    unit = forms.ChoiceField(
        label="Unité", choices=CapacityUnit.choices, initial=CapacityUnit.PLACES
    )
    current_value = FrenchDecimalField(label="Places ou ETP actuels", required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"year_{year}"] = FrenchDecimalField(label=str(year), required=False)
        for name in TEXT_COLUMNS:
            self.fields[name] = forms.CharField(
                label=TEXT_LABELS[name],
                required=False,
                max_length=5_000,
                help_text=TEXT_HELP.get(name, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        _dsfr_fields(self)

    @property
    def legend(self) -> str:
        """Return the title of the line's fieldset: its mode and précision, as saved."""
        mode = self.initial.get("mode")
        if not self.initial.get("id") or mode not in SchemaMode.values:
            return "Nouvelle ligne"
        label = self.initial.get("label")
        return SchemaMode(mode).label + (f" – {label}" if label else "")

    @property
    def head_fields(self):
        return [self[name] for name in ("mode", "label", "structure_count", "unit")]

    @property
    def value_fields(self):
        return [self["current_value"], *(self[f"year_{year}"] for year in self.years)]

    @property
    def text_fields(self):
        return [self[name] for name in TEXT_COLUMNS]

    def line_data(self) -> SchemaLineData:
        cd = self.cleaned_data
        return SchemaLineData(
            pk=cd.get("id"),
            mode=cd["mode"],
            label=cd.get("label", ""),
            structure_count=cd.get("structure_count"),
            unit=cd["unit"],
            current_value=cd.get("current_value"),
            years={
                year: cd[f"year_{year}"]
                for year in self.years
                if cd.get(f"year_{year}") is not None
            },
            **{name: cd.get(name, "") for name in TEXT_COLUMNS},
        )

    @staticmethod
    def initial_for(line: SchemaLine) -> dict:
        initial = {
            "id": line.pk,
            "mode": line.mode,
            "label": line.label,
            "structure_count": line.structure_count,
            "unit": line.unit,
            "current_value": line.current_value,
            **{name: getattr(line, name) for name in TEXT_COLUMNS},
        }
        for row in line.years.all():
            initial[f"year_{row.year}"] = row.value
        return initial


class BaseSchemaLineFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = "Rang"
            form.fields["ORDER"].widget.attrs.update({"class": "fr-input", "min": 1})
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Supprimer cette ligne"
        prepare_dsfr_fields(form)

    def lines(self) -> list[SchemaLineData]:
        """Return the kept lines in the chosen order (blank and deleted forms left out)."""
        return [form.line_data() for form in self.ordered_forms if form.cleaned_data]


SchemaLineFormSet = forms.formset_factory(
    SchemaLineForm,
    formset=BaseSchemaLineFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
    can_delete_extra=False,
    max_num=50,
    validate_max=True,
)


class ChecklistForm(PiloteForm):
    """For each content required by D. 214-10-1: covered by the CTG, and where."""

    def __init__(self, *args, checklist, **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist_rows = []
        for row in checklist.rows:
            covered_name, reference_name = f"{row.content}_covered", f"{row.content}_reference"
            suggested = bool(row.suggestion) and not row.covered and not row.reference
            self.fields[covered_name] = forms.BooleanField(
                label="Traité dans la CTG",
                required=False,
                initial=row.covered or suggested,
            )
            self.fields[reference_name] = forms.CharField(
                label="Où le trouver",
                max_length=255,
                required=False,
                initial=row.reference or (row.suggested_reference if suggested else ""),
                help_text="Par exemple : annexe 1, fiche action 3, tableau du schéma.",
            )
            self.checklist_rows.append((row, self[covered_name], self[reference_name], suggested))
        _dsfr_fields(self)

    def items(self) -> list[ChecklistData]:
        return [
            ChecklistData(
                content=content,
                covered=self.cleaned_data.get(f"{content}_covered", False),
                reference=self.cleaned_data.get(f"{content}_reference", ""),
            )
            for content in SchemaContent.values
        ]
