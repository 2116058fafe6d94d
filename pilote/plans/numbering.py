"""Renumbering a CTG's plan from the positions of its elements (the renumber page)."""

from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from pilote.conventions.locks import lock_convention
from pilote.conventions.versioning import bump
from pilote.core.transactions import retry_transaction

from .enums import NumberingMode
from .models import PlanLevel, PlanNode
from .node_data import PlanError
from .tree import TreeNode, build_tree, walk


@dataclass
class NumberChange:
    """The number an element has, and the one renumbering gives it."""

    node: PlanNode
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def plan_renumbering(
    convention,
    *,
    scope: PlanNode | None,
    mode: str,
    levels: list[PlanLevel] | None = None,
) -> list[NumberChange]:
    """Return the numbers the elements would get, without saving anything.

    scope is the subtree to renumber (its own number is kept) or None for the whole plan;
    levels restricts the change to the elements of these levels (default: all).
    """
    if mode not in NumberingMode.values:
        raise PlanError("Mode de numérotation inconnu.")
    nodes = list(
        PlanNode.objects.filter(convention=convention)
        .select_related("level")
        .only("pk", "parent_id", "position", "number", "title", "level__name", "level_id")
    )
    roots = build_tree(nodes)
    if scope is not None:
        if scope.convention_id != convention.pk:
            raise PlanError("Cet élément n'appartient pas à cette CTG.")
        scope_item = next((item for item in walk(roots) if item.node.pk == scope.pk), None)
        if scope_item is None:
            raise PlanError("Élément introuvable.")
        top, prefix = scope_item.children, scope_item.node.number
    else:
        top, prefix = roots, ""
    level_ids = {lv.pk for lv in levels} if levels else None
    changes: list[NumberChange] = []
    continuous: Counter[int] = Counter()

    def visit(items: list[TreeNode], parent_number: str) -> None:
        ranks: Counter[int] = Counter()
        for item in items:
            node = item.node
            ranks[node.level_id] += 1
            number = node.number
            if level_ids is None or node.level_id in level_ids:
                if mode == NumberingMode.HIERARCHICAL:
                    rank = str(ranks[node.level_id])
                    number = f"{parent_number}.{rank}" if parent_number else rank
                elif mode == NumberingMode.PER_LEVEL:
                    number = str(ranks[node.level_id])
                else:
                    continuous[node.level_id] += 1
                    number = str(continuous[node.level_id])
                if len(number) > PlanNode._meta.get_field("number").max_length:
                    raise PlanError(f"Le numéro « {number} » est trop long.")
                changes.append(NumberChange(node=node, old=node.number, new=number))
            visit(item.children, number)

    visit(top, prefix)
    return changes


@retry_transaction
@transaction.atomic
def renumber(
    convention,
    *,
    scope: PlanNode | None,
    mode: str,
    levels: list[PlanLevel] | None = None,
) -> list[NumberChange]:
    """Number the elements from their positions (see plan_renumbering) and return the changes."""
    lock_convention(convention)
    # Every element may change: all locked, in primary-key order, before the first is written.
    list(
        PlanNode.objects.filter(convention=convention)
        .select_for_update(no_key=True)
        .order_by("pk")
        .values_list("pk")
    )
    changes = plan_renumbering(convention, scope=scope, mode=mode, levels=levels)
    changed = [change for change in changes if change.changed]
    for change in changed:
        change.node.number = change.new
    PlanNode.objects.bulk_update([change.node for change in changed], ["number"], batch_size=500)
    bump(convention)
    return changes
