"""Reads of the follow-up, in a fixed number of queries whatever the plan's size."""

from django.db.models import OuterRef, Subquery

from pilote.plans.models import PlanNode

from .models import ActionUpdate


def tracked_nodes(convention):
    """Return the CTG's actions followed each quarter (nodes of tracked levels)."""
    return PlanNode.objects.filter(convention=convention, level__tracked=True)


def latest_updates(convention, *, node_ids=None) -> dict[int, ActionUpdate]:
    """Return the latest update of each action of the CTG, by node id (one query)."""
    latest = (
        ActionUpdate.objects.filter(node=OuterRef("node"))
        .order_by("-year", "-quarter", "-created_at", "-pk")
        .values("pk")[:1]
    )
    updates = ActionUpdate.objects.filter(convention=convention, pk=Subquery(latest))
    if node_ids is not None:
        updates = updates.filter(node_id__in=node_ids)
    return {update.node_id: update for update in updates.select_related("author")}
