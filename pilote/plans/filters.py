"""Search the elements of one CTG's plan (plans:search)."""

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import Coalesce

from pilote.accounts.models import Organisation

from .forms import PlanForm
from .models import PlanLevel, PlanNode, Thematic
from .services import convention_communes
from .visibility import node_condition


class SearchForm(PlanForm):
    pass


class PlanNodeFilter(django_filters.FilterSet):
    """Filters of the action search; querysets are limited to the CTG given to __init__."""

    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_text",
        help_text="Dans le numéro, l'intitulé, l'objectif et la description.",
    )
    level = django_filters.ModelChoiceFilter(
        label="Niveau", queryset=PlanLevel.objects.none(), empty_label="Tous les niveaux"
    )
    thematic = django_filters.ModelChoiceFilter(
        label="Thématique",
        field_name="thematics",
        queryset=Thematic.objects.none(),
        empty_label="Toutes les thématiques",
    )
    pilot = django_filters.ModelChoiceFilter(
        label="Pilote",
        field_name="pilots",
        queryset=Organisation.objects.none(),
        empty_label="Tous les pilotes",
    )
    commune = django_filters.ModelChoiceFilter(
        label="Commune",
        queryset=None,
        method="filter_commune",
        empty_label="Toutes les communes",
    )
    include_whole = django_filters.BooleanFilter(
        label="Inclure les éléments qui concernent tout le territoire",
        method="filter_noop",
        widget=forms.CheckboxInput,
    )
    year_from = django_filters.NumberFilter(label="De l'année", method="filter_year_from")
    year_to = django_filters.NumberFilter(label="À l'année", method="filter_year_to")

    class Meta:
        model = PlanNode
        fields = ["q", "level", "thematic", "pilot", "commune", "year_from", "year_to"]
        form = SearchForm

    def __init__(self, data=None, *args, convention, include_internal: bool = False, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.convention = convention
        filters = self.filters
        filters["level"].queryset = PlanLevel.objects.filter(convention=convention)
        filters["thematic"].queryset = Thematic.objects.for_convention(convention).order_by(
            "convention_id", "label"
        )
        filters["pilot"].queryset = (
            Organisation.objects.filter(
                node_condition(include_internal, "piloted_nodes__"),
                piloted_nodes__convention=convention,
            )
            .distinct()
            .order_by("name")
        )
        filters["commune"].queryset = convention_communes(convention)
        years = convention.years
        for name in ("year_from", "year_to"):
            filters[name].extra["widget"] = forms.NumberInput(
                attrs={"min": years[0], "max": years[-1]}
            )

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(number__icontains=word)
                | Q(title__icontains=word)
                | Q(objective__icontains=word)
                | Q(description__icontains=word)
            )
        return queryset

    def filter_commune(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(communes=value)
        if self.form.cleaned_data.get("include_whole"):
            condition |= Q(whole_territory=True)
        return queryset.filter(condition)

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_year_from(self, queryset, name, value):
        # The element's period ends at or after the year (its start when it has no end).
        return queryset.alias(_end=Coalesce("end_year", "start_year")).filter(_end__gte=value)

    def filter_year_to(self, queryset, name, value):
        return queryset.alias(_start=Coalesce("start_year", "end_year")).filter(_start__lte=value)
