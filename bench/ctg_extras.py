"""The rest of the bench CTG: facilities, governance (bodies, meetings, decisions) and history.

bench/run.py builds the plan and its follow-up by bulk inserts, which write no history and leave
the facilities and governance pages empty. This fills them in proportion to the number of
actions, so that every page of the CTG has something to show (and to cost) at 500 and 2,000
actions: one facility per 10 actions, three bodies of 8 members, two meetings per body and year
with every member's attendance, one decision per 10 actions spread over the meetings, and the
creation history of every element, update, facility, meeting and decision.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

BODIES = [
    ("copil", "Comité de pilotage de la CTG"),
    ("cotech", "Comité technique"),
    ("commission", "Commission petite enfance et jeunesse"),
]
MEMBERS_PER_BODY = 8
FACILITY_KINDS = [
    ("alsh", "Accueil de loisirs", "places", 60),
    ("eaje", "Multi-accueil", "places", 30),
    ("mam", "MAM", "places", 12),
    ("rpe", "Relais petite enfance", "etp", 2),
    ("jeunesse", "Espace jeunes", "places", 24),
]


def add_extras(convention, nodes, updates, user, communes) -> dict[str, int]:
    """Add facilities, governance and creation history to the bench CTG; return the counts."""
    facilities = _facilities(convention, nodes, communes)
    meetings, decisions = _governance(convention, nodes, user)
    _history(nodes, user)
    _history(updates, user)
    _history(facilities, user)
    _history(meetings, user)
    _history(decisions, user)
    return {
        "facilities": len(facilities),
        "meetings": len(meetings),
        "decisions": len(decisions),
    }


def _facilities(convention, nodes, communes) -> list:
    from pilote.facilities.enums import FacilityKind
    from pilote.facilities.models import Facility

    known = {choice.value for choice in FacilityKind}
    kinds = [row for row in FACILITY_KINDS if row[0] in known] or [
        (FacilityKind.EAJE.value, "Multi-accueil", "places", 30)
    ]
    facilities = []
    for i in range(max(1, len(nodes) // 10)):
        kind, label, unit, capacity = kinds[i % len(kinds)]
        commune = communes[i % len(communes)] if communes else None
        place = commune.name if commune else convention.name
        facilities.append(
            Facility(
                convention=convention,
                manager=f"Commune de {place}",
                name=f"{label} n° {i + 1} de {place}",
                kind=kind,
                commune=commune,
                capacity=Decimal(capacity),
                capacity_unit=unit,
                opening_year=1990 + i % 30,
            )
        )
    facilities = Facility.objects.bulk_create(facilities)
    Facility.actions.through.objects.bulk_create(
        Facility.actions.through(facility_id=facility.pk, plannode_id=nodes[i * 10 % len(nodes)].pk)
        for i, facility in enumerate(facilities)
    )
    return facilities


def _governance(convention, nodes, user) -> tuple[list, list]:
    from pilote.governance.enums import AttendanceStatus, DecisionKind, MeetingKind
    from pilote.governance.models import Attendance, Body, BodyMember, Decision, Meeting

    bodies = Body.objects.bulk_create(
        Body(convention=convention, kind=kind, name=name, position=i)
        for i, (kind, name) in enumerate(BODIES)
    )
    members = BodyMember.objects.bulk_create(
        BodyMember(
            body=body,
            organisation=f"Partenaire {k + 1}",
            person=f"Personne {k + 1}",
            role="Représentant·e",
            position=k,
        )
        for body in bodies
        for k in range(MEMBERS_PER_BODY)
    )
    kinds = [MeetingKind.ANNUAL, MeetingKind.OTHER]
    meetings = Meeting.objects.bulk_create(
        Meeting(
            convention=convention,
            body=body,
            kind=kinds[half],
            date=datetime.date(year, 4 + 6 * half, 10 + b),
            title=f"{body.name} – {year} ({half + 1})",
            location="Salle du conseil",
            agenda="Point d'étape du plan d'actions.",
            minutes="Les pilotes présentent l'avancement des actions.",
        )
        for b, body in enumerate(bodies)
        for year in convention.years
        for half in (0, 1)
    )
    statuses = list(AttendanceStatus)
    by_body: dict[int, list] = {}
    for member in members:
        by_body.setdefault(member.body_id, []).append(member)
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=member, status=statuses[k % len(statuses)])
        for meeting in meetings
        for k, member in enumerate(by_body[meeting.body_id])
    )
    decision_kinds = list(DecisionKind)
    decisions = Decision.objects.bulk_create(
        Decision(
            meeting=meetings[i % len(meetings)],
            node=node,
            kind=decision_kinds[i % len(decision_kinds)],
            text=f"Le comité valide l'avancement de l'action {node.number}.",
            position=i // len(meetings),
        )
        for i, node in enumerate(nodes[::10])
    )
    return meetings, decisions


def _history(objects, user) -> None:
    """Write one creation row per object in its historical table (bulk_create writes none)."""
    if not objects:
        return
    model = type(objects[0])
    model.history.bulk_history_create(objects, batch_size=2000, default_user=user)
