"""Reads of the partner links: the CTG's actions and organisations, the pending submissions."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from pilote.accounts.models import Organisation
from pilote.plans.models import Indicator, PlanNode

from ..perms import effective_pilot_ids
from ..queries import latest_updates
from ..reminders import effective_pilots, number_order
from .models import PartnerLink, PartnerSubmission, SubmissionState


def number_key(node: PlanNode) -> tuple:
    """Sort elements by their number as people read it: 1.2 before 1.10."""
    # The parts in a tuple of their own: numbers of other depths (1.2, 1.2.1) compare part by
    # part, never a part with the pk.
    return (number_order(node.number), node.pk)


def tracked_actions(convention) -> list[PlanNode]:
    """Return the CTG's tracked actions in number order (one query), never an internal one: a
    partner link never shows internal items (pilote.plans.visibility)."""
    nodes = (
        PlanNode.objects.filter(convention=convention, level__tracked=True)
        .public()
        .select_related("level")
    )
    return sorted(nodes, key=number_key)


def plan_organisations(convention) -> list[Organisation]:
    """Return the organisations that pilot or partner an element of the CTG's plan."""
    return list(
        Organisation.objects.filter(
            Q(piloted_nodes__convention=convention) | Q(partner_nodes__convention=convention)
        )
        .distinct()
        .order_by("name")
    )


def actions_piloted_by(convention, organisation_id: int, actions: list[PlanNode]) -> list[int]:
    """Return the pks of these actions piloted by the organisation (their own or their fiche's)."""
    pilots = effective_pilots(convention)
    return [
        node.pk
        for node in actions
        if organisation_id in {organisation.pk for organisation in pilots.get(node.pk, [])}
    ]


def first_pilot_with_email(node: PlanNode) -> Organisation | None:
    """Return the action's first pilot (its own or its fiche's) that has an e-mail address."""
    ids = effective_pilot_ids(node)
    return Organisation.objects.filter(pk__in=ids).exclude(email="").order_by("name").first()


def convention_links(convention):
    """Return the CTG's links, newest first, with their actions and counts (three queries)."""
    return (
        PartnerLink.objects.filter(convention=convention)
        .select_related("organisation", "created_by")
        .prefetch_related(Prefetch("actions", queryset=PlanNode.objects.order_by("number", "pk")))
        .annotate(
            submission_count=Count("submissions"),
            pending_count=Count(
                "submissions", filter=Q(submissions__state=SubmissionState.PENDING)
            ),
        )
    )


def pending_count(convention) -> int:
    return PartnerSubmission.objects.filter(
        convention=convention, state=SubmissionState.PENDING
    ).count()


def pending_submissions(convention) -> list[PartnerSubmission]:
    """Return the CTG's pending submissions, each with its action's indicators and latest update.

    A fixed number of queries whatever their number: the submissions with their actions, the
    indicators of those actions, and the latest update of each.
    """
    submissions = list(
        PartnerSubmission.objects.filter(convention=convention, state=SubmissionState.PENDING)
        .select_related("node__level", "link")
        .order_by("submitted_at", "pk")
    )
    node_ids = {s.node_id for s in submissions}
    indicators: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(node_id__in=node_ids).order_by("position", "pk"):
        indicators.setdefault(indicator.node_id, []).append(indicator)
    latest = {}
    if node_ids:  # the editors' page
        latest = latest_updates(convention, node_ids=node_ids, include_internal=True)
    for submission in submissions:
        submission.node.convention = convention  # already read: no query per link to the action
        submission.indicator_rows = _indicator_rows(
            submission, indicators.get(submission.node_id, [])
        )
        submission.latest = latest.get(submission.node_id)
    return submissions


def _indicator_rows(submission: PartnerSubmission, indicators: list[Indicator]) -> list[dict]:
    sent = {int(m["indicator"]): m["value"] for m in submission.measurements}
    return [
        {"indicator": indicator, "value": sent[indicator.pk]}
        for indicator in indicators
        if indicator.pk in sent
    ]
