"""Write a proposed plan into a CTG whose plan may already have elements: update, add, never
delete.

plan_merge(convention, proposal) says, without writing, what saving would do to each proposed
element (new, updated with the list of what changes, unchanged) and what prevents it (errors);
apply_merge writes it in one transaction through pilote.plans.services. Plan spreadsheets use
it, so that importing an edited file again updates the elements instead of duplicating them.

Rules (shown on the review page):
- an element of the file is the CTG's element of the same level and number (case aside), or,
  when it has no number, of the same level and title; each element of the CTG answers once;
- only the columns present in the file change anything (proposal["columns"]); an empty cell
  clears its value; indicators are added by name, never removed (they carry measurements);
- an element of the CTG absent from the file is kept, where it is; an existing element moves
  only when the file puts it under another parent; a new element is placed after the one that
  precedes it in the file;
- when the CTG's plan is empty, the file's levels become the CTG's levels; otherwise each level
  of the file must be one of the CTG's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from pilote.accounts.perms import can_edit_convention
from pilote.plans.models import Indicator, PlanNode, Thematic
from pilote.plans.services import (
    BudgetLineData,
    IndicatorData,
    NodeData,
    NodeSpec,
    PlanError,
    create_node,
    create_nodes,
    move_node,
    update_node,
)

from .exceptions import ApplyError
from .services import REFUSED, _label, _set_levels, check_proposal
from .vocabulary import normalize_title

logger = logging.getLogger(__name__)

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
STATUS_LABELS = {NEW: "nouveau", UPDATED: "mis à jour", UNCHANGED: "inchangé"}
TEXT_FIELDS = ("objective", "description", "expected_result", "target_public")
FIELD_LABELS = {
    "title": "intitulé",
    "objective": "objectif",
    "description": "description",
    "expected_result": "résultat attendu",
    "target_public": "public",
    "pilots": "pilotes",
    "partners": "partenaires",
    "thematics": "thématiques",
    "period": "période",
    "priority": "priorité",
    "origin": "origine",
    "budget_lines": "budget",
    "indicators": "indicateurs ajoutés",
    "parent": "emplacement",
}
ALL_FIELDS = set(FIELD_LABELS) - {"parent"}
MAX_ERRORS = 50


@dataclass
class Outcome:
    """What saving does to one proposed element."""

    status: str
    node: PlanNode | None = None  # the CTG's element it updates
    changes: list[str] = field(default_factory=list)  # French names of what changes

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class MergePlan:
    outcomes: dict[int, Outcome]  # by proposed element id (see review.ensure_ids)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    existing: int = 0  # elements in the CTG's plan now

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes.values() if outcome.status == status)

    @property
    def created(self) -> int:
        return self.count(NEW)

    @property
    def updated(self) -> int:
        return self.count(UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def kept(self) -> int:
        """Return how many elements of the CTG the proposal does not name (kept as they are)."""
        return self.existing - self.updated - self.unchanged


@dataclass
class MergeResult:
    created: int
    updated: int
    unchanged: int
    warnings: list[str] = field(default_factory=list)


def plan_merge(convention, proposal: dict[str, Any]) -> MergePlan:
    """Return what saving the proposal into the CTG would do; write nothing."""
    from .review import ensure_ids

    ensure_ids(proposal)
    nodes = _existing_nodes(convention)
    merge = MergePlan(outcomes={}, existing=len(nodes))
    columns = set(proposal.get("columns") or ALL_FIELDS)
    years = convention.years
    level_names = proposal.get("convention", {}).get("level_names") or []
    known = {level.name.casefold() for level in convention.levels.all()}
    if nodes:
        used = {
            " ".join(item["kind"].split()).casefold()
            for item in _walk(proposal.get("plan") or [])
            if isinstance(item.get("kind"), str)
        }
        for name in level_names:
            if name.casefold() in used and name.casefold() not in known:
                merge.errors.append(
                    f"Le niveau « {name} » n'existe pas dans cette CTG (niveaux : "
                    f"{', '.join(level.name for level in convention.levels.order_by('position'))})"
                    " : renommez-le dans la relecture, ou ajoutez-le d'abord aux niveaux de "
                    "la CTG."
                )
    index = _Index(nodes)
    pk_of: dict[int, int | None] = {}  # proposed element id → pk of its CTG element

    def visit(items: list[dict], parent: dict | None, path: str) -> None:
        for position, item in enumerate(items):
            label = _label(item, path, position)
            _check_years(item, years, label, merge)
            node = index.match(item)
            if node is None:
                merge.outcomes[item["id"]] = Outcome(NEW)
                pk_of[item["id"]] = None
            else:
                changes = _changes(node, item, columns, years)
                if parent is not None and pk_of.get(parent["id"]) != node.parent_id:
                    changes.append(FIELD_LABELS["parent"])
                merge.outcomes[item["id"]] = Outcome(
                    UPDATED if changes else UNCHANGED, node=node, changes=changes
                )
                pk_of[item["id"]] = node.pk
            visit(item.get("children") or [], item, label)

    visit(proposal.get("plan") or [], None, "")
    del merge.errors[MAX_ERRORS:]
    return merge


def apply_merge(convention, proposal: dict[str, Any], *, by=None) -> MergeResult:
    """Update, add (never delete) the proposed elements in the CTG; raise ApplyError.

    One transaction: on any error nothing is written.
    """
    if by is not None and not can_edit_convention(by, convention):
        raise ApplyError("Vous n'avez pas le droit de modifier cette CTG.")
    level_names, tracked, plan = check_proposal(proposal)
    with transaction.atomic():
        type(convention).objects.select_for_update().get(pk=convention.pk)
        merge = plan_merge(convention, proposal)
        if merge.errors:
            raise ApplyError(REFUSED + " ".join(merge.errors[:5]))
        if merge.existing == 0:
            levels = _set_levels(convention, level_names, tracked)
        else:
            levels = {level.name.casefold(): level for level in convention.levels.all()}
        writer = _Writer(convention, proposal, merge, levels, by)
        writer.visit(plan, None, "")
    logger.info(
        "plan of %s merged: %s created, %s updated", convention.slug, merge.created, merge.updated
    )
    return MergeResult(
        created=merge.created,
        updated=merge.updated,
        unchanged=merge.unchanged,
        warnings=merge.warnings,
    )


# --------------------------------------------------------------------------- reading the CTG


def _existing_nodes(convention) -> list[PlanNode]:
    """Return the CTG's elements in plan order, with what the comparison reads."""
    nodes = list(
        PlanNode.objects.filter(convention=convention)
        .select_related("level")
        .prefetch_related(
            "pilots",
            "partners",
            "thematics",
            "communes",
            "budget_lines",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related("targets").order_by("position", "pk"),
            ),
        )
        .order_by("parent_id", "position", "pk")
    )
    children: dict[int | None, list[PlanNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
        # Read the prefetched relations once: each .all() builds a new queryset.
        node.merge_snapshot = {
            "pilots": sorted(o.name.casefold() for o in node.pilots.all()),
            "partners": sorted(o.name.casefold() for o in node.partners.all()),
            "thematics": {t.code for t in node.thematics.all()},
            "budget_lines": [
                (line.funder, line.amount, line.year)
                for line in sorted(node.budget_lines.all(), key=lambda line: line.pk)
            ],
            "indicators": {i.name.strip().casefold() for i in node.indicators.all()},
        }
    ordered: list[PlanNode] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.pk, [])))
    return ordered


class _Index:
    """Find the CTG's element a proposed one names: same level and number, else title."""

    def __init__(self, nodes: list[PlanNode]) -> None:
        self.by_number: dict[tuple[str, str], list[PlanNode]] = {}
        self.by_title: dict[tuple[str, str], list[PlanNode]] = {}
        for node in nodes:
            level = node.level.name.casefold()
            if node.number:
                self.by_number.setdefault((level, node.number.casefold()), []).append(node)
            self.by_title.setdefault((level, normalize_title(node.title)), []).append(node)
        self.used: set[int] = set()

    def match(self, item: dict) -> PlanNode | None:
        level = " ".join(str(item.get("kind") or "").split()).casefold()
        number = (item.get("number") or "").strip().casefold()
        if number:
            candidates = self.by_number.get((level, number), [])
        else:
            candidates = self.by_title.get((level, normalize_title(item.get("title") or "")), [])
        for node in candidates:
            if node.pk not in self.used:
                self.used.add(node.pk)
                return node
        return None


def _walk(items: list[dict]):
    for item in items:
        if isinstance(item, dict):
            yield item
            yield from _walk(item.get("children") or [])


def _period(item: dict, years: list[int]) -> tuple:
    """Return the proposed period as saved: years outside the CTG's period left out."""
    period = item.get("period") if isinstance(item.get("period"), dict) else {}
    values = []
    for year_key, quarter_key in (("start_year", "start_quarter"), ("end_year", "end_quarter")):
        year, quarter = period.get(year_key), period.get(quarter_key)
        if not isinstance(year, int) or year not in years:
            year = quarter = None
        if not isinstance(quarter, int) or not 1 <= quarter <= 4:
            quarter = None
        values += [year, quarter]
    if values[0] and values[2] and (values[2], values[3] or 4) < (values[0], values[1] or 1):
        values[2] = values[3] = None
    return tuple(values)


def _check_years(item: dict, years: list[int], label: str, merge: MergePlan) -> None:
    period = item.get("period") if isinstance(item.get("period"), dict) else {}
    for key in ("start_year", "end_year"):
        year = period.get(key)
        if isinstance(year, int) and year not in years:
            merge.warnings.append(
                f"{label} : l'année {year} est hors de la période de la CTG "
                f"({years[0]}–{years[-1]}) ; elle ne sera pas reprise."
            )
    for line in item.get("budget_lines") or []:
        year = line.get("year") if isinstance(line, dict) else None
        if isinstance(year, int) and year not in years:
            merge.errors.append(
                f"{label} : l'année {year} du budget ({line.get('funder')}) est hors de la "
                f"période de la CTG ({years[0]}–{years[-1]})."
            )


def _names(values) -> list[str]:
    if not isinstance(values, list):
        return []
    return [" ".join(v.split())[:255] for v in values if isinstance(v, str) and v.strip()]


def _budget(item: dict) -> list[tuple[str, Decimal, int | None]]:
    lines = []
    for line in item.get("budget_lines") or []:
        if not isinstance(line, dict) or not str(line.get("funder") or "").strip():
            continue
        try:
            amount = Decimal(str(line.get("amount")))
        except ArithmeticError:
            continue
        year = line.get("year") if isinstance(line.get("year"), int) else None
        lines.append((str(line["funder"]).strip(), amount, year))
    return lines


def _changes(node: PlanNode, item: dict, columns: set[str], years: list[int]) -> list[str]:
    """Return the French names of the fields the proposal changes in the CTG's element."""
    changes = []

    def text(key: str) -> str:
        value = item.get(key)
        return value.strip() if isinstance(value, str) else ""

    if "title" in columns and text("title") and text("title") != node.title.strip():
        changes.append("title")
    changes += [key for key in TEXT_FIELDS if key in columns and text(key) != getattr(node, key)]
    snapshot = node.merge_snapshot
    for key in ("pilots", "partners"):
        if key in columns and sorted(n.casefold() for n in _names(item.get(key))) != snapshot[key]:
            changes.append(key)
    if "thematics" in columns and set(_names(item.get("thematics"))) != snapshot["thematics"]:
        changes.append("thematics")
    if "period" in columns and _period(item, years) != (
        node.start_year,
        node.start_quarter,
        node.end_year,
        node.end_quarter,
    ):
        changes.append("period")
    for key in ("priority", "origin"):
        if key in columns and (item.get(key) or "") != getattr(node, key):
            changes.append(key)
    if "budget_lines" in columns and _budget(item) != snapshot["budget_lines"]:
        changes.append("budget_lines")
    if "indicators" in columns and _new_indicators(node, item):
        changes.append("indicators")
    return [FIELD_LABELS[key] for key in changes]


def _new_indicators(node: PlanNode, item: dict) -> list[str]:
    existing = set(node.merge_snapshot["indicators"])
    names = []
    for spec in item.get("indicators") or []:
        name = spec.get("name") if isinstance(spec, dict) else None
        if isinstance(name, str) and name.strip() and name.strip().casefold() not in existing:
            existing.add(name.strip().casefold())
            names.append(name.strip()[:255])
    return names


# --------------------------------------------------------------------------- writing


class _Writer:
    def __init__(self, convention, proposal, merge: MergePlan, levels, by) -> None:
        self.convention = convention
        self.merge = merge
        self.levels = levels
        self.by = by
        self.years = convention.years
        self.columns = set(proposal.get("columns") or ALL_FIELDS)
        self.thematics = {
            t.code: t for t in Thematic.objects.for_convention(convention).order_by("convention_id")
        }
        self.custom_labels = {
            spec["code"]: spec.get("label") or spec["code"]
            for spec in proposal.get("convention", {}).get("custom_thematics") or []
            if isinstance(spec, dict) and isinstance(spec.get("code"), str)
        }

    def visit(self, items: list[dict], parent: PlanNode | None, path: str) -> None:
        placed: PlanNode | None = None  # the previous sibling once saved
        for position, item in enumerate(items):
            label = _label(item, path, position)
            outcome = self.merge.outcomes[item["id"]]
            subtree_is_new = outcome.status == NEW and self._all_new(item)
            try:
                if subtree_is_new:
                    node = self._create_subtree(
                        item,
                        parent,
                        self._position(parent, placed, items[position + 1 :]),
                        label,
                    )
                elif outcome.status == NEW:
                    node = create_node(
                        self.convention,
                        by=self.by,
                        parent=parent,
                        data=self._data(item, None, label),
                        position=self._position(parent, placed, items[position + 1 :]),
                    )
                else:
                    node = outcome.node
                    if FIELD_LABELS["parent"] in outcome.changes:
                        node = move_node(
                            node,
                            new_parent=parent,
                            position=self._position(parent, placed, items[position + 1 :]),
                            by=self.by,
                        )
                    if len(outcome.changes) > (FIELD_LABELS["parent"] in outcome.changes):
                        update_node(node, by=self.by, data=self._data(item, node, label))
            except PlanError as error:
                failed = getattr(getattr(error, "spec", None), "key", None) or label
                raise ApplyError(f"{REFUSED}{failed} : {error}") from error
            # Children of a root of the file stay under this element, wherever it is.
            placed = node if node.parent_id == (parent.pk if parent else None) else placed
            if not subtree_is_new:  # a new subtree was created whole
                self.visit(item.get("children") or [], node, label)

    def _all_new(self, item: dict) -> bool:
        return all(
            self.merge.outcomes[child["id"]].status == NEW and self._all_new(child)
            for child in item.get("children") or []
        )

    def _create_subtree(self, item: dict, parent, position: int | None, label: str) -> PlanNode:
        """Create a new element and everything under it (all new) in a few queries."""
        spec = self._spec(item, label)
        parent_id = parent.pk if parent else None
        siblings = PlanNode.objects.filter(convention=self.convention, parent_id=parent_id)
        if position is None or position >= siblings.count():
            return create_nodes(self.convention, [spec], by=self.by, parent=parent)[0]
        # Between existing siblings: create_node makes room for it.
        node = create_node(
            self.convention, by=self.by, parent=parent, data=spec.data, position=position
        )
        create_nodes(self.convention, spec.children, by=self.by, parent=node)
        return node

    def _spec(self, item: dict, label: str) -> NodeSpec:
        children = item.get("children") or []
        return NodeSpec(
            data=self._data(item, None, label),
            key=label,
            children=[
                self._spec(child, _label(child, label, index))
                for index, child in enumerate(children)
            ],
        )

    def _position(self, parent, placed: PlanNode | None, following: list[dict]) -> int | None:
        """Return where a new or moved element goes: after the previous sibling of the file,
        else before the next one already in the CTG, else last."""
        parent_id = parent.pk if parent else None
        if placed is not None:
            return PlanNode.objects.values_list("position", flat=True).get(pk=placed.pk) + 1
        for item in following:
            node = self.merge.outcomes[item["id"]].node
            if node is not None and node.parent_id == parent_id:
                return PlanNode.objects.values_list("position", flat=True).get(pk=node.pk)
        return None

    def _data(self, item: dict, node: PlanNode | None, label: str) -> NodeData:
        """Return the element's data: the proposal's fields over the current ones."""
        columns = self.columns if node is not None else ALL_FIELDS
        if node is None:
            data = NodeData(
                level=self.levels[" ".join(item["kind"].split()).casefold()],
                title=item["title"].strip(),
                number=(item.get("number") or "").strip(),
            )
        else:
            data = NodeData(
                level=node.level,
                title=node.title,
                number=node.number,
                objective=node.objective,
                description=node.description,
                expected_result=node.expected_result,
                target_public=node.target_public,
                whole_territory=node.whole_territory,
                communes=list(node.communes.all()),
                pilots=[o.name for o in node.pilots.all()],
                partners=[o.name for o in node.partners.all()],
                thematics=list(node.thematics.all()),
                priority=node.priority,
                origin=node.origin,
                start_year=node.start_year,
                start_quarter=node.start_quarter,
                end_year=node.end_year,
                end_quarter=node.end_quarter,
            )
            if "title" in columns and isinstance(item.get("title"), str) and item["title"].strip():
                data.title = item["title"].strip()
        for key in TEXT_FIELDS:
            if key in columns:
                value = item.get(key)
                setattr(data, key, value.strip() if isinstance(value, str) else "")
        if "pilots" in columns:
            data.pilots = _names(item.get("pilots"))
        if "partners" in columns:
            data.partners = _names(item.get("partners"))
        if "thematics" in columns:
            codes = _names(item.get("thematics"))
            data.thematics = [self.thematics[code] for code in codes if code in self.thematics]
            data.new_thematics = [
                self.custom_labels.get(code, code) for code in codes if code not in self.thematics
            ]
        if "period" in columns:
            (data.start_year, data.start_quarter, data.end_year, data.end_quarter) = _period(
                item, self.years
            )
        if "priority" in columns:
            data.priority = item.get("priority") or ""
        if "origin" in columns:
            data.origin = item.get("origin") or ""
        if "budget_lines" in columns:
            data.budget_lines = [
                BudgetLineData(funder=funder, amount=amount, year=year)
                for funder, amount, year in _budget(item)
            ]
        if "indicators" in columns:
            if node is None:
                data.indicators = [IndicatorData(name=name) for name in _new_indicators_of(item)]
            elif _new_indicators(node, item):
                data.indicators = [_indicator_data(i) for i in node.indicators.all()] + [
                    IndicatorData(name=name) for name in _new_indicators(node, item)
                ]
        return data


def _new_indicators_of(item: dict) -> list[str]:
    names, seen = [], set()
    for spec in item.get("indicators") or []:
        name = spec.get("name") if isinstance(spec, dict) else None
        if isinstance(name, str) and name.strip() and name.strip().casefold() not in seen:
            seen.add(name.strip().casefold())
            names.append(name.strip()[:255])
    return names


def _indicator_data(indicator: Indicator) -> IndicatorData:
    return IndicatorData(
        pk=indicator.pk,
        name=indicator.name,
        unit=indicator.unit,
        baseline_value=indicator.baseline_value,
        baseline_year=indicator.baseline_year,
        source=indicator.source,
        frequency=indicator.frequency,
        targets={target.year: target.value for target in indicator.targets.all()},
    )
