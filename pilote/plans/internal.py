"""Mark plan elements internal: the flag of an element and of its whole subtree.

The rule of who sees internal items is in pilote.plans.visibility; this module keeps the stored
flag right: an element under an internal element is internal too, so that each read needs the
element's own column only.
"""

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from pilote.accounts import audit
from pilote.accounts.enums import AuditAction
from pilote.conventions.locks import lock_convention
from pilote.conventions.versioning import bump_for
from pilote.core.transactions import retry_transaction

from .models import PlanNode
from .node_data import PlanError
from .tree import descendant_ids


@retry_transaction
@transaction.atomic
def set_node_internal(node: PlanNode, *, by, internal: bool) -> PlanNode:
    """Mark an element and its whole subtree internal (or no longer internal) and return it."""
    lock_convention(node.convention_id)
    node = PlanNode.objects.select_related("parent").get(pk=node.pk)
    if node.is_internal != internal:
        check_internal_change(node, internal)
        node.is_internal = internal
        node.save(update_fields=["is_internal", "updated_at"])
        mark_subtree(node, by=by)
    return node


def check_internal_change(node: PlanNode, internal: bool) -> None:
    """Raise PlanError if the element cannot leave the internal items (its parent is one)."""
    parent = node.parent if node.parent_id else None
    if not internal and parent is not None and parent.is_internal:
        raise PlanError(
            f"« {parent} » est interne, et tout ce qui se trouve sous lui l'est aussi : "
            "retirez d'abord la mention « Interne » de cet élément parent."
        )


def mark_subtree(node: PlanNode, *, by) -> None:
    """Give the node's whole subtree the node's flag, with a history line for each change.

    Called when the node's own flag has just changed: the change, with the number of elements
    it moves in or out of the internal items, goes to the audit log (« Journal »).
    """
    descendants = [
        d
        for d in PlanNode.objects.filter(pk__in=descendant_ids(node))
        if d.is_internal != node.is_internal
    ]
    for descendant in descendants:
        descendant.is_internal = node.is_internal
    if descendants:
        bulk_update_with_history(descendants, PlanNode, ["is_internal"], default_user=by)
        bump_for(descendants)
    audit.record(
        AuditAction.MARKED_INTERNAL if node.is_internal else AuditAction.MARKED_SHARED,
        user=by,
        convention=node.convention,
        target=str(node),
        **{"éléments": 1 + len(descendants)},  # noqa: PIE804 - shown as is in the Journal
    )
