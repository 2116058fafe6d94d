"""What the summary page of a CTG shows, read in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from pilote.conventions.models import Amendment, Convention, Signatory
from pilote.governance.bodies.queries import next_copil_date
from pilote.plans.enums import REQUIRED_THEMATICS
from pilote.plans.models import PlanLevel, PlanNode, Thematic
from pilote.plans.visibility import node_condition
from pilote.territories.models import Commune
from pilote.territories.population import Population, population_from_rows, population_of

# The summary shows the plan down to this depth (0 = the top level); the plan page shows it all.
SUMMARY_MAX_DEPTH = 1
# Longer lists of communes are folded.
COMMUNES_FOLD_AFTER = 12


@dataclass
class SummaryNode:
    node: PlanNode
    depth: int
    children: list[SummaryNode] = field(default_factory=list)
    hidden_count: int = 0  # elements under this one, deeper than the summary shows


@dataclass
class Summary:
    signatories: list[Signatory]
    amendments: list[Amendment]
    communes: list[Commune]
    population: Population  # territories.population: population municipale and millésime
    epci_population: Population | None  # the EPCI's communes today, counted the same way
    plan: list[SummaryNode]
    node_count: int
    level_counts: list[tuple[PlanLevel, int]]
    thematics: list[Thematic]
    missing_thematics: list[Thematic]
    warnings: list[str]
    next_copil: datetime.date | None = None  # a planned COPIL meeting, else the CTG's field

    @property
    def fold_communes(self) -> bool:
        return len(self.communes) > COMMUNES_FOLD_AFTER


def build_summary(convention: Convention, *, include_internal: bool) -> Summary:
    """Return everything the summary page shows about the CTG (internal items for an editor)."""
    signatories = list(convention.signatories.all())
    amendments = list(convention.amendments.all())
    communes = list(convention.communes.order_by("name", "code"))
    population = population_from_rows((c.population, c.population_millesime) for c in communes)
    epci_population = population_of(convention.epci.communes.all()) if convention.epci_id else None

    plan, node_count, by_level = _summary_plan(convention, include_internal=include_internal)
    level_counts = [(level, by_level.get(level.pk, 0)) for level in convention.levels.all()]
    thematics = _thematics_with_counts(convention, include_internal=include_internal)
    missing = [
        t
        for t in thematics
        if t.convention_id is None and t.code in REQUIRED_THEMATICS and not t.node_count
    ]

    warnings = []
    if missing:
        labels = ", ".join(t.label.lower() for t in missing)
        warnings.append(
            f"Le plan d'actions ne couvre pas ces thématiques attendues dans toute CTG : {labels}."
        )
    if convention.is_longer_than_allowed:
        warnings.append("La CTG dure plus de 5 ans : la Cnaf prévoit une durée de 1 à 5 ans.")
    if not signatories:
        warnings.append("Aucun signataire n'est renseigné.")
    if not communes:
        warnings.append("Le territoire ne compte aucune commune.")
    if not node_count:
        warnings.append("Le plan d'actions est vide.")

    return Summary(
        signatories=signatories,
        amendments=amendments,
        communes=communes,
        population=population,
        epci_population=epci_population,
        plan=plan,
        node_count=node_count,
        level_counts=level_counts,
        thematics=thematics,
        missing_thematics=missing,
        warnings=warnings,
        next_copil=next_copil_date(convention),
    )


def _thematics_with_counts(convention: Convention, *, include_internal: bool) -> list[Thematic]:
    """Return the CTG's thematics, each with `node_count`, the CTG's elements shown under it.

    The count reads the links of this CTG's elements only: an annotation over the thematics
    would join the links of every CTG of the instance (0.5 s at national scale).
    """
    links = PlanNode.thematics.through.objects.filter(plannode__convention=convention).filter(
        node_condition(include_internal, "plannode__")
    )
    counts = dict(
        links.values("thematic_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("thematic_id", "n")
    )
    thematics = list(Thematic.objects.for_convention(convention).order_by("convention_id", "label"))
    for thematic in thematics:
        thematic.node_count = counts.get(thematic.pk, 0)
    return thematics


def _summary_plan(
    convention, *, include_internal: bool
) -> tuple[list[SummaryNode], int, Counter[int]]:
    """Return the plan down to SUMMARY_MAX_DEPTH, its number of elements and of each level's.

    The whole plan is read as (pk, parent, position) tuples; only the few elements shown are
    built as model instances (a 2,000-action plan has about 30 of them).
    """
    children: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
    nodes = PlanNode.objects.filter(convention=convention).shown(include_internal)
    by_level: Counter[int] = Counter()
    for pk, parent_id, position, level_id in nodes.values_list(
        "pk", "parent_id", "position", "level_id"
    ):
        children[parent_id].append((position, pk))
        by_level[level_id] += 1
    for siblings in children.values():
        siblings.sort()

    def count_under(pk: int) -> int:
        stack, count = [pk], 0
        while stack:
            kids = children.get(stack.pop(), [])
            count += len(kids)
            stack.extend(child for _, child in kids)
        return count

    shown: list[tuple[int, int]] = []  # (pk, depth), in plan order
    stack = [(pk, 0) for _, pk in reversed(children.get(None, []))]
    while stack:
        pk, depth = stack.pop()
        shown.append((pk, depth))
        if depth < SUMMARY_MAX_DEPTH:
            stack.extend((child, depth + 1) for _, child in reversed(children.get(pk, [])))
    instances = PlanNode.objects.select_related("level").in_bulk([pk for pk, _ in shown])
    by_pk: dict[int, SummaryNode] = {}
    roots: list[SummaryNode] = []
    node_count = 0
    for pk, depth in shown:
        item = SummaryNode(node=instances[pk], depth=depth)
        by_pk[pk] = item
        node_count += 1
        if depth == SUMMARY_MAX_DEPTH:
            item.hidden_count = count_under(pk)
            node_count += item.hidden_count
        parent = by_pk.get(item.node.parent_id) if depth else None
        (parent.children if parent else roots).append(item)
    return roots, node_count, by_level
