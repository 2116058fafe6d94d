"""Export of the governance section: bodies, meetings, bilans, versions of the plan."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from pilote.core.exchange import account_name, iso_moment
from pilote.facilities.register.services import ActionIndex
from pilote.plans.tree import outline_order

from ..models import Attendance, Body, BodyMember, Decision, Meeting, PlanVersion, Review
from .common import SECTION


def export_sections(convention, *, include_internal: bool = True) -> dict[str, Any]:
    """Return {"governance": …} for a CTG's export, or {} when it has no governance at all."""
    section = export_governance(convention, include_internal=include_internal)
    return {SECTION: section} if any(section.values()) else {}


def export_governance(convention, *, include_internal: bool = True) -> dict[str, list]:
    """Return the CTG's governance as JSON-serialisable data (a fixed number of queries).

    Without include_internal (an export for a reader), members' e-mails are left empty and the
    accounts that closed a bilan or recorded a version are left out.
    """
    bodies = list(
        Body.objects.filter(convention=convention)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch("members", queryset=BodyMember.objects.order_by("position", "pk"))
        )
    )
    member_rank = {
        member.pk: rank for body in bodies for rank, member in enumerate(body.members.all(), 1)
    }
    meetings = list(
        Meeting.objects.filter(convention=convention)
        .select_related("body")
        .prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.select_related("member")),
            Prefetch("decisions", queryset=Decision.objects.order_by("position", "pk")),
        )
        .order_by("date", "pk")
    )
    meeting_rank = {meeting.pk: rank for rank, meeting in enumerate(meetings, 1)}
    reviews = list(
        Review.objects.filter(convention=convention)
        .select_related("closed_by")
        .order_by("year", "kind", "pk")
    )
    versions = list(
        PlanVersion.objects.filter(convention=convention)
        .select_related("amendment", "taken_by")
        .order_by("taken_at", "pk")
    )
    if not (bodies or meetings or reviews or versions):
        return {"bodies": [], "meetings": [], "reviews": [], "plan_versions": []}
    actions = ActionIndex(convention)
    if not include_internal:  # a reader's export names no internal element (plans.visibility)
        actions.by_pk = {pk: node for pk, node in actions.by_pk.items() if not node.is_internal}
    ranks = {
        pk: rank + 1
        for pk, rank in outline_order(convention, include_internal=include_internal).items()
    }

    def username(user, stored_name: str) -> str | None:
        return account_name(user, stored_name) if include_internal else None

    return {
        "bodies": _export_bodies(bodies, include_internal=include_internal),
        "meetings": _export_meetings(meetings, member_rank, actions),
        "reviews": _export_reviews(reviews, meeting_rank, username),
        "plan_versions": _export_versions(versions, ranks, username),
    }


def _export_bodies(bodies, *, include_internal: bool) -> list[dict]:
    return [
        {
            "kind": body.kind,
            "name": body.name,
            "mission": body.mission,
            "members": [
                {
                    "organisation": member.organisation,
                    "person": member.person,
                    "role": member.role,
                    "email": member.email if include_internal else "",
                    "voting": member.voting,
                }
                for member in body.members.all()
            ],
        }
        for body in bodies
    ]


def _export_meetings(meetings, member_rank: dict[int, int], actions: ActionIndex) -> list[dict]:
    return [
        {
            "body": meeting.body.name,
            "kind": meeting.kind,
            "date": meeting.date.isoformat(),
            "title": meeting.title,
            "location": meeting.location,
            "agenda": meeting.agenda,
            "minutes": meeting.minutes,
            "other_attendees": meeting.other_attendees,
            "attendance": [
                {"member": member_rank[attendance.member_id], "status": attendance.status}
                for attendance in sorted(
                    meeting.attendances.all(), key=lambda a: member_rank[a.member_id]
                )
            ],
            "decisions": [
                {
                    "kind": decision.kind,
                    "text": decision.text,
                    "action": actions.reference(actions.by_pk[decision.node_id])
                    if decision.node_id in actions.by_pk
                    else None,
                    "postponed_to": decision.postponed_to,
                    "postponed_quarter": decision.postponed_quarter,
                }
                for decision in meeting.decisions.all()
            ],
        }
        for meeting in meetings
    ]


def _export_reviews(reviews, meeting_rank: dict[int, int], username) -> list[dict]:
    return [
        {
            "kind": review.kind,
            "year": review.year,
            "meeting": meeting_rank.get(review.meeting_id),
            "summary": review.summary,
            "highlights": review.highlights,
            "difficulties": review.difficulties,
            "outlook": review.outlook,
            "status": review.status,
            "closed_at": _datetime(review.closed_at),
            "closed_by": username(review.closed_by, review.closed_by_name),
            "snapshot": review.snapshot,
        }
        for review in reviews
    ]


_datetime = iso_moment


def _export_versions(versions, ranks: dict[int, int], username) -> list[dict]:
    # Rows name elements by primary key: give them their rank in the exported plan instead.
    gone: dict[int, int] = {}

    def key(value):
        if not isinstance(value, int) or isinstance(value, bool):
            return value
        if value in ranks:
            return ranks[value]
        return gone.setdefault(value, -(len(gone) + 1))

    return [
        {
            "amendment": version.amendment.number if version.amendment_id else None,
            "taken_at": _datetime(version.taken_at),
            "taken_by": username(version.taken_by, version.taken_by_name),
            "nodes": [
                {**row, "key": key(row.get("key")), "parent_key": key(row.get("parent_key"))}
                if isinstance(row, dict)
                else row
                for row in version.nodes
            ],
        }
        for version in versions
    ]
