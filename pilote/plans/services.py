"""Every change to a CTG's plan goes through these functions, each in one transaction.

Views, the admin, commands and the API call them; they raise PlanError with a French message
that can be shown as is to the user.
"""

import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from pilote.accounts.models import Organisation
from pilote.conventions.locks import lock_convention
from pilote.conventions.versioning import bump, bump_for
from pilote.core.transactions import retry_transaction
from pilote.territories.models import Commune

from .internal import check_internal_change, mark_subtree
from .models import BudgetLine, Indicator, IndicatorTarget, PlanLevel, PlanNode, Thematic
from .node_data import (
    SCALAR_FIELDS,
    BudgetLineData,
    IndicatorData,
    NodeData,
    PlanError,
    check_budget,
    check_indicators,
    sync_budget,
    sync_indicators,
    validation_messages,
)
from .tree import descendant_ids

__all__ = ["BudgetLineData", "IndicatorData", "NodeData", "PlanError"]

logger = logging.getLogger(__name__)


# Reading helpers shared by forms, filters and services.


def convention_communes(convention) -> models.QuerySet:
    """Return the communes of the CTG's territory (its listed communes, else its EPCI's)."""
    listed = Commune.objects.filter(conventions=convention)
    if convention.epci_id and not listed.exists():
        return Commune.objects.filter(epci_id=convention.epci_id).order_by("name", "code")
    return listed.order_by("name", "code")


def level_below(level: PlanLevel | None, levels: list[PlanLevel]) -> PlanLevel | None:
    """Return the level under the given one (the first level for the root), or None."""
    if level is None:
        return levels[0] if levels else None
    ordered = sorted(levels, key=lambda lv: lv.position)
    for index, candidate in enumerate(ordered):
        if candidate.pk == level.pk:
            return ordered[index + 1] if index + 1 < len(ordered) else None
    return None


def parse_organisation_names(text: str) -> list[str]:
    """Return the organisation names typed one per line or separated by commas, deduplicated."""
    names: list[str] = []
    seen: set[str] = set()
    for line in text.replace(";", "\n").splitlines():
        for part in line.split(","):
            name = " ".join(part.split())
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
    return names


# Writes.


@retry_transaction
@transaction.atomic
def create_node(
    convention, *, by, parent: PlanNode | None, data: NodeData, position: int | None = None
) -> PlanNode:
    """Create a plan element with its fiche, budget lines and indicators, and return it."""
    if parent is not None and parent.convention_id != convention.pk:
        raise PlanError("L'élément parent n'appartient pas à cette CTG.")
    lock_convention(convention)
    node = PlanNode(convention=convention, parent=parent)
    _apply(node, data)
    # Under an internal element, every element is internal.
    node.is_internal = bool(data.is_internal) or (parent is not None and parent.is_internal)
    siblings = list(_siblings(convention, parent.pk if parent else None, lock=True))
    if position is None or position >= len(siblings):
        node.position = len(siblings)
        node.save()
    else:
        node.position = max(position, 0)
        node.save()
        siblings.insert(node.position, node)
        _save_positions(siblings)
    _write_relations(node, data)
    logger.debug("plan node %s created in %s by %s", node.pk, convention.slug, by)
    return node


@retry_transaction
@transaction.atomic
def update_node(node: PlanNode, *, by, data: NodeData) -> PlanNode:
    """Change a plan element's fiche (not its place: see move_node) and return it."""
    lock_convention(node.convention_id)
    _apply(node, data)
    changed = data.is_internal is not None and data.is_internal != node.is_internal
    if changed:
        check_internal_change(node, data.is_internal)
        node.is_internal = data.is_internal
    node.save()
    if changed:
        mark_subtree(node, by=by)
    _write_relations(node, data)
    logger.debug("plan node %s updated by %s", node.pk, by)
    return node


@retry_transaction
@transaction.atomic
def move_node(
    node: PlanNode,
    *,
    new_parent: PlanNode | None,
    position: int | None = None,
    level: PlanLevel | None = None,
    by=None,
) -> PlanNode:
    """Move an element (and its subtree) under new_parent at position (None: last).

    Positions stay dense (0..n-1) among the old and the new siblings. When level is given and
    differs, the element takes it and its descendants shift by as many levels (kept within the
    CTG's levels).
    """
    lock_convention(node.convention_id)
    node = PlanNode.objects.select_related("level", "convention").get(pk=node.pk)
    convention = node.convention
    if new_parent is not None:  # read again under the lock: its internal marker may have moved
        new_parent = PlanNode.objects.select_related("level").filter(pk=new_parent.pk).first()
        if new_parent is None:
            raise PlanError("Le nouvel élément parent n'existe plus : il vient d'être supprimé.")
    new_parent_id = new_parent.pk if new_parent is not None else None
    if new_parent is not None:
        if new_parent.convention_id != node.convention_id:
            raise PlanError("Le nouvel élément parent n'appartient pas à cette CTG.")
        if new_parent.pk == node.pk:
            raise PlanError("Un élément ne peut pas être placé sous lui-même.")
        if new_parent.pk in descendant_ids(node):
            raise PlanError("Un élément ne peut pas être placé sous l'un de ses sous-éléments.")
    if level is not None and level.convention_id != node.convention_id:
        raise PlanError("Ce niveau n'appartient pas à cette CTG.")

    old_parent_id = node.parent_id
    new_siblings = [s for s in _siblings(convention, new_parent_id, lock=True) if s.pk != node.pk]
    target = len(new_siblings) if position is None else min(max(position, 0), len(new_siblings))
    new_siblings.insert(target, node)
    node.parent_id = new_parent_id
    node.save(update_fields=["parent", "updated_at"])
    _save_positions(new_siblings)
    if old_parent_id != new_parent_id:
        _save_positions(list(_siblings(convention, old_parent_id, lock=True)))
    if level is not None and level.pk != node.level_id:
        _relevel(node, level)
    if new_parent is not None and new_parent.is_internal and not node.is_internal:
        # Under an internal element, every element is internal.
        node.is_internal = True
        node.save(update_fields=["is_internal", "updated_at"])
        mark_subtree(node, by=by)
    node.refresh_from_db()
    return node


@retry_transaction
@transaction.atomic
def shift_node(node: PlanNode, *, offset: int) -> PlanNode:
    """Move an element up (offset -1) or down (+1) among its siblings."""
    lock_convention(node.convention_id)
    # Where the element is now, not where the page that asked saw it.
    node = PlanNode.objects.select_related("convention").get(pk=node.pk)
    siblings = list(_siblings(node.convention, node.parent_id, lock=True))
    index = next(i for i, s in enumerate(siblings) if s.pk == node.pk)
    target = index + offset
    if not 0 <= target < len(siblings):
        if offset < 0:
            raise PlanError("Cet élément est déjà le premier de son groupe.")
        raise PlanError("Cet élément est déjà le dernier de son groupe.")
    return move_node(node, new_parent=node.parent, position=target)


def get_or_create_organisation(name: str) -> Organisation:
    """Return the organisation of this name (whatever its case), created if needed."""
    name = " ".join(name.split())
    if not name:
        raise PlanError("Le nom de l'organisation est vide.")
    if len(name) > Organisation._meta.get_field("name").max_length:
        raise PlanError(f"Le nom d'organisation « {name[:40]}… » est trop long.")
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Organisation.objects.create(name=name)
    except IntegrityError:  # created meanwhile, or a case the database folds differently
        existing = Organisation.objects.filter(name__iexact=name).first()
        if existing is None:
            raise
        return existing


def get_or_create_thematic(convention, label: str) -> Thematic:
    """Return the national or custom thematic of this name, creating a custom one if needed."""
    label = " ".join(label.split())
    code = slugify(label)[:60]
    if not code:
        raise PlanError("Le libellé de la thématique est vide.")
    found = (
        Thematic.objects.for_convention(convention)
        .filter(models.Q(code=code) | models.Q(label__iexact=label))
        .order_by(models.F("convention_id").asc(nulls_first=True))
        .first()
    )
    if found is not None:
        return found
    return Thematic.objects.create(convention=convention, code=code, label=label[:100])


# Internals.


def _siblings(convention, parent_id: int | None, *, lock: bool = False) -> models.QuerySet:
    queryset = PlanNode.objects.filter(convention=convention, parent_id=parent_id)
    if lock:  # after the CTG's row, in primary-key order (pilote.conventions.locks)
        list(queryset.select_for_update(no_key=True).order_by("pk").values_list("pk"))
    return queryset.order_by("position", "pk")


def _save_positions(siblings: list[PlanNode]) -> None:
    changed = []
    for index, sibling in enumerate(siblings):
        if sibling.position != index:
            sibling.position = index
            changed.append(sibling)
    if changed:
        PlanNode.objects.bulk_update(changed, ["position"])
        bump_for(changed)


def _relevel(node: PlanNode, level: PlanLevel) -> None:
    levels = list(PlanLevel.objects.filter(convention_id=node.convention_id).order_by("position"))
    index = {lv.pk: i for i, lv in enumerate(levels)}
    delta = index[level.pk] - index[node.level_id]
    node.level = level
    node.save(update_fields=["level", "updated_at"])
    descendants = list(PlanNode.objects.filter(pk__in=descendant_ids(node)).only("pk", "level"))
    for descendant in descendants:
        descendant.level_id = levels[
            min(max(index[descendant.level_id] + delta, 0), len(levels) - 1)
        ].pk
    PlanNode.objects.bulk_update(descendants, ["level"])
    bump(node.convention_id)


def _apply(node: PlanNode, data: NodeData) -> None:
    convention = node.convention
    if data.level.convention_id != convention.pk:
        raise PlanError("Ce niveau n'appartient pas à cette CTG.")
    node.level = data.level
    for name in SCALAR_FIELDS:
        setattr(node, name, getattr(data, name))
    node.title = node.title.strip()
    node.number = node.number.strip()
    if not node.title:
        raise PlanError("L'intitulé est obligatoire.")
    try:
        node.full_clean(exclude=["convention", "parent", "position"])
    except ValidationError as error:
        raise PlanError(" ".join(validation_messages(error))) from error
    if not data.whole_territory:
        if not data.communes:
            raise PlanError("Choisissez au moins une commune, ou « tout le territoire de la CTG ».")
        allowed = set(convention_communes(convention).values_list("code", flat=True))
        outside = [c for c in data.communes if c.code not in allowed]
        if outside:
            names = ", ".join(c.name for c in outside)
            raise PlanError(f"Hors du territoire de la CTG : {names}.")
    for thematic in data.thematics:
        if thematic.convention_id not in (None, convention.pk):
            raise PlanError(f"La thématique « {thematic.label} » n'appartient pas à cette CTG.")
    check_budget(convention, data.budget_lines or [])
    check_indicators(convention, data.indicators or [])


def _write_relations(node: PlanNode, data: NodeData) -> None:
    node.communes.set([] if data.whole_territory else data.communes)
    node.pilots.set([get_or_create_organisation(name) for name in data.pilots])
    node.partners.set([get_or_create_organisation(name) for name in data.partners])
    thematics = list(data.thematics)
    for label in data.new_thematics:
        thematic = get_or_create_thematic(node.convention, label)
        if thematic not in thematics:
            thematics.append(thematic)
    node.thematics.set(thematics)
    if data.budget_lines is not None:
        sync_budget(node, data.budget_lines)
    if data.indicators is not None:
        sync_indicators(node, data.indicators)


# Bulk creation (imports).

# Organisation names looked up per query (SQLite limits the depth of an OR chain).
ORGANISATION_LOOKUP_CHUNK = 100


@dataclass
class NodeSpec:
    """One element for create_nodes, with the elements to create under it."""

    data: NodeData
    children: list["NodeSpec"] = field(default_factory=list)
    # The caller's own reference (an import's label of the element), given back on NodeError.
    key: object = None


class NodeError(PlanError):
    """A PlanError raised by create_nodes, naming the element that could not be created."""

    def __init__(self, message: str, spec: NodeSpec) -> None:
        super().__init__(message)
        self.spec = spec


@transaction.atomic
def create_nodes(
    convention, specs: list[NodeSpec], *, by, parent: PlanNode | None = None
) -> list[PlanNode]:
    """Create these subtrees under parent (last among its children) and return their elements.

    The result is what create_node would give element by element, parents before children (same
    checks and French messages, same positions, history recorded with by as its author), in a
    number of queries bounded per level of depth rather than per element. The elements come back
    depth first, in the order of specs; on an error (a NodeError naming the element) nothing is
    written.
    """
    if parent is not None and parent.convention_id != convention.pk:
        raise PlanError("L'élément parent n'appartient pas à cette CTG.")
    lock_convention(convention)
    flat: list[tuple[NodeSpec, NodeSpec | None]] = []

    def flatten(items: list[NodeSpec], above: NodeSpec | None) -> None:
        for spec in items:
            flat.append((spec, above))
            flatten(spec.children, spec)

    flatten(specs, None)
    if not flat:
        return []
    checker = _BulkChecker(convention, [spec.data for spec, _above in flat])
    nodes: dict[int, PlanNode] = {}
    relations: dict[int, dict[str, list]] = {}
    for spec, above in flat:
        node = PlanNode(convention=convention, parent=parent if above is None else None)
        inherited = (
            nodes[id(above)].is_internal
            if above is not None
            else bool(parent is not None and parent.is_internal)
        )
        node.is_internal = bool(spec.data.is_internal) or inherited
        try:
            checker.apply(node, spec.data)
            relations[id(spec)] = checker.relations(spec.data)
        except PlanError as error:
            raise NodeError(str(error), spec) from error
        nodes[id(spec)] = node

    # Nodes, one depth at a time: a child needs its parent's primary key.
    first_position = len(list(_siblings(convention, parent.pk if parent else None, lock=True)))
    created: list[PlanNode] = []
    group, position_of = specs, {}
    for index, spec in enumerate(specs):
        position_of[id(spec)] = first_position + index
    above_of = {id(spec): above for spec, above in flat}
    while group:
        batch = []
        for spec in group:
            node = nodes[id(spec)]
            above = above_of[id(spec)]
            if above is not None:
                node.parent = nodes[id(above)]
            node.position = position_of[id(spec)]
            batch.append(node)
            for index, child in enumerate(spec.children):
                position_of[id(child)] = index
        PlanNode.objects.bulk_create(batch)
        bump_for(batch)
        created.extend(batch)
        group = [child for spec in group for child in spec.children]

    _bulk_relations(
        [(nodes[id(spec)], relations[id(spec)]) for spec, _above in flat], by=by, created=created
    )
    _bulk_budget_and_indicators([(nodes[id(spec)], spec.data) for spec, _above in flat], by=by)
    logger.debug("%s plan nodes created in %s by %s", len(flat), convention.slug, by)
    return [nodes[id(spec)] for spec, _above in flat]


class _BulkChecker:
    """The checks of _apply and _write_relations, with the lookups made once for all elements."""

    def __init__(self, convention, datas: list[NodeData]) -> None:
        self.convention = convention
        level_ids = {data.level.pk for data in datas}
        self.known_levels = set(
            PlanLevel.objects.filter(pk__in=level_ids).values_list("pk", flat=True)
        )
        self.allowed_communes: set[str] | None = None
        self.thematics: dict[str, Thematic] = {}
        self.organisations = _organisations_by_name(
            [name for data in datas for name in [*data.pilots, *data.partners]]
        )

    def apply(self, node: PlanNode, data: NodeData) -> None:
        """Set the node's fields from data, checked as _apply does."""
        convention = self.convention
        if data.level.convention_id != convention.pk:
            raise PlanError("Ce niveau n'appartient pas à cette CTG.")
        node.level = data.level
        for name in SCALAR_FIELDS:
            setattr(node, name, getattr(data, name))
        node.title = node.title.strip()
        node.number = node.number.strip()
        if not node.title:
            raise PlanError("L'intitulé est obligatoire.")
        exclude = ["convention", "parent", "position"]
        if data.level.pk in self.known_levels:  # spares a query per element
            exclude.append("level")
        try:
            node.full_clean(exclude=exclude)
        except ValidationError as error:
            raise PlanError(" ".join(validation_messages(error))) from error
        if not data.whole_territory:
            if not data.communes:
                raise PlanError(
                    "Choisissez au moins une commune, ou « tout le territoire de la CTG »."
                )
            if self.allowed_communes is None:
                self.allowed_communes = set(
                    convention_communes(convention).values_list("code", flat=True)
                )
            outside = [c for c in data.communes if c.code not in self.allowed_communes]
            if outside:
                names = ", ".join(c.name for c in outside)
                raise PlanError(f"Hors du territoire de la CTG : {names}.")
        for thematic in data.thematics:
            if thematic.convention_id not in (None, convention.pk):
                raise PlanError(f"La thématique « {thematic.label} » n'appartient pas à cette CTG.")
        check_budget(convention, data.budget_lines or [])
        check_indicators(convention, data.indicators or [])

    def relations(self, data: NodeData) -> dict[str, list]:
        """Return the node's many-to-many targets, as _write_relations finds or creates them."""
        thematics = list(data.thematics)
        for label in data.new_thematics:
            if label not in self.thematics:
                self.thematics[label] = get_or_create_thematic(self.convention, label)
            if self.thematics[label] not in thematics:
                thematics.append(self.thematics[label])
        return {
            "communes": [] if data.whole_territory else list(data.communes),
            "pilots": [self.organisation(name) for name in data.pilots],
            "partners": [self.organisation(name) for name in data.partners],
            "thematics": thematics,
        }

    def organisation(self, name: str) -> Organisation:
        key = " ".join(name.split()).casefold()
        if key not in self.organisations:
            self.organisations[key] = get_or_create_organisation(name)
        return self.organisations[key]


def _organisations_by_name(names: list[str]) -> dict[str, Organisation]:
    """Return the organisations of these names (whatever their case) by folded name, creating
    the missing ones; names get_or_create_organisation would refuse are left to it."""
    max_length = Organisation._meta.get_field("name").max_length
    wanted: dict[str, str] = {}  # folded name: its first spelling, as element by element
    for name in names:
        name = " ".join(name.split())
        if name and len(name) <= max_length:
            wanted.setdefault(name.casefold(), name)
    found = _find_organisations(list(wanted.values()))
    missing = [name for key, name in wanted.items() if key not in found]
    if missing:
        # Conflicts: created meanwhile, or a case the database folds differently.
        Organisation.objects.bulk_create(
            [Organisation(name=name) for name in missing], ignore_conflicts=True
        )
        found.update(_find_organisations(missing))
    return {key: organisation for key, organisation in found.items() if key in wanted}


def _find_organisations(names: list[str]) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for start in range(0, len(names), ORGANISATION_LOOKUP_CHUNK):
        query = models.Q()
        for name in names[start : start + ORGANISATION_LOOKUP_CHUNK]:
            query |= models.Q(name__iexact=name)
        for organisation in Organisation.objects.filter(query):
            # The first in the default order, as get_or_create_organisation's .first().
            found.setdefault(organisation.name.casefold(), organisation)
    return found


def _bulk_relations(items: list[tuple[PlanNode, dict[str, list]]], *, by, created) -> None:
    """Write the many-to-many rows, then the nodes' history with these rows in it."""
    through_rows: dict[str, tuple[str, list]] = {}
    for name in ("communes", "pilots", "partners", "thematics"):
        model_field = PlanNode._meta.get_field(name)
        through = model_field.remote_field.through
        source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
        rows = [
            through(**{f"{source}_id": node.pk, f"{target}_id": related.pk})
            for node, relations in items
            for related in dict.fromkeys(relations[name])  # .set() ignores duplicates too
        ]
        through_rows[name] = (f"{source}_id", through.objects.bulk_create(rows))
    bump_for(node for node, _ in items)
    history = PlanNode.history.bulk_history_create(created, default_user=by)
    history_of = {record.id: record for record in history}
    for name, (node_attname, rows) in through_rows.items():
        if not rows:
            continue
        m2m_history = apps.get_model(PlanNode._meta.app_label, f"HistoricalPlanNode_{name}")
        through = rows[0]._meta
        m2m_history.objects.bulk_create(
            m2m_history(
                history=history_of[getattr(row, node_attname)],
                **{f.attname: getattr(row, f.attname) for f in through.fields},
            )
            for row in rows
        )


def _bulk_budget_and_indicators(items: list[tuple[PlanNode, NodeData]], *, by) -> None:
    lines, indicators, targets = [], [], []
    for node, data in items:
        for line in data.budget_lines or []:
            lines.append(
                BudgetLine(
                    node=node,
                    funder=line.funder.strip(),
                    amount=line.amount,
                    year=line.year,
                    comment=line.comment.strip(),
                )
            )
        for position, spec in enumerate(data.indicators or []):
            indicator = Indicator(
                node=node,
                convention_id=node.convention_id,
                position=position,
                name=spec.name.strip(),
                unit=spec.unit.strip(),
                baseline_value=spec.baseline_value,
                baseline_year=spec.baseline_year,
                source=spec.source.strip(),
                frequency=spec.frequency.strip(),
            )
            indicators.append(indicator)
            targets.extend(
                IndicatorTarget(indicator=indicator, year=year, value=value)
                for year, value in spec.targets.items()
            )
    if lines:
        bulk_create_with_history(lines, BudgetLine, default_user=by)
    if indicators:
        bulk_create_with_history(indicators, Indicator, default_user=by)
    if targets:
        bulk_create_with_history(targets, IndicatorTarget, default_user=by)
    bump_for(node for node, _ in items)
