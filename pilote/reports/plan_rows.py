"""The whole plan of a CTG as flat rows, one per element, for the spreadsheets and documents.

Read in a fixed number of queries whatever the plan's size (ten): the elements with their level,
their thematics, pilots, partners and communes (pilote.plans.tree), the budget lines, the
indicators with their targets and measurements (pilote.monitoring.dashboard), the CTG's
indicators, and the latest update of every element (pilote.monitoring.queries).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F
from django.utils.timezone import localtime

from pilote.core.formats import french_euros
from pilote.core.units import with_unit
from pilote.monitoring.dashboard import IndicatorSeries, convention_series
from pilote.monitoring.queries import LatestUpdate, latest_update_values
from pilote.plans.enums import Origin, Priority
from pilote.plans.labels import PATH_SEPARATOR, level_label
from pilote.plans.models import BudgetLine
from pilote.plans.tree import load_plan, walk
from pilote.plans.visibility import node_condition

WHOLE_TERRITORY = "Tout le territoire de la CTG"
PRIORITY_LABELS = dict(Priority.choices)
ORIGIN_LABELS = dict(Origin.choices)


@dataclass(frozen=True, slots=True)
class BudgetValues:
    funder: str
    amount: Decimal
    year: int | None
    comment: str

    def __str__(self) -> str:
        text = self.funder
        if self.year:
            text += f" ({self.year})"
        text += f" : {french_euros(self.amount)}"
        if self.comment:
            text += f" – {self.comment}"
        return text


@dataclass(frozen=True, slots=True)
class IndicatorValues:
    name: str
    unit: str
    baseline_value: Decimal | None
    baseline_year: int | None
    targets: tuple[tuple[int, Decimal], ...]
    latest_period: str  # "2026" or "T2 2026"; empty without a measurement
    latest_value: Decimal | None
    source: str = ""
    frequency: str = ""

    @classmethod
    def of(cls, series: IndicatorSeries) -> "IndicatorValues":
        indicator, latest = series.indicator, series.latest
        return cls(
            name=indicator.name,
            unit=indicator.unit,
            baseline_value=indicator.baseline_value,
            baseline_year=indicator.baseline_year,
            targets=tuple(
                (point.year, point.target) for point in series.years if point.target is not None
            ),
            latest_period=latest.period_label if latest else "",
            latest_value=latest.value if latest else None,
            source=indicator.source,
            frequency=indicator.frequency,
        )

    def _value(self, value: Decimal) -> str:
        return with_unit(value, self.unit, empty="")

    @property
    def baseline(self) -> str:
        if self.baseline_value is None:
            return ""
        text = self._value(self.baseline_value)
        return f"{text} ({self.baseline_year})" if self.baseline_year else text

    @property
    def target_text(self) -> str:
        return ", ".join(f"{year} : {self._value(value)}" for year, value in self.targets)

    @property
    def latest_text(self) -> str:
        if self.latest_value is None:
            return ""
        return f"{self._value(self.latest_value)} ({self.latest_period})"

    def __str__(self) -> str:
        parts = [
            f"référence {self.baseline}" if self.baseline else "",
            f"cibles {self.target_text}" if self.targets else "",
            f"dernière mesure {self.latest_text}" if self.latest_text else "aucune mesure",
        ]
        return f"{self.name} : " + " ; ".join(part for part in parts if part)


@dataclass(slots=True)
class PlanRow:
    """One element of the plan with every field of its fiche and its latest update."""

    pk: int
    parent_pk: int | None
    depth: int  # 0 for the first level
    level: str
    tracked: bool
    number: str
    title: str
    level_path: str  # the element's place, itself included: "Axe 1 › Fiche action 2"
    objective: str
    description: str
    expected_result: str
    target_public: str
    whole_territory: bool
    communes: tuple[str, ...]
    pilots: tuple[str, ...]
    partners: tuple[str, ...]
    thematics: tuple[str, ...]
    priority: str
    origin: str
    period: str
    budget_lines: tuple[BudgetValues, ...]
    indicators: tuple[IndicatorValues, ...]
    latest: LatestUpdate | None
    internal: bool = False  # shown to the CTG's editors only (pilote.plans.visibility)

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def territory(self) -> str:
        if self.whole_territory or not self.communes:
            return WHOLE_TERRITORY
        return ", ".join(self.communes)

    @property
    def budget_total(self) -> Decimal | None:
        if not self.budget_lines:
            return None
        return sum((line.amount for line in self.budget_lines), Decimal(0))

    @property
    def latest_date(self) -> date | None:
        return localtime(self.latest.created_at).date() if self.latest else None


@dataclass
class PlanExport:
    """The plan of a CTG as rows in outline order, and the CTG-wide indicators."""

    convention: object
    rows: list[PlanRow]
    ctg_indicators: list[IndicatorValues]


def _names(items, attribute: str = "name") -> tuple[str, ...]:
    return tuple(sorted((getattr(item, attribute) for item in items), key=str.casefold))


def read_plan(convention, *, include_internal: bool = False) -> PlanExport:
    """Return every element of the CTG's plan in outline order, with its fiche and follow-up.

    include_internal: with the internal elements and updates, for an editor (plans.visibility).
    """
    roots = load_plan(convention, include_internal=include_internal)
    budgets: dict[int, list[BudgetValues]] = defaultdict(list)
    for node_id, funder, amount, year, comment in (
        BudgetLine.objects.filter(
            node_condition(include_internal, "node__"), node__convention=convention
        )
        # Lines without a year (the whole period) first, on PostgreSQL as on SQLite.
        .order_by("node_id", F("year").asc(nulls_first=True), "funder", "pk")
        .values_list("node_id", "funder", "amount", "year", "comment")
    ):
        budgets[node_id].append(BudgetValues(funder, amount, year, comment))
    indicators: dict[int | None, list[IndicatorValues]] = defaultdict(list)
    for series in convention_series(convention, include_internal=include_internal):
        indicators[series.indicator.node_id].append(IndicatorValues.of(series))
    latest = latest_update_values(convention, full=True, include_internal=include_internal)

    rows: list[PlanRow] = []
    paths: dict[int, str] = {}
    for item in walk(roots):
        node = item.node
        label = level_label(node.level.name, node.number, node.title)
        parent_path = paths.get(node.parent_id)
        paths[node.pk] = f"{parent_path}{PATH_SEPARATOR}{label}" if parent_path else label
        values = latest.get(node.pk)
        rows.append(
            PlanRow(
                pk=node.pk,
                parent_pk=node.parent_id,
                depth=item.depth,
                level=node.level.name,
                tracked=node.level.tracked,
                number=node.number,
                title=node.title,
                level_path=paths[node.pk],
                objective=node.objective,
                description=node.description,
                expected_result=node.expected_result,
                target_public=node.target_public,
                whole_territory=node.whole_territory,
                communes=_names(node.communes.all()),
                pilots=_names(node.pilots.all()),
                partners=_names(node.partners.all()),
                thematics=_names(node.thematics.all(), "label"),
                priority=PRIORITY_LABELS.get(node.priority, node.priority),
                origin=ORIGIN_LABELS.get(node.origin, node.origin),
                period=node.period_label,
                budget_lines=tuple(budgets.get(node.pk, ())),
                indicators=tuple(indicators.get(node.pk, ())),
                latest=LatestUpdate(*values) if values else None,
                internal=node.is_internal,
            )
        )
    return PlanExport(convention=convention, rows=rows, ctg_indicators=indicators.get(None, []))
