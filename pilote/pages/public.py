"""What the public page of a published CTG shows, read in a fixed number of queries.

The page is built from plain values chosen here, never from the models themselves: its
template cannot reach a field that is not listed below, however it is edited later. See
publishing.PUBLIC_CONTENT and PRIVATE_CONTENT for what is shown and what is not, and why.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from pilote.conventions.models import Convention
from pilote.monitoring.dashboard import (
    ActionRow,
    IndicatorSeries,
    ProgressGroup,
    build_dashboard,
    convention_series,
)
from pilote.monitoring.queries import latest_update_values
from pilote.plans import tree
from pilote.territories.population import Population, population_from_rows

from .brief import last_update
from .summary import COMMUNES_FOLD_AFTER


@dataclass
class PublicNode:
    """An element of the plan: its level, number, title and period; status when tracked."""

    level: str
    depth: int
    row: ActionRow  # number, title, period_label, status_label, progress
    children: list[PublicNode] = field(default_factory=list)

    @property
    def tracked(self) -> bool:
        return self.row.tracked


@dataclass(frozen=True)
class PublicIndicator:
    name: str
    unit: str
    baseline: Decimal | None
    baseline_year: int | None
    value: Decimal | None
    value_period: str
    targets: list[tuple[int, Decimal]]
    off_target: bool


@dataclass
class PublicPage:
    name: str
    slug: str
    status: str
    status_badge_class: str
    start_date: datetime.date
    end_date: datetime.date
    epci: str
    communes: list[tuple[str, int | None]]  # name, population municipale
    population: Population  # territories.population: population municipale and millésime
    signatories: list[str]  # organisations only
    plan: list[PublicNode]
    axes: list[ProgressGroup]
    overall: ProgressGroup
    indicators: list[PublicIndicator]
    last_update: datetime.datetime | None
    published_at: datetime.datetime | None

    @property
    def fold_communes(self) -> bool:
        return len(self.communes) > COMMUNES_FOLD_AFTER


def build_public_page(convention: Convention) -> PublicPage:
    """Return what the public page of the CTG shows (14 queries whatever the plan's size).

    Never an internal item (pilote.plans.visibility): the page is for everybody.
    """
    board = build_dashboard(convention, include_internal=False)
    series = convention_series(convention, include_internal=False)
    communes = list(
        convention.communes.order_by("name", "code").values_list(
            "name", "population", "population_millesime"
        )
    )
    # Organisations only: a representative's name is personal data. One line per organisation
    # (a Caf signs twice, by its director and its board's chair).
    organisations = convention.signatories.values_list("organisation", flat=True)
    return PublicPage(
        name=convention.name,
        slug=convention.slug,
        status=convention.get_status_display(),
        status_badge_class=convention.status_badge_class,
        start_date=convention.start_date,
        end_date=convention.end_date,
        epci=convention.epci.name if convention.epci_id else "",
        communes=[(name, population) for name, population, _ in communes],
        population=population_from_rows((p, year) for _, p, year in communes),
        signatories=list(dict.fromkeys(name.strip() for name in organisations if name.strip())),
        plan=public_plan(convention),
        axes=board.axes,
        overall=board.overall,
        indicators=[public_indicator(item) for item in series if item.indicator.node_id is None],
        last_update=last_update(board, series),
        published_at=convention.published_at,
    )


def public_plan(convention: Convention) -> list[PublicNode]:
    """Return the plan tree with the latest status and progress of each tracked action.

    Two queries. Only the summary of each latest update is read (status, progress, period):
    its texts (done, difficulties, next steps) are written for the partners and often name
    the people in charge, so they are not even loaded.
    """
    latest = latest_update_values(convention, include_internal=False)

    def make(item: tree.TreeNode) -> PublicNode:
        node = item.node
        row = ActionRow(
            pk=node.pk,
            parent_id=node.parent_id,
            number=node.number,
            title=node.title,
            tracked=node.level.tracked,
            start_year=node.start_year,
            start_quarter=node.start_quarter,
            end_year=node.end_year,
            end_quarter=node.end_quarter,
            latest_values=latest.get(node.pk) if node.level.tracked else None,
        )
        return PublicNode(
            level=node.level.name,
            depth=item.depth,
            row=row,
            children=[make(child) for child in item.children],
        )

    return [make(root) for root in tree.load_plan(convention, full=False, include_internal=False)]


def public_indicator(item: IndicatorSeries) -> PublicIndicator:
    """Return an indicator's figures, without the measurements' comments, sources or authors."""
    indicator, standing = item.indicator, item.standing
    return PublicIndicator(
        name=indicator.name,
        unit=indicator.unit,
        baseline=indicator.baseline_value,
        baseline_year=indicator.baseline_year,
        value=standing.value,
        value_period=standing.period_label,
        targets=[(p.year, p.target) for p in item.years if p.target is not None],
        off_target=standing.off_target,
    )
