"""Filters of the list endpoints (django-filter): ?convention=<slug>&status=en_cours…

Every filter narrows a queryset already limited to the user's CTGs (pilote.api.scoping).
"""

import datetime

import django_filters as filters
from django import forms
from django_filters.fields import IsoDateTimeField

from pilote.facilities.enums import AreaKind, FacilityKind, FigureKind
from pilote.governance.enums import DecisionKind, MeetingKind
from pilote.monitoring.enums import UpdateStatus
from pilote.plans.models import PlanNode

QUARTERS = [(q, f"T{q}") for q in range(1, 5)]
ID_MAX = 2**63 - 1  # a larger id would overflow the database's integer: refused as invalid


class IdFilter(filters.NumberFilter):
    """An id or a year: an integer the database can hold (django-filter's accepts decimals)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 instant, passed to the database in UTC.

    Python reads offsets up to ±23:59, PostgreSQL refuses those beyond ±15:59 (a 500 found by
    the fuzzing test): the instant is converted, and one out of the calendar once converted
    is refused as invalid.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class InstantFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


def by_convention(field: str = "convention__slug"):
    return filters.CharFilter(field_name=field, label="CTG (identifiant, « slug »)")


class ConventionFilter(filters.FilterSet):
    departement = filters.CharFilter(field_name="departement_id", label="Département (code)")
    status = filters.CharFilter(field_name="status", label="Statut de la CTG")


class PlanNodeFilter(filters.FilterSet):
    convention = by_convention()
    level = IdFilter(field_name="level_id", label="Niveau (id)")
    level_name = filters.CharFilter(
        field_name="level__name", lookup_expr="iexact", label="Niveau (nom, ex. « Fiche action »)"
    )
    tracked = filters.BooleanFilter(field_name="level__tracked", label="Suivi chaque trimestre")
    status = filters.ChoiceFilter(
        field_name="latest_status",
        choices=UpdateStatus.choices,
        label="Statut du dernier point de suivi",
    )
    thematic = filters.CharFilter(
        field_name="thematics__code", distinct=True, label="Thématique (code)"
    )
    pilot = filters.CharFilter(
        field_name="pilots__name", lookup_expr="iexact", distinct=True, label="Pilote (nom)"
    )
    parent = IdFilter(field_name="parent_id", label="Élément parent (id)")
    root = filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label="Éléments de premier niveau"
    )
    updated_since = InstantFilter(
        field_name="updated_at", lookup_expr="gte", label="Modifiés depuis (ISO 8601)"
    )

    class Meta:
        model = PlanNode
        fields: list[str] = []


class FollowUpPointFilter(filters.FilterSet):
    convention = by_convention()
    node = IdFilter(field_name="node_id", label="Action (id)")
    year = IdFilter(field_name="year", max_value=32767)
    quarter = filters.TypedChoiceFilter(field_name="quarter", choices=QUARTERS, coerce=int)
    status = filters.ChoiceFilter(field_name="status", choices=UpdateStatus.choices)
    created_since = InstantFilter(field_name="created_at", lookup_expr="gte")


class IndicatorFilter(filters.FilterSet):
    convention = by_convention()
    node = IdFilter(field_name="node_id", label="Action (id)")
    ctg_wide = filters.BooleanFilter(
        field_name="node", lookup_expr="isnull", label="Indicateurs de toute la CTG"
    )


class MeasurementFilter(filters.FilterSet):
    convention = by_convention("indicator__convention__slug")
    indicator = IdFilter(field_name="indicator_id", label="Indicateur (id)")
    year = IdFilter(field_name="year", max_value=32767)
    quarter = filters.TypedChoiceFilter(field_name="quarter", choices=QUARTERS, coerce=int)
    created_since = InstantFilter(field_name="created_at", lookup_expr="gte")


class FacilityFilter(filters.FilterSet):
    convention = by_convention()
    kind = filters.ChoiceFilter(field_name="kind", choices=FacilityKind.choices)
    commune = filters.CharFilter(field_name="commune_id", label="Commune (code INSEE)")


class TerritoryFigureFilter(filters.FilterSet):
    convention = by_convention()
    kind = filters.ChoiceFilter(field_name="kind", choices=FigureKind.choices)
    area_kind = filters.ChoiceFilter(field_name="area_kind", choices=AreaKind.choices)
    area_code = filters.CharFilter(field_name="area_code")
    year = IdFilter(field_name="year", max_value=32767, label="Millésime")


class MeetingFilter(filters.FilterSet):
    convention = by_convention()
    kind = filters.ChoiceFilter(field_name="kind", choices=MeetingKind.choices)
    date_after = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = filters.DateFilter(field_name="date", lookup_expr="lte")


class DecisionFilter(filters.FilterSet):
    convention = by_convention("meeting__convention__slug")
    meeting = IdFilter(field_name="meeting_id", label="Réunion (id)")
    node = IdFilter(field_name="node_id", label="Élément du plan (id)")
    kind = filters.ChoiceFilter(field_name="kind", choices=DecisionKind.choices)
