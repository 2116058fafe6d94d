"""What the dashboard, the timeline and the département view compute, in a fixed number of queries.

Definitions shared by the three pages (and worded the same on screen):

- an *action* is a node of a tracked level (see queries.tracked_nodes);
- an action is *late* when its planned end (end quarter, or T4 of its end year) is before the
  current quarter and its latest status is neither réalisée nor abandonnée (no update counts as
  not closed);
- an action has *no update this quarter* when its latest update is for an earlier quarter, or
  when it has none;
- the progress of an axis (a top-level node) is the mean progress of the latest updates of the
  actions under it (the node itself included when tracked); actions never updated are left out
  of the mean and counted apart.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.db.models import Count, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from pilote.plans.models import Indicator, IndicatorTarget, PlanNode, Thematic

from .charts import number as fr_number
from .enums import CLOSED_STATUSES, UpdateStatus
from .models import ActionUpdate, Measurement
from .periods import Quarter, convention_quarters
from .queries import LatestUpdate, latest_update_values

# Parameters of the follow-up table (monitoring:followup) that the figures link to.
FOLLOWUP_STATUS = "statut"
FOLLOWUP_LATE = "retard"
FOLLOWUP_NOT_UPDATED = "sans_point"
FOLLOWUP_THEMATIC = "thematique"
NEVER_UPDATED = "sans_point"  # the status breakdown's value for actions never updated


# --- Planned periods ---------------------------------------------------------------------------


def planned_end(end_year: int | None, end_quarter: int | None) -> Quarter | None:
    """Return the last planned quarter of an action (T4 of its end year when no quarter)."""
    return Quarter(end_year, end_quarter or 4) if end_year else None


def is_late(end_year: int | None, end_quarter: int | None, status: str | None, now: Quarter):
    """Return True if the planned end is before the current quarter and the action is open."""
    end = planned_end(end_year, end_quarter)
    return end is not None and end < now and status not in CLOSED_STATUSES


def late_filter(now: Quarter, status_field: str = "latest_status") -> Q:
    """Return the Q selecting late nodes, `status_field` being an annotation of the status."""
    ended = Q(end_year__lt=now.year) | Q(
        end_year=now.year, end_quarter__isnull=False, end_quarter__lt=now.quarter
    )
    still_open = Q(**{f"{status_field}__isnull": True}) | ~Q(
        **{f"{status_field}__in": [str(s) for s in CLOSED_STATUSES]}
    )
    return ended & still_open


# --- Reading the plan and its latest updates ---------------------------------------------------


@dataclass
class ActionRow:
    """A node of the plan with its latest update (when it is a tracked action)."""

    pk: int
    parent_id: int | None
    number: str
    title: str
    tracked: bool
    start_year: int | None
    start_quarter: int | None
    end_year: int | None
    end_quarter: int | None
    root_pk: int = 0
    latest_values: tuple | None = None  # see queries.latest_update_values
    thematic_ids: tuple[int, ...] = ()
    url: str = ""

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def latest(self) -> LatestUpdate | None:
        values = self.latest_values
        return None if values is None else LatestUpdate(*values)

    @property
    def status(self) -> str | None:
        latest = self.latest
        return latest.status if latest else None

    @property
    def status_label(self) -> str:
        latest = self.latest
        return latest.status_label if latest else "Sans point de suivi"

    @property
    def progress(self) -> int | None:
        latest = self.latest
        return latest.progress if latest else None

    @property
    def status_class(self) -> str:
        return self.status or NEVER_UPDATED

    @property
    def short_title(self) -> str:
        return self.title if len(self.title) <= 80 else self.title[:79] + "…"

    @property
    def status_text(self) -> str:
        """Return the latest status as a sentence ("En cours, 40 % en T2 2026")."""
        latest = self.latest
        if latest is None:
            return self.status_label
        return f"{latest.status_label}, {latest.progress} % en {latest.period_label}"

    @property
    def period_label(self) -> str:
        start = f"T{self.start_quarter} {self.start_year}" if self.start_quarter else ""
        end = f"T{self.end_quarter} {self.end_year}" if self.end_quarter else ""
        start = start or (str(self.start_year) if self.start_year else "")
        end = end or (str(self.end_year) if self.end_year else "")
        if start and end and start != end:
            return f"{start} – {end}"
        return start or end


@dataclass
class PlanSnapshot:
    """The plan of a CTG in plan order, with the latest update of each action."""

    rows: list[ActionRow]
    by_pk: dict[int, ActionRow]
    roots: list[ActionRow]

    @property
    def actions(self) -> list[ActionRow]:
        return [row for row in self.rows if row.tracked]


def load_snapshot(convention, *, with_thematics: bool = False) -> PlanSnapshot:
    """Return the plan and the latest updates of a CTG (two or three queries, no instance)."""
    values = PlanNode.objects.filter(convention=convention).values_list(
        "pk",
        "parent_id",
        "position",
        "number",
        "title",
        "level__tracked",
        "start_year",
        "start_quarter",
        "end_year",
        "end_quarter",
    )
    children: dict[int | None, list[tuple[int, ActionRow]]] = defaultdict(list)
    by_pk: dict[int, ActionRow] = {}
    for pk, parent_id, position, number, title, tracked, sy, sq, ey, eq in values:
        row = ActionRow(pk, parent_id, number, title, tracked, sy, sq, ey, eq)
        by_pk[pk] = row
        children[parent_id].append((position, row))
    # Orphans (a parent of another CTG cannot exist, but be safe) are treated as roots.
    for parent_id in list(children):
        if parent_id is not None and parent_id not in by_pk:
            children[None].extend(children.pop(parent_id))
    ordered: list[ActionRow] = []
    stack = [(row, row.pk) for _, row in sorted(children[None], key=_sibling_key, reverse=True)]
    while stack:
        row, root_pk = stack.pop()
        row.root_pk = root_pk
        ordered.append(row)
        kids = sorted(children.get(row.pk, []), key=_sibling_key, reverse=True)
        stack.extend((child, root_pk) for _, child in kids)
    for node_id, values in latest_update_values(convention).items():
        if node_id in by_pk:
            by_pk[node_id].latest_values = values
    if with_thematics:
        links = (
            PlanNode.thematics.through.objects.filter(plannode__convention=convention)
            .order_by("plannode_id")
            .values_list("plannode_id", "thematic_id")
        )
        for node_id, group in groupby(links, itemgetter(0)):
            by_pk[node_id].thematic_ids = tuple(thematic_id for _, thematic_id in group)
    roots = [row for row in ordered if row.root_pk == row.pk]
    return PlanSnapshot(rows=ordered, by_pk=by_pk, roots=roots)


def _sibling_key(item: tuple[int, ActionRow]) -> tuple[int, int]:
    return item[0], item[1].pk


# --- Indicators --------------------------------------------------------------------------------


@dataclass
class YearPoint:
    year: int
    target: Decimal | None
    measurements: list[Measurement]

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def off_target(self) -> bool:
        latest = self.latest
        return latest is not None and self.target is not None and latest.value < self.target


@dataclass
class IndicatorSeries:
    """An indicator with its measurements and targets, year by year."""

    indicator: Indicator
    years: list[YearPoint]

    @property
    def measurements(self) -> list[Measurement]:
        return [m for point in self.years for m in point.measurements]

    @property
    def latest(self) -> Measurement | None:
        measurements = self.measurements
        return measurements[-1] if measurements else None

    @property
    def judged_point(self) -> YearPoint | None:
        """Return the latest year that has both a target and a measurement."""
        judged = [p for p in self.years if p.target is not None and p.latest is not None]
        return judged[-1] if judged else None

    @property
    def off_target(self) -> bool:
        point = self.judged_point
        return point is not None and point.off_target


def measurement_order(measurement: Measurement) -> tuple:
    """Return the sort key of a measurement: a yearly value counts as the end of its year."""
    return measurement.year, measurement.quarter or 4, measurement.created_at, measurement.pk


def build_series(indicator: Indicator, years: list[int]) -> IndicatorSeries:
    """Return the series of an indicator whose targets and measurements are prefetched."""
    targets = {target.year: target.value for target in indicator.targets.all()}
    by_year: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in sorted(indicator.measurements.all(), key=measurement_order):
        by_year[measurement.year].append(measurement)
    all_years = sorted(set(years) | set(targets) | set(by_year))
    return IndicatorSeries(
        indicator=indicator,
        years=[YearPoint(year, targets.get(year), by_year.get(year, [])) for year in all_years],
    )


def indicator_queryset(convention):
    """Return the CTG's indicators with their targets and measurements (three queries)."""
    return (
        Indicator.objects.filter(convention=convention)
        .select_related("node")
        .prefetch_related("targets", "measurements")
        .order_by("node_id", "position", "pk")
    )


def convention_series(convention) -> list[IndicatorSeries]:
    """Return the series of every indicator of the CTG, CTG-wide ones first, then by action."""
    years = convention.years
    series = [build_series(indicator, years) for indicator in indicator_queryset(convention)]
    series.sort(key=lambda s: (s.indicator.node_id is not None, s.indicator.position))
    return series


# --- Dashboard ---------------------------------------------------------------------------------


@dataclass
class ProgressGroup:
    """An axis or a thematic: its actions, those with an update, their mean progress."""

    key: str
    label: str
    action_count: int = 0
    updated_count: int = 0
    progress_sum: int = 0
    pk: int | None = None
    url: str = ""  # an axis's page (set by the view)
    # By latest status, and late (see is_late): "en retard" overlaps the statuses.
    done_count: int = 0
    in_progress_count: int = 0
    late_count: int = 0

    @property
    def mean_progress(self) -> int | None:
        if not self.updated_count:
            return None
        return round(self.progress_sum / self.updated_count)

    def add(self, progress: int | None, status: str | None = None, *, late: bool = False) -> None:
        """Count an action, with the progress and status of its latest update (None without)."""
        self.action_count += 1
        if progress is not None:
            self.updated_count += 1
            self.progress_sum += progress
        if status == UpdateStatus.DONE:
            self.done_count += 1
        elif status == UpdateStatus.IN_PROGRESS:
            self.in_progress_count += 1
        if late:
            self.late_count += 1


@dataclass
class StatusCount:
    value: str
    label: str
    count: int


@dataclass
class Dashboard:
    now: Quarter
    action_count: int
    axes: list[ProgressGroup]
    thematics: list[ProgressGroup]
    statuses: list[StatusCount]
    late: list[ActionRow]
    not_updated: list[ActionRow]
    off_target: list[OffTargetIndicator]
    indicator_count: int
    last_update: datetime.datetime | None
    in_period: bool

    @property
    def overall(self) -> ProgressGroup:
        total = ProgressGroup("all", "Toutes les actions")
        for axis in self.axes:
            total.action_count += axis.action_count
            total.updated_count += axis.updated_count
            total.progress_sum += axis.progress_sum
            total.done_count += axis.done_count
            total.in_progress_count += axis.in_progress_count
            total.late_count += axis.late_count
        return total


def build_dashboard(convention, *, now: Quarter | None = None) -> Dashboard:
    """Return the figures of a CTG's dashboard (a fixed number of queries, no instance per row)."""
    now = now or Quarter.current()
    snapshot = load_snapshot(convention, with_thematics=True)
    actions = snapshot.actions

    axes: dict[int, ProgressGroup] = {}
    for root in snapshot.roots:
        axes[root.pk] = ProgressGroup(
            key=str(root.pk), label=str(root) or "(sans intitulé)", pk=root.pk
        )
    thematic_ids = {tid for row in actions for tid in row.thematic_ids}
    thematic_values = {
        pk: (code, label)
        for pk, code, label in Thematic.objects.filter(pk__in=thematic_ids).values_list(
            "pk", "code", "label"
        )
    }
    thematics: dict[int, ProgressGroup] = {}
    counts: dict[str, int] = defaultdict(int)
    late, not_updated = [], []
    last_update = None
    for row in actions:
        latest = row.latest
        status, progress = (latest.status, latest.progress) if latest else (None, None)
        row_late = is_late(row.end_year, row.end_quarter, status, now)
        axes[row.root_pk].add(progress, status, late=row_late)
        for tid in row.thematic_ids:
            group = thematics.get(tid)
            if group is None:
                code, label = thematic_values[tid]
                group = thematics[tid] = ProgressGroup(key=code, label=label, pk=tid)
            group.add(progress, status, late=row_late)
        counts[status or NEVER_UPDATED] += 1
        if row_late:
            late.append(row)
        if latest is None or Quarter(latest.year, latest.quarter) < now:
            not_updated.append(row)
        if latest is not None and (last_update is None or latest.created_at > last_update):
            last_update = latest.created_at

    statuses = [
        StatusCount(value, label, counts.get(value, 0)) for value, label in UpdateStatus.choices
    ]
    statuses.append(StatusCount(NEVER_UPDATED, "Sans point de suivi", counts.get(NEVER_UPDATED, 0)))
    indicator_count, off_target = off_target_indicators(convention)
    quarters = convention_quarters(convention)
    return Dashboard(
        now=now,
        action_count=len(actions),
        axes=[axis for axis in axes.values() if axis.action_count],
        thematics=sorted(thematics.values(), key=lambda g: g.label),
        statuses=statuses,
        late=late,
        not_updated=not_updated,
        off_target=off_target,
        indicator_count=indicator_count,
        last_update=last_update,
        in_period=bool(quarters) and quarters[0] <= now <= quarters[-1],
    )


@dataclass(slots=True)
class OffTargetIndicator:
    """An indicator below its target: the latest measurement of its latest judged year."""

    pk: int
    name: str
    unit: str
    action: str | None  # the action it measures ("1.2 Ouvrir…"), None for the CTG's own
    year: int
    target: Decimal
    value: Decimal
    period_label: str  # of the measurement: "T2 2026", or "2026" for a yearly value
    url: str = ""

    @property
    def summary(self) -> str:
        """Return the measurement against the target ("18 familles en 2025, pour une cible…")."""
        unit = f" {self.unit}" if self.unit else ""
        return (
            f"{fr_number(self.value)}{unit} en {self.period_label}, "
            f"pour une cible {self.year} de {fr_number(self.target)}"
        )


def off_target_indicators(convention) -> tuple[int, list[OffTargetIndicator]]:
    """Return the number of indicators of the CTG and those below their target (three queries).

    The same judgement as IndicatorSeries.off_target, read as values: the dashboard needs no
    series, only the verdict, and building 1,000 model instances for it took 30 ms.
    """
    targets = {
        (indicator_id, year): value
        for indicator_id, year, value in IndicatorTarget.objects.filter(
            indicator__convention=convention
        ).values_list("indicator_id", "year", "value")
    }
    # The latest measurement of each indicator and year, in the order of measurement_order.
    latest: dict[tuple[int, int], tuple[int | None, Decimal]] = {}
    for indicator_id, year, quarter, value in (
        Measurement.objects.filter(indicator__convention=convention)
        .order_by("indicator_id", "year", Coalesce("quarter", Value(4)), "created_at", "pk")
        .values_list("indicator_id", "year", "quarter", "value")
    ):
        latest[indicator_id, year] = (quarter, value)
    judged: dict[int, int] = {}  # the latest year with a target and a measurement
    for indicator_id, year in latest.keys() & targets.keys():
        judged[indicator_id] = max(year, judged.get(indicator_id, year))
    rows = (
        Indicator.objects.filter(convention=convention)
        .order_by("node_id", "position", "pk")
        .values_list("pk", "node_id", "position", "name", "unit", "node__number", "node__title")
    )
    count, below = 0, []
    for pk, node_id, position, name, unit, number, title in rows:
        count += 1
        year = judged.get(pk)
        if year is None:
            continue
        quarter, value = latest[pk, year]
        target = targets[pk, year]
        if value < target:
            below.append(
                (
                    (node_id is not None, position),
                    OffTargetIndicator(
                        pk=pk,
                        name=name,
                        unit=unit,
                        action=None if node_id is None else f"{number} {title}".strip(),
                        year=year,
                        target=target,
                        value=value,
                        period_label=f"T{quarter} {year}" if quarter else str(year),
                    ),
                )
            )
    # CTG-wide indicators first, then by position, as on the indicators' page.
    below.sort(key=lambda item: item[0])
    return count, [item for _, item in below]


# --- Timeline ----------------------------------------------------------------------------------


@dataclass
class TimelineBar:
    row: ActionRow
    first: int  # index of the first quarter column (0-based), or None without a period
    last: int
    starts_before: bool = False
    ends_after: bool = False
    open_end: bool = False
    text: str = ""

    @property
    def grid_start(self) -> int:
        return self.first + 1

    @property
    def grid_end(self) -> int:
        return self.last + 2


@dataclass
class TimelineGroup:
    root: ActionRow
    bars: list[TimelineBar]
    unplanned: list[ActionRow]


@dataclass
class Timeline:
    quarters: list[Quarter]
    years: list[tuple[int, int, int]]  # (year, first column, number of columns)
    now_index: int | None
    groups: list[TimelineGroup]
    now_column: int | None = None

    @property
    def action_count(self) -> int:
        return sum(len(g.bars) + len(g.unplanned) for g in self.groups)


def build_timeline(convention, *, now: Quarter | None = None) -> Timeline:
    """Return the tracked actions as bars over the CTG's quarters, grouped by top-level node."""
    now = now or Quarter.current()
    quarters = convention_quarters(convention)
    index = {quarter: i for i, quarter in enumerate(quarters)}
    snapshot = load_snapshot(convention)
    groups: dict[int, TimelineGroup] = {}
    for row in snapshot.actions:
        group = groups.setdefault(row.root_pk, TimelineGroup(snapshot.by_pk[row.root_pk], [], []))
        bar = _bar(row, quarters, index)
        if bar is None:
            group.unplanned.append(row)
        else:
            group.bars.append(bar)
    years: list[tuple[int, int, int]] = []
    for i, quarter in enumerate(quarters):
        if years and years[-1][0] == quarter.year:
            year, first, count = years[-1]
            years[-1] = (year, first, count + 1)
        else:
            years.append((quarter.year, i, 1))
    now_index = index.get(now)
    return Timeline(
        quarters=quarters,
        years=years,
        now_index=now_index,
        groups=list(groups.values()),
        now_column=None if now_index is None else now_index + 1,
    )


def _bar(row: ActionRow, quarters: list[Quarter], index: dict[Quarter, int]) -> TimelineBar | None:
    if not quarters or not (row.start_year or row.end_year):
        return None
    start = Quarter(row.start_year, row.start_quarter or 1) if row.start_year else quarters[0]
    end = planned_end(row.end_year, row.end_quarter)
    open_end = end is None
    end = end or quarters[-1]
    if end < start:
        start, end = end, start
    first = index.get(max(start, quarters[0]), 0)
    last = index.get(min(end, quarters[-1]), len(quarters) - 1)
    if end < quarters[0] or start > quarters[-1]:
        return None
    if open_end:
        text = f"Prévue à partir de {start}, sans fin prévue (jusqu'à la fin de la CTG, {end})"
    elif start == end:
        text = f"Prévue en {start}"
    else:
        text = f"Prévue de {start} à {end}"
    return TimelineBar(
        row=row,
        first=first,
        last=last,
        starts_before=start < quarters[0],
        ends_after=end > quarters[-1],
        open_end=open_end,
        text=text,
    )


# --- Département -------------------------------------------------------------------------------


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
