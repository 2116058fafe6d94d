"""Forms of the plan pages; they validate input and hand plain data to pilote.plans.services."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from pilote.accounts.models import Organisation
from pilote.core.forms import PiloteForm, prepare_dsfr_fields
from pilote.core.plausible import TITLE_MAX_LENGTH
from pilote.territories.models import Commune

from .enums import NumberingMode, Origin, Priority
from .labels import node_label
from .models import PlanLevel, PlanNode, Thematic
from .services import (
    BudgetLineData,
    IndicatorData,
    NodeData,
    convention_communes,
    level_below,
    parse_organisation_names,
)
from .tree import TreeNode, walk
from .visibility import INTERNAL_HELP, unmark_warning

__all__ = ["node_label"]

QUARTER_CHOICES = [("", "—"), *((q, f"T{q}") for q in range(1, 5))]
ORGANISATIONS_HELP = "Une organisation par ligne, ou séparées par des virgules."
WHOLE, SOME = "all", "some"


def years_label(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if years else ""


def year_outside_message(year, years: list[int]) -> str:
    return f"L'année {year} est hors de la période de la CTG ({years_label(years)})."


class PlanForm(PiloteForm):
    """A form of the plan pages."""


class CommuneChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            # Name the commune rather than its code when it exists elsewhere in France.
            code = str(error.params.get("value", ""))
            commune = Commune.objects.filter(code=code).first()
            name = f"{commune.name} ({commune.code})" if commune else code
            raise ValidationError(
                f"{name} n'appartient pas au territoire de la CTG.", code="invalid_choice"
            ) from error


class ThematicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.label if obj.is_national else f"{obj.label} (propre à la CTG)"


class NodeForm(PlanForm):
    """The fiche of a plan element, without its place in the tree (see MoveForm)."""

    level = forms.ModelChoiceField(
        label="Niveau", queryset=PlanLevel.objects.none(), empty_label=None
    )
    number = forms.CharField(
        label="Numéro",
        max_length=30,
        required=False,
        help_text="Par exemple 3, 1.2 ou IV. La commande « Renuméroter » peut le calculer.",
    )
    title = forms.CharField(
        label="Intitulé", max_length=TITLE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    objective = forms.CharField(
        label="Objectif(s)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    expected_result = forms.CharField(
        label="Résultat attendu", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_public = forms.CharField(
        label="Public cible", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    territory = forms.ChoiceField(
        label="L'élément concerne",
        choices=[(WHOLE, "Tout le territoire de la CTG"), (SOME, "Certaines communes")],
        widget=forms.RadioSelect,
        initial=WHOLE,
    )
    communes = CommuneChoiceField(
        label="Communes concernées",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="À cocher si vous avez choisi « Certaines communes ».",
        error_messages={
            "invalid_choice": "La commune %(value)s n'appartient pas au territoire de la CTG."
        },
    )
    pilots = forms.CharField(
        label="Pilotes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=ORGANISATIONS_HELP,
    )
    partners = forms.CharField(
        label="Partenaires associés",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=ORGANISATIONS_HELP,
    )
    thematics = ThematicChoiceField(
        label="Thématiques",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Cette thématique n'est pas proposée pour cette CTG."},
    )
    new_thematic = forms.CharField(
        label="Nouvelle thématique propre à cette CTG",
        max_length=100,
        required=False,
        help_text="Par exemple « Insertion », « Santé » ou « Mobilité ». Elle sera cochée.",
    )
    priority = forms.ChoiceField(
        label="Priorité", choices=[("", "Non précisée"), *Priority.choices], required=False
    )
    origin = forms.ChoiceField(
        label="Origine", choices=[("", "Non précisée"), *Origin.choices], required=False
    )
    start_year = forms.IntegerField(label="Année de début", required=False)
    start_quarter = forms.TypedChoiceField(
        label="Trimestre de début",
        choices=QUARTER_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    end_year = forms.IntegerField(label="Année de fin", required=False)
    end_quarter = forms.TypedChoiceField(
        label="Trimestre de fin",
        choices=QUARTER_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    is_internal = forms.BooleanField(
        label=INTERNAL_HELP,
        required=False,
        help_text="Absent des pages, exports, bilans et liens partenaires que voient les autres ; "
        "ses sous-éléments, points de suivi et indicateurs le sont aussi.",
    )

    def __init__(self, *args, convention, node: PlanNode | None = None, parent=None, **kwargs):
        self.convention = convention
        self.node = node
        levels = list(convention.levels.order_by("position"))
        if node is not None:
            kwargs.setdefault("initial", self.initial_from(node))
        else:
            below = level_below(parent.level if parent else None, levels)
            initial = {"level": below or (levels[-1] if levels else None)}
            initial["is_internal"] = bool(parent and parent.is_internal)
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = PlanLevel.objects.filter(convention=convention)
        self.fields["communes"].queryset = convention_communes(convention)
        self.fields["thematics"].queryset = Thematic.objects.for_convention(convention).order_by(
            "convention_id", "label"
        )
        for name in ("territory", "communes", "thematics"):
            self.fields[name].widget.inline = True
        years = convention.years
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update({"min": years[0], "max": years[-1]})
            # The bound field copied the help text at creation: update both.
            self.fields[name].help_text = self[name].help_text = f"Entre {years[0]} et {years[-1]}."
        if node is not None and (warning := unmark_warning(node)):
            self.fields["is_internal"].help_text = self["is_internal"].help_text = warning

    @staticmethod
    def initial_from(node: PlanNode) -> dict:
        return {
            "level": node.level_id,
            "number": node.number,
            "title": node.title,
            "objective": node.objective,
            "description": node.description,
            "expected_result": node.expected_result,
            "target_public": node.target_public,
            "territory": WHOLE if node.whole_territory else SOME,
            "communes": [c.pk for c in node.communes.all()],
            "pilots": "\n".join(o.name for o in node.pilots.all()),
            "partners": "\n".join(o.name for o in node.partners.all()),
            "thematics": [t.pk for t in node.thematics.all()],
            "priority": node.priority,
            "origin": node.origin,
            "start_year": node.start_year,
            "start_quarter": node.start_quarter,
            "end_year": node.end_year,
            "end_quarter": node.end_quarter,
            "is_internal": node.is_internal,
        }

    def clean_pilots(self) -> list[str]:
        return self._organisations("pilots")

    def clean_partners(self) -> list[str]:
        return self._organisations("partners")

    def _organisations(self, name: str) -> list[str]:
        names = parse_organisation_names(self.cleaned_data.get(name) or "")
        limit = Organisation._meta.get_field("name").max_length
        too_long = [n for n in names if len(n) > limit]
        if too_long:
            raise ValidationError(
                f"Nom d'organisation trop long ({limit} caractères au plus) : "
                f"« {too_long[0][:40]}… »."
            )
        return names

    def clean(self) -> dict:
        cleaned = super().clean()
        needs_communes = cleaned.get("territory") == SOME and not cleaned.get("communes")
        if needs_communes and "communes" not in self.errors:
            self.add_error(
                "communes",
                "Cochez au moins une commune, ou choisissez « Tout le territoire de la CTG ».",
            )
        level = cleaned.get("level")
        probe = PlanNode(
            convention=self.convention,
            level=level,
            start_year=cleaned.get("start_year"),
            start_quarter=cleaned.get("start_quarter"),
            end_year=cleaned.get("end_year"),
            end_quarter=cleaned.get("end_quarter"),
        )
        try:
            probe.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                for message in messages:
                    if target is None or target not in self.errors:
                        self.add_error(target, message)
        return cleaned

    def to_data(self, *, budget_lines=None, indicators=None) -> NodeData:
        """Return the validated fiche as services.NodeData."""
        cd = self.cleaned_data
        whole = cd["territory"] == WHOLE
        return NodeData(
            level=cd["level"],
            title=cd["title"],
            number=cd.get("number") or "",
            objective=cd.get("objective") or "",
            description=cd.get("description") or "",
            expected_result=cd.get("expected_result") or "",
            target_public=cd.get("target_public") or "",
            whole_territory=whole,
            communes=[] if whole else list(cd.get("communes") or []),
            pilots=cd.get("pilots") or [],
            partners=cd.get("partners") or [],
            thematics=list(cd.get("thematics") or []),
            new_thematics=[cd["new_thematic"]] if cd.get("new_thematic") else [],
            priority=cd.get("priority") or "",
            origin=cd.get("origin") or "",
            start_year=cd.get("start_year"),
            start_quarter=cd.get("start_quarter"),
            end_year=cd.get("end_year"),
            end_quarter=cd.get("end_quarter"),
            budget_lines=budget_lines,
            indicators=indicators,
            is_internal=bool(cd.get("is_internal")),
        )


class BudgetLineForm(PlanForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    funder = forms.CharField(label="Financeur", max_length=255)
    amount = forms.DecimalField(
        label="Montant (€)",
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        error_messages={"min_value": "Le montant ne peut pas être négatif."},
    )
    year = forms.TypedChoiceField(label="Année", coerce=int, empty_value=None, required=False)
    comment = forms.CharField(label="Commentaire", max_length=255, required=False)

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        years = convention.years
        self.fields["year"].choices = [("", "Toutes / non précisée"), *((y, y) for y in years)]
        self.fields["year"].error_messages["invalid_choice"] = (
            f"L'année %(value)s est hors de la période de la CTG ({years_label(years)})."
        )


class IndicatorForm(PlanForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label="Intitulé de l'indicateur",
        max_length=TITLE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit = forms.CharField(
        label="Unité", max_length=60, required=False, help_text="Par exemple : familles, %, places."
    )
    baseline_value = forms.DecimalField(
        label="Valeur de référence", max_digits=14, decimal_places=2, required=False
    )
    baseline_year = forms.IntegerField(
        label="Année de référence", required=False, min_value=1990, max_value=2100
    )
    source = forms.CharField(label="Source", max_length=255, required=False)
    frequency = forms.CharField(
        label="Fréquence", max_length=60, required=False, help_text="Par exemple : annuelle."
    )

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = convention.years
        extra_years = sorted(
            {
                int(key.removeprefix("target_"))
                for key in (self.initial or {})
                if key.startswith("target_") and key.removeprefix("target_").isdecimal()
            }
            - set(self.years)
        )
        self.target_names = []
        for year in [*self.years, *extra_years]:
            name = f"target_{year}"
            self.fields[name] = forms.DecimalField(
                label=f"Cible {year}",
                max_digits=14,
                decimal_places=2,
                required=False,
                help_text="" if year in self.years else "Hors de la période de la CTG : à vider.",
                widget=forms.NumberInput(attrs={"class": "fr-input", "step": "any"}),
            )
            self.target_names.append(name)
        prepare_dsfr_fields(self)

    @property
    def target_fields(self):
        return [self[name] for name in self.target_names]

    @property
    def other_fields(self):
        return [self[name] for name in ("source", "frequency")]

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in self.target_names:
            year = int(name.removeprefix("target_"))
            if year not in self.years and cleaned.get(name) is not None:
                self.add_error(name, year_outside_message(year, self.years))
        # A target for a year the form does not offer (posted by hand or by a stale page).
        prefix = f"{self.prefix}-target_" if self.prefix else "target_"
        for key, value in self.data.items():
            if key.startswith(prefix) and value.strip():
                suffix = key.removeprefix(prefix)
                if suffix.isdecimal() and f"target_{suffix}" not in self.fields:
                    self.add_error(None, year_outside_message(suffix, self.years))
        return cleaned

    def targets(self) -> dict[int, Decimal]:
        return {
            int(name.removeprefix("target_")): self.cleaned_data[name]
            for name in self.target_names
            if self.cleaned_data.get(name) is not None
        }


class BaseFicheFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """Return the cleaned rows that are kept (not blank, not marked for deletion)."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


BudgetLineFormSet = forms.formset_factory(
    BudgetLineForm, formset=BaseFicheFormSet, extra=1, can_delete=True
)
IndicatorFormSet = forms.formset_factory(
    IndicatorForm, formset=BaseFicheFormSet, extra=1, can_delete=True
)


class FicheForms:
    """The fiche form and its two formsets, validated and turned into NodeData together."""

    def __init__(self, *, convention, node=None, parent=None, data=None):
        self.convention = convention
        self.node = node
        self.main = NodeForm(data, convention=convention, node=node, parent=parent)
        budget_initial, indicator_initial = [], []
        if node is not None:
            budget_initial = [
                {
                    "id": line.pk,
                    "funder": line.funder,
                    "amount": line.amount,
                    "year": line.year,
                    "comment": line.comment,
                }
                for line in node.budget_lines.all()
            ]
            for indicator in node.indicators.prefetch_related("targets"):
                row = {
                    "id": indicator.pk,
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "baseline_value": indicator.baseline_value,
                    "baseline_year": indicator.baseline_year,
                    "source": indicator.source,
                    "frequency": indicator.frequency,
                }
                row.update({f"target_{t.year}": t.value for t in indicator.targets.all()})
                indicator_initial.append(row)
        kwargs = {"form_kwargs": {"convention": convention}}
        self.budget = BudgetLineFormSet(data, initial=budget_initial, prefix="budget", **kwargs)
        self.indicators = IndicatorFormSet(
            data, initial=indicator_initial, prefix="indicateurs", **kwargs
        )

    def is_valid(self) -> bool:
        # Evaluate all three so that every error shows at once.
        results = [self.main.is_valid(), self.budget.is_valid(), self.indicators.is_valid()]
        return all(results)

    def to_data(self) -> NodeData:
        budget_lines = [
            BudgetLineData(
                pk=row.get("id"),
                funder=row["funder"],
                amount=row["amount"],
                year=row.get("year"),
                comment=row.get("comment") or "",
            )
            for row in self.budget.rows()
        ]
        indicators = []
        for form in self.indicators.forms:
            row = form.cleaned_data
            if not row or row.get("DELETE"):
                continue
            indicators.append(
                IndicatorData(
                    pk=row.get("id"),
                    name=row["name"],
                    unit=row.get("unit") or "",
                    baseline_value=row.get("baseline_value"),
                    baseline_year=row.get("baseline_year"),
                    source=row.get("source") or "",
                    frequency=row.get("frequency") or "",
                    targets=form.targets(),
                )
            )
        return self.main.to_data(budget_lines=budget_lines, indicators=indicators)

    def conflict_parts(self) -> list[tuple[forms.BaseForm, str]]:
        """Return (form, label prefix) for the fiche and each of its rows, in page order."""
        parts = [(self.main, "")]
        parts += [(f, f"Ligne budgétaire {i} – ") for i, f in enumerate(self.budget.forms, 1)]
        parts += [(f, f"Indicateur {i} – ") for i, f in enumerate(self.indicators.forms, 1)]
        return parts

    def error_summary(self) -> list[tuple[str, str]]:
        """Return (anchor, "Label : message") for every field error, in page order."""
        summary = []
        for form, prefix in self.conflict_parts():
            for name, errors in form.errors.items():
                if name == "__all__":
                    continue
                bound = form[name]
                # Radios and checkboxes: point at the first option, the group has no input.
                choices = isinstance(bound.field.widget, forms.RadioSelect)
                anchor = f"{bound.auto_id}_0" if choices else bound.auto_id
                summary += [(anchor, f"{prefix}{bound.label} : {error}") for error in errors]
        return summary

    @property
    def has_errors(self) -> bool:
        return bool(
            self.main.errors
            or any(self.budget.errors)
            or self.budget.non_form_errors()
            or any(self.indicators.errors)
            or self.indicators.non_form_errors()
        )


class MoveForm(PlanForm):
    """Where to put an element: a new parent, first or last, and which level to take."""

    ROOT = "racine"
    parent = forms.ChoiceField(label="Nouvel élément parent")
    position = forms.ChoiceField(
        label="Place parmi les éléments du nouveau parent",
        choices=[("last", "En dernier"), ("first", "En premier")],
        initial="last",
        widget=forms.RadioSelect,
    )
    level_mode = forms.ChoiceField(
        label="Niveau de l'élément déplacé",
        choices=[
            ("keep", "Garder son niveau actuel"),
            ("below", "Prendre le niveau situé sous le nouveau parent"),
        ],
        initial="keep",
        widget=forms.RadioSelect,
        help_text="Ses sous-éléments changent de niveau d'autant.",
    )

    def __init__(self, *args, node: PlanNode, roots: list[TreeNode], **kwargs):
        super().__init__(*args, **kwargs)
        self.node = node
        excluded = {node.pk}
        for item in walk(roots):
            if item.node.pk == node.pk:
                excluded.update(child.node.pk for child in walk(item.children))
        self.candidates = {
            str(item.node.pk): item.node for item in walk(roots) if item.node.pk not in excluded
        }
        self.fields["parent"].choices = [
            (self.ROOT, "Aucun : premier niveau du plan"),
            *(
                (str(item.node.pk), node_label(item.node, depth=item.depth))
                for item in walk(roots)
                if item.node.pk not in excluded
            ),
        ]
        self.fields["parent"].initial = str(node.parent_id) if node.parent_id else self.ROOT
        self.fields["level_mode"].choices = [
            ("keep", f"Garder son niveau actuel ({node.level.name})"),
            self.fields["level_mode"].choices[1],
        ]

    def clean_parent(self) -> PlanNode | None:
        value = self.cleaned_data["parent"]
        return None if value == self.ROOT else self.candidates[value]


class RenumberForm(PlanForm):
    scope = forms.ChoiceField(label="Périmètre")
    mode = forms.ChoiceField(
        label="Mode de numérotation",
        choices=NumberingMode.choices,
        initial=NumberingMode.HIERARCHICAL,
        widget=forms.RadioSelect,
    )
    levels = forms.ModelMultipleChoiceField(
        label="Niveaux à renuméroter",
        queryset=PlanLevel.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Les éléments des niveaux non cochés gardent leur numéro.",
        error_messages={"required": "Cochez au moins un niveau."},
    )

    WHOLE_PLAN = "plan"

    def __init__(self, *args, convention, roots: list[TreeNode], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["levels"].queryset = PlanLevel.objects.filter(convention=convention)
        self.fields["levels"].initial = [lv.pk for lv in convention.levels.all()]
        self.scopes = {str(item.node.pk): item.node for item in walk(roots) if item.children}
        self.fields["scope"].choices = [
            (self.WHOLE_PLAN, "Tout le plan"),
            *(
                (str(item.node.pk), node_label(item.node, depth=item.depth))
                for item in walk(roots)
                if item.children
            ),
        ]

    def clean_scope(self) -> PlanNode | None:
        value = self.cleaned_data["scope"]
        return None if value == self.WHOLE_PLAN else self.scopes[value]
