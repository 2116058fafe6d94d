"""Filters of the facilities register (GET parameters of facilities:register and its exports)."""

import django_filters
from django.db.models import Q, QuerySet

from pilote.core.forms import PiloteForm
from pilote.territories.models import Commune

from ..enums import FacilityKind, FacilityStatus, FundingMode
from ..models import Facility

UNKNOWN_FUNDING = "inconnu"
MISSING_CAPACITY = "non_renseignee"  # ?capacite=non_renseignee, linked from the coverage page


class RegisterFilterForm(PiloteForm):
    pass


class CommuneFilterField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class CommuneFilter(django_filters.ModelChoiceFilter):
    field_class = CommuneFilterField


class FacilityFilter(django_filters.FilterSet):
    """Filter one CTG's facilities; the communes offered are those of its register."""

    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_text",
        help_text="Dans le nom, le gestionnaire, le sous-type et les observations.",
    )
    kind = django_filters.ChoiceFilter(
        label="Type", choices=FacilityKind.choices, empty_label="Tous les types"
    )
    commune = CommuneFilter(
        label="Commune", queryset=Commune.objects.none(), empty_label="Toutes les communes"
    )
    status = django_filters.ChoiceFilter(
        label="Statut", choices=FacilityStatus.choices, empty_label="Tous les statuts"
    )
    funding = django_filters.ChoiceFilter(
        label="Financement",
        choices=[*FundingMode.choices, (UNKNOWN_FUNDING, "Non renseigné")],
        empty_label="Tous",
        method="filter_funding",
    )
    capacite = django_filters.ChoiceFilter(
        label="Capacité",
        choices=[(MISSING_CAPACITY, "Non renseignée")],
        empty_label="Toutes",
        method="filter_capacity",
    )

    class Meta:
        model = Facility
        fields = ["q", "kind", "commune", "status", "funding", "capacite"]
        form = RegisterFilterForm

    def __init__(self, data=None, queryset=None, *, convention, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["commune"].queryset = (
            Commune.objects.filter(facilities__convention=convention).distinct().order_by("name")
        )

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(manager__icontains=word)
                | Q(subkind__icontains=word)
                | Q(notes__icontains=word)
            )
        return queryset

    def filter_capacity(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(capacity=None) if value == MISSING_CAPACITY else queryset

    def filter_funding(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == UNKNOWN_FUNDING:
            return queryset.filter(funding="")
        return queryset.filter(funding=value)
