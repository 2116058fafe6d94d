"""What the département view computes: the CTGs of a département with their figures.

The definitions (an action, late…) are those of pilote.monitoring.dashboard.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Q, Subquery

from pilote.plans.models import PlanNode

from .dashboard import late_filter
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

    Three queries whatever the number of CTGs and actions: the CTGs with their last update,
    then one grouped count of the actions by latest status.
    """
    from pilote.conventions.models import Convention

    now = now or Quarter.current()
    conventions = list(
        Convention.objects.filter(departement=departement)
        .select_related("epci")
        .annotate(last_update=Max("action_updates__created_at"))
        .order_by("start_date", "name")
    )
    latest = ActionUpdate.objects.filter(node=OuterRef("pk")).order_by(
        "-year", "-quarter", "-created_at", "-pk"
    )
    counts = (
        PlanNode.objects.filter(convention__in=[c.pk for c in conventions], level__tracked=True)
        .annotate(latest_status=Subquery(latest.values("status")[:1]))
        .values("convention_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(latest_status=UpdateStatus.DONE)),
            in_progress=Count("pk", filter=Q(latest_status=UpdateStatus.IN_PROGRESS)),
            late=Count("pk", filter=late_filter(now)),
        )
        .order_by()
    )
    by_convention = {row["convention_id"]: row for row in counts}
    rows = []
    for convention in conventions:
        figures = by_convention.get(convention.pk, {})
        rows.append(
            TerritoryRow(
                convention=convention,
                action_count=figures.get("total", 0),
                done=figures.get("done", 0),
                in_progress=figures.get("in_progress", 0),
                late=figures.get("late", 0),
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
