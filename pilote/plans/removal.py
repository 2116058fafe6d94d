"""Delete an element of the plan into the CTG's trash, and put it back at its place."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from pilote.conventions.locks import lock_convention
from pilote.conventions.models import TrashItem, TrashKind
from pilote.conventions.trash import discard
from pilote.core.transactions import retry_transaction

from .models import PlanNode
from .node_data import PlanError
from .services import _save_positions, _siblings
from .tree import descendant_ids


def _trash_label(node: PlanNode) -> str:
    """Return how the trash names an element: « Fiche action 2.3 – Accueil des 0-3 ans »."""
    if node.number:
        return f"{node.level.name} {node.number} – {node.title}"
    return f"{node.level.name} « {node.title} »"


def restore_position(node: PlanNode) -> None:
    """Put an element back from the trash at its former place among its siblings."""
    lock_convention(node.convention_id)
    siblings = [s for s in _siblings(node.convention, node.parent_id, lock=True) if s.pk != node.pk]
    siblings.insert(min(node.position, len(siblings)), node)
    _save_positions(siblings)


@dataclass
class DeletedNode:
    """An element deleted into the trash: how many elements went, and the trash item."""

    count: int
    item: TrashItem


@retry_transaction
@transaction.atomic
def delete_node(node: PlanNode, *, by=None) -> DeletedNode:
    """Delete an element with everything under it into the CTG's trash (files kept there)."""
    lock_convention(node.convention_id)
    count = 1 + len(descendant_ids(node))
    convention, parent_id = node.convention, node.parent_id
    label = _trash_label(node)
    # Positions 0, 1, 2…: the position kept in the trash is the element's index, where
    # restore_position puts it back.
    siblings = list(_siblings(convention, parent_id, lock=True))
    _save_positions(siblings)
    node.position = next(s.position for s in siblings if s.pk == node.pk)
    try:
        item = discard(node, convention=convention, user=by, kind=TrashKind.NODE, label=label)
    except (ProtectedError, RestrictedError) as error:
        raise PlanError(
            "Impossible de supprimer cet élément : des données y sont encore rattachées "
            "(suivis, mesures…)."
        ) from error
    _save_positions(list(_siblings(convention, parent_id, lock=True)))
    return DeletedNode(count, item)
