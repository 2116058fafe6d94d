"""What the "en bref" page of a CTG shows to the members of its COPIL, in a fixed number of queries.

Every figure comes from pilote.monitoring.dashboard, the same as the dashboard's: an axis's
progress, what is late and what is below its target are defined there once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from pilote.conventions.models import Convention
from pilote.core.units import with_unit
from pilote.governance.bodies.queries import next_copil_date
from pilote.monitoring.dashboard import (
    Dashboard,
    IndicatorSeries,
    build_dashboard,
    convention_series,
)
from pilote.territories.population import Population, population_of

# The page shows this many key indicators at most, and tries to show at least MIN.
KEY_INDICATORS_MAX = 6
KEY_INDICATORS_MIN = 3


@dataclass(frozen=True)
class Territory:
    epci: str
    commune_count: int
    population: Population  # territories.population: population municipale and millésime


@dataclass(frozen=True)
class KeyIndicator:
    """An indicator as the short pages show it: its latest value against a target."""

    name: str
    unit: str
    action: str  # "1.2 Ouvrir…" for an action's indicator, "" for the CTG's own
    value: Decimal | None
    value_period: str
    target: Decimal | None
    target_year: int | None
    off_target: bool

    @property
    def value_text(self) -> str:
        return with_unit(self.value, self.unit) if self.value is not None else "pas de mesure"

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "pas de cible"
        return f"cible {self.target_year} : {with_unit(self.target, self.unit)}"


@dataclass
class Brief:
    board: Dashboard
    territory: Territory
    indicators: list[KeyIndicator]
    next_copil: datetime.date | None
    last_update: datetime.datetime | None


def build_brief(convention: Convention, *, include_internal: bool) -> Brief:
    """Return what the "en bref" page shows (13 queries whatever the plan's size).

    include_internal: with the internal items, for an editor (pilote.plans.visibility).
    """
    board = build_dashboard(convention, include_internal=include_internal)
    series = convention_series(convention, include_internal=include_internal)
    return Brief(
        board=board,
        territory=territory(convention),
        indicators=key_indicators(board, series),
        next_copil=next_copil_date(convention),
        last_update=last_update(board, series),
    )


def territory(convention: Convention) -> Territory:
    """Return the CTG's EPCI, its number of communes and their population (one query)."""
    population = population_of(convention.communes.all())
    return Territory(
        epci=convention.epci.name if convention.epci_id else "",
        commune_count=population.commune_count,
        population=population,
    )


def key_indicators(board: Dashboard, series: list[IndicatorSeries]) -> list[KeyIndicator]:
    """Return the CTG's own indicators, then the actions' ones below their target.

    When that makes fewer than KEY_INDICATORS_MIN, the actions' measured indicators fill in.
    """
    by_pk = {item.indicator.pk: item for item in series}
    chosen = [
        item
        for item in series
        if item.indicator.node_id is None and (item.latest or item.indicator.targets.all())
    ]
    chosen += [by_pk[item.pk] for item in board.off_target if item.action is not None]
    if len(chosen) < KEY_INDICATORS_MIN:
        taken = {item.indicator.pk for item in chosen}
        chosen += [s for s in series if s.latest is not None and s.indicator.pk not in taken]
        chosen = chosen[:KEY_INDICATORS_MIN]
    return [key_indicator(item) for item in chosen[:KEY_INDICATORS_MAX]]


def key_indicator(item: IndicatorSeries, *, today: datetime.date | None = None) -> KeyIndicator:
    """Return an indicator's latest value and the target it is judged against.

    Both come from IndicatorSeries.standing (the target of the latest value's year); without a
    judged value, the page shows the first target still ahead, else the last one.
    """
    indicator, standing = item.indicator, item.standing
    if standing.judged:
        target_year, target = standing.year, standing.target
    else:
        year = (today or timezone.localdate()).year
        targets = [(p.year, p.target) for p in item.years if p.target is not None]
        ahead = [pair for pair in targets if pair[0] >= year]
        target_year, target = (ahead or targets[-1:] or [(None, None)])[0]
    node = indicator.node
    return KeyIndicator(
        name=indicator.name,
        unit=indicator.unit,
        action=f"{node.number} {node.title}".strip() if node else "",
        value=standing.value,
        value_period=standing.period_label,
        target=target,
        target_year=target_year,
        off_target=standing.off_target,
    )


def last_update(board: Dashboard, series: list[IndicatorSeries]) -> datetime.datetime | None:
    """Return when the follow-up last moved: the latest action update or measurement saved."""
    moments = [m.created_at for item in series for m in item.measurements]
    if board.last_update is not None:
        moments.append(board.last_update)
    return max(moments, default=None)
