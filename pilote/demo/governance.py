"""The governance of the demo CTGs: bodies, members, meetings, attendance and decisions.

Seed 003 (Provence-Alpes-Agglomération) describes its governance (article 6, annexe 4): a COPIL
co-chaired by the Caf and the agglomération, at parity with the communes, the Conseil
départemental and the SDJES, a comité technique and commissions de travail. The two other demo
CTGs get a plausible generic governance. Dates are fixed from each CTG's first year; meetings
held before `today` have their attendance, minutes and decisions, the later ones only an agenda.
Decisions point at real elements of the plans, found by level and number. Persons are named only
when the convention names them (its signatories) or when they are demo users.

The bodies and meetings of each CTG are described in governance_paa, governance_tarn and
governance_salon (with the shapes of governance_specs).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import User
from pilote.conventions.models import Convention
from pilote.governance.bodies.services import (
    BodyData,
    DecisionData,
    MeetingData,
    add_decision,
    create_body,
    create_meeting,
    record_attendance,
    record_minutes,
    replace_members,
)
from pilote.governance.models import Body
from pilote.plans.models import PlanNode

from .governance_paa import PAA_BODIES, PAA_MEETINGS
from .governance_salon import SALON_BODIES, SALON_MEETINGS
from .governance_specs import PAA, SALON, TARN, GovernanceResult
from .governance_tarn import TARN_BODIES, TARN_MEETINGS

SPECS = {
    PAA: (PAA_BODIES, PAA_MEETINGS),
    TARN: (TARN_BODIES, TARN_MEETINGS),
    SALON: (SALON_BODIES, SALON_MEETINGS),
}


def generate_demo_governance(*, today: datetime.date | None = None) -> list[GovernanceResult]:
    """Give each demo CTG its governance (skipped for a CTG that already has bodies)."""
    today = today or timezone.localdate()
    results = []
    for slug, (bodies, meetings) in SPECS.items():
        convention = Convention.objects.filter(slug=slug).first()
        if convention is None:
            continue
        if Body.objects.filter(convention=convention).exists():
            results.append(GovernanceResult(convention, created=False))
            continue
        with transaction.atomic():
            results.append(_generate(convention, bodies, meetings, today))
    return results


def demo_coordinator(convention: Convention) -> User | None:
    """Return the demo coordinator of the CTG, who signs the history (None if absent)."""
    return (
        User.objects.filter(memberships__convention=convention, memberships__role=Role.COORDINATOR)
        .order_by("username")
        .first()
    )


def _find_node(convention: Convention, ref: tuple[str, str] | None) -> PlanNode | None:
    if ref is None:
        return None
    level, number = ref
    return (
        PlanNode.objects.filter(convention=convention, level__name=level, number=number)
        .select_related("level")
        .order_by("pk")
        .first()
    )


def _generate(convention, bodies, meetings, today: datetime.date) -> GovernanceResult:
    result = GovernanceResult(convention, created=True)
    by = demo_coordinator(convention)
    by_name: dict[str, Body] = {}
    for spec in bodies:
        body = create_body(
            convention, BodyData(kind=spec.kind, name=spec.name, mission=spec.mission), by=by
        )
        replace_members(body, list(spec.members), by=by)
        by_name[spec.name] = body
        result.bodies += 1
    first_year = convention.start_date.year
    for spec in meetings:
        offset, month, day = spec.when
        date = datetime.date(first_year + offset, month, day)
        body = by_name[spec.body]
        meeting = create_meeting(
            convention,
            MeetingData(
                body=body,
                kind=spec.kind,
                date=date,
                title=spec.title,
                location=spec.location,
                agenda=spec.agenda,
            ),
            by=by,
        )
        result.meetings += 1
        if date >= today:
            continue  # not held yet: an agenda only
        members = list(body.members.order_by("position", "pk"))
        record_attendance(
            meeting,
            {member.pk: status for member, status in zip(members, spec.attendance, strict=False)},
            other_attendees=spec.other_attendees,
            by=by,
        )
        if spec.minutes:
            record_minutes(meeting, spec.minutes, by=by)
        for decision in spec.decisions:
            node = _find_node(convention, decision.node)
            if decision.node is not None and node is None:
                result.skipped.append(f"{decision.node[0]} {decision.node[1]}")
                continue
            add_decision(
                meeting,
                DecisionData(
                    kind=decision.kind,
                    text=decision.text,
                    node=node,
                    postponed_to=decision.postponed_to,
                ),
                by=by,
            )
            result.decisions += 1
    return result
