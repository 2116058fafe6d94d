"""What a change to a plan element carries (NodeData and its parts), and the checks and writes of
its budget lines and indicators shared by pilote.plans.services' single and bulk writes.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from pilote.territories.models import Commune

from .models import BudgetLine, Indicator, IndicatorTarget, PlanLevel, PlanNode, Thematic


class PlanError(Exception):
    """A change to the plan that cannot be made; the message is in French, for users."""


@dataclass
class BudgetLineData:
    funder: str
    amount: Decimal
    year: int | None = None
    comment: str = ""
    pk: int | None = None


@dataclass
class IndicatorData:
    name: str
    unit: str = ""
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    source: str = ""
    frequency: str = ""
    targets: dict[int, Decimal] = field(default_factory=dict)
    pk: int | None = None


@dataclass
class NodeData:
    """What a fiche holds; budget_lines and indicators left to None are not touched."""

    level: PlanLevel
    title: str
    number: str = ""
    objective: str = ""
    description: str = ""
    expected_result: str = ""
    target_public: str = ""
    whole_territory: bool = True
    communes: list[Commune] = field(default_factory=list)
    pilots: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    thematics: list[Thematic] = field(default_factory=list)
    new_thematics: list[str] = field(default_factory=list)
    priority: str = ""
    origin: str = ""
    start_year: int | None = None
    start_quarter: int | None = None
    end_year: int | None = None
    end_quarter: int | None = None
    budget_lines: list[BudgetLineData] | None = None
    indicators: list[IndicatorData] | None = None
    # Internal (pilote.plans.visibility); None leaves an existing element's flag as it is.
    is_internal: bool | None = None


SCALAR_FIELDS = (
    "number",
    "title",
    "objective",
    "description",
    "expected_result",
    "target_public",
    "whole_territory",
    "priority",
    "origin",
    "start_year",
    "start_quarter",
    "end_year",
    "end_quarter",
)


def check_budget(convention, lines: list[BudgetLineData]) -> None:
    """Raise PlanError unless every budget line has a funder, an amount and a year of the CTG."""
    years = convention.years
    for line in lines:
        if not line.funder.strip():
            raise PlanError("Indiquez le financeur de chaque ligne budgétaire.")
        if line.amount is None or line.amount < 0:
            raise PlanError("Un montant ne peut pas être négatif.")
        if line.year is not None and line.year not in years:
            raise PlanError(year_outside(line.year, years))


def check_indicators(convention, indicators: list[IndicatorData]) -> None:
    """Raise PlanError unless every indicator has a name and targets in the CTG's years."""
    years = convention.years
    for indicator in indicators:
        if not indicator.name.strip():
            raise PlanError("Indiquez l'intitulé de chaque indicateur.")
        for year in indicator.targets:
            if year not in years:
                raise PlanError(year_outside(year, years))


def year_outside(year: int, years: list[int]) -> str:
    """Return the message for a year outside the CTG's period."""
    return f"L'année {year} est hors de la période de la CTG ({years[0]}–{years[-1]})."


def sync_budget(node: PlanNode, lines: list[BudgetLineData]) -> None:
    """Make the node's budget lines exactly these (updated in place when they have a pk)."""
    existing = {line.pk: line for line in node.budget_lines.all()}
    kept = set()
    for data in lines:
        line = existing.get(data.pk) if data.pk else None
        if data.pk and line is None:
            raise PlanError("Une ligne budgétaire modifiée n'appartient pas à cet élément.")
        line = line or BudgetLine(node=node)
        line.funder = data.funder.strip()
        line.amount = data.amount
        line.year = data.year
        line.comment = data.comment.strip()
        line.save()
        kept.add(line.pk)
    node.budget_lines.exclude(pk__in=kept).delete()


def sync_indicators(node: PlanNode, indicators: list[IndicatorData]) -> None:
    """Make the node's indicators and their targets exactly these."""
    # Indicators are updated in place, not recreated: measurements will point at them.
    existing = {indicator.pk: indicator for indicator in node.indicators.all()}
    kept = set()
    for position, data in enumerate(indicators):
        indicator = existing.get(data.pk) if data.pk else None
        if data.pk and indicator is None:
            raise PlanError("Un indicateur modifié n'appartient pas à cet élément.")
        indicator = indicator or Indicator(node=node, convention_id=node.convention_id)
        indicator.position = position
        indicator.name = data.name.strip()
        indicator.unit = data.unit.strip()
        indicator.baseline_value = data.baseline_value
        indicator.baseline_year = data.baseline_year
        indicator.source = data.source.strip()
        indicator.frequency = data.frequency.strip()
        indicator.save()
        kept.add(indicator.pk)
        targets = {target.year: target for target in indicator.targets.all()}
        for year, value in data.targets.items():
            target = targets.pop(year, None) or IndicatorTarget(indicator=indicator, year=year)
            if target.pk is None or target.value != value:
                target.value = value
                target.save()
        if targets:
            IndicatorTarget.objects.filter(pk__in=[t.pk for t in targets.values()]).delete()
    node.indicators.exclude(pk__in=kept).delete()


def validation_messages(error: ValidationError) -> list[str]:
    """Return the messages of a model's ValidationError as a flat list."""
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)
