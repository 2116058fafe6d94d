"""Filters of the CTG list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from pilote.core.forms import LongSelect
from pilote.territories.models import EPCI, Departement

from .enums import ConventionStatus
from .forms import DateInput, PiloteForm
from .models import Convention


class ConventionFilterForm(PiloteForm):
    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and (year != int(year) or not 1990 <= year <= 2100):
            raise forms.ValidationError("Indiquez une année sur quatre chiffres, par exemple 2026.")
        return year

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_after"), cleaned.get("end_before")
        if start and end and end < start:
            self.add_error(
                "end_before",
                "La date « Fin au plus tard le » précède la date « Début à partir du ».",
            )
        return cleaned


class ConventionFilter(django_filters.FilterSet):
    """Filter the CTGs a user sees; the choices only list what he or she may see."""

    name = django_filters.CharFilter(
        label="Nom contient", field_name="name", lookup_expr="icontains"
    )
    departement = django_filters.ModelChoiceFilter(
        label="Caf (département)",
        queryset=Departement.objects.none(),
        empty_label="Toutes",
        widget=LongSelect,
    )
    epci = django_filters.ModelChoiceFilter(
        label="EPCI", queryset=EPCI.objects.none(), empty_label="Tous", widget=LongSelect
    )
    status = django_filters.ChoiceFilter(
        label="Statut", choices=ConventionStatus.choices, empty_label="Tous"
    )
    year = django_filters.NumberFilter(
        label="En cours pendant l'année",
        method="filter_year",
        widget=forms.NumberInput(attrs={"min": 2000, "max": 2100, "placeholder": "AAAA"}),
    )
    start_after = django_filters.DateFilter(
        label="Début à partir du", field_name="start_date", lookup_expr="gte", widget=DateInput()
    )
    end_before = django_filters.DateFilter(
        label="Fin au plus tard le", field_name="end_date", lookup_expr="lte", widget=DateInput()
    )

    class Meta:
        model = Convention
        fields = ["name", "departement", "epci", "status", "year", "start_after", "end_before"]
        form = ConventionFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        visible = Convention.objects.visible_to(request.user).values("pk")
        self.filters["departement"].queryset = Departement.objects.filter(
            conventions__in=visible
        ).distinct()
        self.filters["epci"].queryset = EPCI.objects.filter(conventions__in=visible).distinct()

    def filter_year(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        return queryset.active_in_year(int(value))
