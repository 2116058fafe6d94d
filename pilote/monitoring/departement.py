"""What the département view computes: the CTGs of a département with their figures.

The definitions (an action, late…) are those of pilote.monitoring.dashboard.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

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


def departement_rows(departement, *, now: Quarter | None = None) -> list[TerritoryRow]:
    """Return the CTGs of a département with their figures, those needing help first.

    Two queries whatever the number of CTGs and actions: the CTGs with their last update (read
    from the end of an index per CTG), then each action's planned end and latest status, counted
    here. Counting in SQL repeated the latest-status subquery once per figure and grouped every
    update of the département's CTGs for the last one (0.5 s for the 28 CTGs of the Gironde).
    """
    from pilote.conventions.models import Convention

    now = now or Quarter.current()
    last_update = ActionUpdate.objects.filter(convention=OuterRef("pk")).order_by("-created_at")
    conventions = list(
        Convention.objects.filter(departement=departement)
        .select_related("epci")
        .annotate(last_update=Subquery(last_update.values("created_at")[:1]))
        .order_by("start_date", "name")
    )
    latest = ActionUpdate.objects.filter(node=OuterRef("pk")).order_by(
        "-year", "-quarter", "-created_at", "-pk"
    )
    actions = (
        PlanNode.objects.filter(convention__in=[c.pk for c in conventions], level__tracked=True)
        .annotate(latest_status=Subquery(latest.values("status")[:1]))
        .order_by()
        .values_list("convention_id", "end_year", "end_quarter", "latest_status")
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    for convention_id, end_year, end_quarter, status in actions:
        figures = counts[convention_id]
        figures["total"] += 1
        figures[status] += 1
        figures["late"] += is_late(end_year, end_quarter, status, now)
    rows = []
    for convention in conventions:
        figures = counts[convention.pk]
        rows.append(
            TerritoryRow(
                convention=convention,
                action_count=figures["total"],
                done=figures[UpdateStatus.DONE],
                in_progress=figures[UpdateStatus.IN_PROGRESS],
                late=figures["late"],
                last_update=convention.last_update,
            )
        )
    rows.sort(key=_needs_help_key)
    return rows


def _needs_help_key(row: TerritoryRow) -> tuple:
    # Most late first; then the longest without an update (never updated first); then the
    # fewest actions done.
    last = row.last_update.timestamp() if row.last_update else float("-inf")
    return (-(row.late_share or 0), last, row.done_share or 0, row.convention.name)
