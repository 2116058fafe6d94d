"""What the département view computes: the CTGs of a département with their figures.

The definitions (an action, late…) are those of pilote.monitoring.dashboard.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from pilote.conventions.models import Convention
from pilote.core.fragments import values_per_ctg
from pilote.plans.models import PlanNode

from .dashboard import is_late
from .enums import UpdateStatus
from .models import ActionUpdate
from .periods import Quarter


@dataclass
class TerritoryRow:
    convention: object
    action_count: int
    done: int
    in_progress: int
    late: int
    last_update: datetime.datetime | None

    def share(self, count: int) -> int | None:
        return round(100 * count / self.action_count) if self.action_count else None

    @property
    def done_share(self) -> int | None:
        return self.share(self.done)

    @property
    def in_progress_share(self) -> int | None:
        return self.share(self.in_progress)

    @property
    def late_share(self) -> int | None:
        return self.share(self.late)

    @classmethod
    def of(cls, convention, figures: Counter) -> TerritoryRow:
        return cls(
            convention=convention,
            action_count=figures["total"],
            done=figures[UpdateStatus.DONE],
            in_progress=figures[UpdateStatus.IN_PROGRESS],
            late=figures["late"],
            last_update=convention.last_update,
        )


@dataclass
class DepartementRow(TerritoryRow):
    """The CTGs of a département (or of France, departement None) added up."""

    convention: object = None
    action_count: int = 0
    done: int = 0
    in_progress: int = 0
    late: int = 0
    last_update: datetime.datetime | None = None
    departement: object = None
    ctg_count: int = 0
    never_updated: int = 0  # CTGs without any follow-up point

    def add(self, convention, figures: Counter) -> None:
        self.ctg_count += 1
        self.action_count += figures["total"]
        self.done += figures[UpdateStatus.DONE]
        self.in_progress += figures[UpdateStatus.IN_PROGRESS]
        self.late += figures["late"]
        if convention.last_update is None:
            self.never_updated += 1
        elif self.last_update is None or convention.last_update > self.last_update:
            self.last_update = convention.last_update


def departement_rows(departement, *, now: Quarter | None = None) -> list[TerritoryRow]:
    """Return the CTGs of a département with their figures, those needing help first.

    Two queries whatever the number of CTGs and actions (the figures of a CTG are then kept per
    version of the CTG, see ctg_counts): the CTGs with their last update (read from the end of
    an index per CTG), then each action's planned end and latest status, counted here. Counting
    in SQL repeated the latest-status subquery once per figure and grouped every update of the
    département's CTGs for the last one (0.5 s for the 28 CTGs of the Gironde).
    """
    now = now or Quarter.current()
    conventions = list(
        _with_last_update(Convention.objects.filter(departement=departement))
        .select_related("epci")
        .order_by("start_date", "name")
    )
    counts = ctg_counts(conventions, now)
    rows = [
        TerritoryRow.of(convention, counts.get(convention.pk, Counter()))
        for convention in conventions
    ]
    rows.sort(key=_needs_help_key)
    return rows


def national_rows(*, now: Quarter | None = None) -> tuple[list[DepartementRow], DepartementRow]:
    """Return the figures of every département that has a CTG, and those of France.

    The CTGs' figures come from ctg_counts (kept per version of each CTG), so the page costs
    one read of the 1,255 CTGs and of the cache once warm; départements in code order.
    """
    now = now or Quarter.current()
    conventions = list(
        _with_last_update(Convention.objects.select_related("departement")).order_by(
            "departement_id", "pk"
        )
    )
    counts = ctg_counts(conventions, now)
    by_departement: dict[str, DepartementRow] = {}
    total = DepartementRow(departement=None)
    for convention in conventions:
        row = by_departement.get(convention.departement_id)
        if row is None:
            row = by_departement[convention.departement_id] = DepartementRow(
                departement=convention.departement
            )
        figures = counts.get(convention.pk, Counter())
        row.add(convention, figures)
        total.add(convention, figures)
    return list(by_departement.values()), total


def ctg_counts(conventions: list, now: Quarter) -> dict[int, Counter]:
    """Return each CTG's actions: total, by latest status and late, kept per CTG version.

    Late depends on the date through the current quarter alone (is_late): the counts are kept
    for the quarter, so that the national view's first reading of a day finds them.
    """
    return values_per_ctg(
        "action-counts",
        conventions,
        lambda missing: _count(missing, now),
        variant=str(now),
        daily=False,
    )


def _count(conventions: list, now: Quarter) -> dict[int, Counter]:
    latest = ActionUpdate.objects.filter(node=OuterRef("pk")).order_by(
        "-year", "-quarter", "-created_at", "-pk"
    )
    actions = (
        PlanNode.objects.filter(convention__in=[c.pk for c in conventions], level__tracked=True)
        .annotate(latest_status=Subquery(latest.values("status")[:1]))
        .order_by()
        .values_list("convention_id", "end_year", "end_quarter", "latest_status")
    )
    counts: dict[int, Counter] = {c.pk: Counter() for c in conventions}
    for convention_id, end_year, end_quarter, status in actions:
        figures = counts[convention_id]
        figures["total"] += 1
        figures[status] += 1
        figures["late"] += is_late(end_year, end_quarter, status, now)
    return counts


def _with_last_update(conventions):
    last_update = ActionUpdate.objects.filter(convention=OuterRef("pk")).order_by("-created_at")
    return conventions.annotate(last_update=Subquery(last_update.values("created_at")[:1]))


def _needs_help_key(row: TerritoryRow) -> tuple:
    # Most late first; then the longest without an update (never updated first); then the
    # fewest actions done.
    last = row.last_update.timestamp() if row.last_update else float("-inf")
    return (-(row.late_share or 0), last, row.done_share or 0, row.convention.name)
