"""What the « Journal » pages read: the audit events of a CTG or of a département, filtered.

The events are written by pilote.accounts.audit; the pages live here, in conventions, because
who may read a CTG's journal depends on the CTG (its département, its coordination), which
accounts, below conventions, cannot read.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from pilote.accounts.enums import AuditAction, Role
from pilote.accounts.models import AuditEvent, User
from pilote.core import table_writers

from .forms import DateInput, PiloteForm

# Events of a session, outside any CTG: a CTG's journal shows those of the people of the CTG.
CONNECTION_ACTIONS = [
    AuditAction.LOGIN,
    AuditAction.LOGIN_FAILED,
    AuditAction.LOCKED_OUT,
    AuditAction.LOGOUT,
    AuditAction.SESSION_EXPIRED,
]


def convention_events(convention) -> QuerySet[AuditEvent]:
    """Return the events of one CTG and the logins of the people who hold a role in it."""
    members = User.objects.filter(memberships__convention=convention).values("pk")
    return AuditEvent.objects.filter(
        Q(convention=convention)
        | Q(convention__isnull=True, action__in=CONNECTION_ACTIONS, user__in=members)
    ).order_by("-at", "-pk")


def departement_events(departement) -> QuerySet[AuditEvent]:
    """Return the events of a département: those of its CTGs, and the logins of its people.

    Its people: its Caf advisers, and whoever holds a role in one of its CTGs.
    """
    people = User.objects.filter(
        Q(memberships__role=Role.CAF_ADVISER, memberships__departement=departement)
        | Q(memberships__convention__departement=departement)
    ).values("pk")
    return (
        AuditEvent.objects.filter(
            Q(departement=departement) | Q(convention__isnull=True, user__in=people)
        )
        .select_related("convention")
        .order_by("-at", "-pk")
    )


class JournalFilterForm(PiloteForm):
    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "La date « Jusqu’au » précède la date « Depuis le ».")
        return cleaned


class JournalFilter(django_filters.FilterSet):
    """Filter the events by action, person and period."""

    action = django_filters.ChoiceFilter(
        label="Action", choices=AuditAction.choices, empty_label="Toutes"
    )
    person = django_filters.CharFilter(
        label="Personne (nom ou identifiant)", field_name="user_name", lookup_expr="icontains"
    )
    start = django_filters.DateFilter(label="Depuis le", method="filter_start", widget=DateInput())
    end = django_filters.DateFilter(label="Jusqu’au", method="filter_end", widget=DateInput())

    class Meta:
        model = AuditEvent
        fields = ["action", "person", "start", "end"]
        form = JournalFilterForm

    # Compared with the start of a day in the local time zone, not through a date of each
    # row: the index on `at` then serves the period.
    def filter_start(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(at__gte=_day_start(value))

    def filter_end(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(at__lt=_day_start(value + timedelta(days=1)))


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def details_text(event: AuditEvent) -> str:
    """Return the details of an event as one line of text ("raison : inactivite ; …")."""
    details = event.details if isinstance(event.details, dict) else {}
    return " ; ".join(f"{key} : {value}" for key, value in details.items())


def journal_table(title: str, events, *, with_convention: bool) -> table_writers.TableExport:
    """Return the events as a table for core.table_writers (CSV, XLSX)."""
    columns = [
        ("Date", 20, lambda e: f"{timezone.localtime(e.at):%d/%m/%Y %H:%M:%S}"),
        ("Personne", 30, lambda e: e.user_name),
        ("Action", 22, lambda e: e.get_action_display()),
    ]
    if with_convention:
        columns.append(("CTG", 40, lambda e: e.convention.name if e.convention else ""))
    columns += [
        ("Objet", 40, lambda e: e.target),
        ("Adresse IP", 18, lambda e: e.ip_address or ""),
        ("Détails", 50, details_text),
    ]
    return table_writers.TableExport(title=title, sheet="Journal", columns=columns, rows=events)


# The journal's export formats (core.table_writers).
EXPORT_FORMATS = {key: table_writers.FORMATS[key] for key in ("csv", "xlsx")}
