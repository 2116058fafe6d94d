"""What the dashboard computes, in a fixed number of queries; the timeline (timeline.py) and
the département view (departement.py) build on it.

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
from functools import cached_property
from html import escape
from itertools import groupby
from operator import itemgetter

from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe

from pilote.core.formats import french_percent
from pilote.core.units import with_unit
from pilote.plans.models import Indicator, IndicatorTarget, PlanNode, Thematic
from pilote.plans.visibility import indicator_condition

from .enums import CLOSED_STATUSES, UpdateStatus
from .models import Measurement
from .periods import Quarter, convention_quarters
from .queries import LatestUpdate, latest_update_values
from .standing import IndicatorStanding, Point, indicator_standing, measurement_key, point_of

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
        return f"{latest.status_label}, {french_percent(latest.progress)} en {latest.period_label}"

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


def load_snapshot(
    convention, *, include_internal: bool, with_thematics: bool = False
) -> PlanSnapshot:
    """Return the plan and the latest updates of a CTG (two or three queries, no instance).

    include_internal: with the internal elements and updates, for an editor (plans.visibility).
    """
    values = (
        PlanNode.objects.filter(convention=convention)
        .shown(include_internal)
        .values_list(
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
    latest = latest_update_values(convention, include_internal=include_internal)
    for node_id, values in latest.items():
        if node_id in by_pk:
            by_pk[node_id].latest_values = values
    if with_thematics:
        links = (
            PlanNode.thematics.through.objects.filter(plannode__convention=convention)
            .order_by("plannode_id")
            .values_list("plannode_id", "thematic_id")
        )
        for node_id, group in groupby(links, itemgetter(0)):
            if node_id not in by_pk:  # an internal element, not shown
                continue
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

    @cached_property
    def standing(self) -> IndicatorStanding:
        """Return the latest value judged against its year's target (see monitoring.standing)."""
        targets = {p.year: p.target for p in self.years if p.target is not None}
        return indicator_standing((point_of(m) for m in self.measurements), targets)

    @property
    def off_target(self) -> bool:
        return self.standing.off_target


def measurement_order(measurement: Measurement) -> tuple:
    """Return the sort key of a measurement: a yearly value counts as the end of its year."""
    return measurement_key(
        measurement.year, measurement.quarter, measurement.created_at, measurement.pk
    )


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


def indicator_queryset(convention, *, include_internal: bool):
    """Return the CTG's indicators with their targets and measurements (three queries).

    Without include_internal, those of internal elements are left out (plans.visibility).
    """
    return (
        Indicator.objects.filter(indicator_condition(include_internal), convention=convention)
        .select_related("node")
        .prefetch_related("targets", "measurements")
        .order_by("node_id", "position", "pk")
    )


def convention_series(convention, *, include_internal: bool) -> list[IndicatorSeries]:
    """Return the series of every indicator of the CTG, CTG-wide ones first, then by action."""
    years = convention.years
    indicators = indicator_queryset(convention, include_internal=include_internal)
    series = [build_series(indicator, years) for indicator in indicators]
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


def build_dashboard(convention, *, include_internal: bool, now: Quarter | None = None) -> Dashboard:
    """Return the figures of a CTG's dashboard (a fixed number of queries, no instance per row).

    Without include_internal, nothing internal is counted (plans.visibility).
    """
    now = now or Quarter.current()
    snapshot = load_snapshot(convention, with_thematics=True, include_internal=include_internal)
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
    indicator_count, off_target = off_target_indicators(
        convention, include_internal=include_internal
    )
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
    """An indicator whose latest value is below the target of its year."""

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
        return (
            f"{with_unit(self.value, self.unit)} en {self.period_label}, "
            f"pour une cible {self.year} de {with_unit(self.target, self.unit)}"
        )


def off_target_indicators(
    convention, *, include_internal: bool
) -> tuple[int, list[OffTargetIndicator]]:
    """Return the number of indicators of the CTG and those below their target (three queries).

    The same judgement as IndicatorSeries.off_target (monitoring.standing), read as values: the
    dashboard needs no series, only the verdict, and building 1,000 model instances took 30 ms.
    """
    targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for indicator_id, year, value in IndicatorTarget.objects.filter(
        indicator__convention=convention
    ).values_list("indicator_id", "year", "value"):
        targets[indicator_id][year] = value
    points: dict[int, list[Point]] = defaultdict(list)
    for indicator_id, pk, year, quarter, value, created_at in Measurement.objects.filter(
        indicator__convention=convention
    ).values_list("indicator_id", "pk", "year", "quarter", "value", "created_at"):
        points[indicator_id].append(Point(year, quarter, value, created_at, pk))
    rows = (
        Indicator.objects.filter(indicator_condition(include_internal), convention=convention)
        .order_by("node_id", "position", "pk")
        .values_list("pk", "node_id", "position", "name", "unit", "node__number", "node__title")
    )
    count, below = 0, []
    for pk, node_id, position, name, unit, number, title in rows:
        count += 1
        standing = indicator_standing(points.get(pk, ()), targets.get(pk, {}))
        if standing.off_target:
            below.append(
                (
                    (node_id is not None, position),
                    OffTargetIndicator(
                        pk=pk,
                        name=name,
                        unit=unit,
                        action=None if node_id is None else f"{number} {title}".strip(),
                        year=standing.year,
                        target=standing.target,
                        value=standing.value,
                        period_label=standing.period_label,
                    ),
                )
            )
    # CTG-wide indicators first, then by position, as on the indicators' page.
    below.sort(key=lambda item: item[0])
    return count, [item for _, item in below]


def off_target_html(items: list[OffTargetIndicator]) -> SafeString:
    """Return the list items of the indicators below their target (values escaped here).

    A CTG may list hundreds of them; written in one pass, as the timeline's bars are.
    """
    out = []
    for item in items:
        action = (
            f' <span class="fr-hint-text">Action {escape(item.action)}</span>'
            if item.action is not None
            else ""
        )
        out.append(
            f'<li><a href="{escape(item.url)}">{escape(item.name)}</a> : '
            f"{escape(item.summary)}{action}</li>"
        )
    return mark_safe("".join(out))  # every value is escaped above
