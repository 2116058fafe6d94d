"""Write the governance of a CTG: bodies and their members, meetings, attendance, minutes and
decisions. One transaction per function.

Views, the demo data and commands write through these functions; they raise GovernanceError
with a French message that can be shown as is. Who may call them is checked by the views
(pilote.conventions.access); `by` is the author recorded in the history.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pilote.conventions.models import TrashItem, TrashKind
from pilote.conventions.trash import discard
from pilote.core.history import acting_as
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate
from pilote.monitoring.periods import Quarter
from pilote.monitoring.services import FollowUpError, record_update
from pilote.plans.models import PlanNode

from ..enums import AttendanceStatus, BodyKind, DecisionKind, MeetingKind
from ..exceptions import GovernanceError
from ..models import Attendance, Body, BodyMember, Decision, Meeting, postponed_label

TEXT_LIMIT = 255
# A COPIL may meet the year before the CTG starts (to validate the plan) and the year after it
# ends (to close the bilan final).
MEETING_MARGIN_YEARS = 1
# The decisions that may also record an update on the action, and the status they give it.
UPDATE_STATUS_OF = {
    DecisionKind.POSTPONE: UpdateStatus.POSTPONED,
    DecisionKind.ABANDON: UpdateStatus.ABANDONED,
}


@dataclass
class BodyData:
    kind: str
    name: str
    mission: str = ""


@dataclass
class MemberData:
    """One seat of a body; pk is that of an existing member, None for a new one."""

    organisation: str
    person: str = ""
    role: str = ""
    email: str = ""
    voting: bool = True
    pk: int | None = None


@dataclass
class MeetingData:
    body: Body
    kind: str
    date: datetime.date
    title: str = ""
    location: str = ""
    agenda: str = ""


@dataclass
class DecisionData:
    kind: str
    text: str
    node: PlanNode | None = None
    postponed_to: int | None = None
    postponed_quarter: int | None = None  # 1–4, with postponed_to only
    # Also record an update (reportée / abandonnée) on the tracked action the decision is about.
    record_update: bool = False


@dataclass
class SavedDecision:
    decision: Decision
    update: ActionUpdate | None = None


@contextmanager
def _as(by) -> Iterator[None]:
    """Record the history of the block as written by `by` (requests already say who acts)."""
    with acting_as(by) if by is not None else nullcontext():
        yield


def _required(value: str, message: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise GovernanceError(message, field=field)
    if len(value) > TEXT_LIMIT:
        raise GovernanceError(f"Ce texte dépasse {TEXT_LIMIT} caractères.", field=field)
    return value


def _short(value: str, label: str, field: str) -> str:
    value = value.strip()
    if len(value) > TEXT_LIMIT:
        raise GovernanceError(f"{label} dépasse {TEXT_LIMIT} caractères.", field=field)
    return value


# ---------------------------------------------------------------------------------------------
# Bodies and members
# ---------------------------------------------------------------------------------------------


def _check_body(convention, data: BodyData, *, body: Body | None = None) -> str:
    if data.kind not in BodyKind.values:
        raise GovernanceError(f"Type d'instance inconnu : « {data.kind} ».", field="kind")
    name = _required(data.name, "Indiquez le nom de l'instance.", "name")
    others = Body.objects.filter(convention=convention, name__iexact=name)
    if body is not None:
        others = others.exclude(pk=body.pk)
    if others.exists():
        raise GovernanceError(
            f"La CTG a déjà une instance nommée « {name} » : choisissez un autre nom.",
            field="name",
        )
    return name


def create_body(convention, data: BodyData, *, by=None) -> Body:
    """Add a body to the CTG, after the existing ones."""
    name = _check_body(convention, data)
    with transaction.atomic(), _as(by):
        last = Body.objects.filter(convention=convention).aggregate(last=Max("position"))["last"]
        return Body.objects.create(
            convention=convention,
            kind=data.kind,
            name=name,
            mission=data.mission.strip(),
            position=0 if last is None else last + 1,
        )


def update_body(body: Body, data: BodyData, *, by=None) -> Body:
    """Change a body's type, name and mission."""
    name = _check_body(body.convention, data, body=body)
    with transaction.atomic(), _as(by):
        body.kind, body.name, body.mission = data.kind, name, data.mission.strip()
        body.save()
    return body


def delete_body(body: Body, *, by=None) -> TrashItem:
    """Delete a body and its members; refused while it has meetings (they hold decisions)."""
    count = body.meetings.count()
    if count:
        raise GovernanceError(
            f"L'instance « {body.name} » ne peut pas être supprimée : elle a "
            f"{count} réunion{'s' if count > 1 else ''}, avec leurs présences et leurs "
            "décisions. Supprimez d'abord ses réunions, ou gardez l'instance."
        )
    with transaction.atomic(), _as(by):
        return discard(
            body, convention=body.convention, user=by, kind=TrashKind.BODY, label=body.name
        )


def _check_member(index: int, data: MemberData) -> MemberData:
    where = f"Membre n° {index}"
    organisation = data.organisation.strip()
    if not organisation:
        raise GovernanceError(f"{where} : indiquez son organisation.")
    email = data.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise GovernanceError(
                f"{where} : l'adresse « {email} » n'est pas une adresse électronique valide."
            ) from None
    return MemberData(
        organisation=_short(organisation, f"{where} : l'organisation", "organisation"),
        person=_short(data.person, f"{where} : le nom", "person"),
        role=_short(data.role, f"{where} : la fonction", "role"),
        email=email,
        voting=bool(data.voting),
        pk=data.pk,
    )


def replace_members(body: Body, members: Sequence[MemberData], *, by=None) -> list[TrashItem]:
    """Make the body's members exactly these, in this order; return the removed ones' items.

    A removed member goes to the CTG's trash with his or her attendance at past meetings.
    """
    checked = [_check_member(index, data) for index, data in enumerate(members, start=1)]
    with transaction.atomic(), _as(by):
        existing = {member.pk: member for member in body.members.select_for_update()}
        unknown = [data.pk for data in checked if data.pk and data.pk not in existing]
        if unknown:
            raise GovernanceError(
                "Un des membres modifiés n'appartient pas (ou plus) à cette instance : "
                "rechargez la page et recommencez."
            )
        kept = {data.pk for data in checked if data.pk}
        removed = [
            discard(
                member,
                convention=body.convention,
                user=by,
                kind=TrashKind.MEMBER,
                label=f"{member} – {body.name}",
            )
            for pk, member in existing.items()
            if pk not in kept
        ]
        for position, data in enumerate(checked):
            member = existing.get(data.pk) if data.pk else None
            member = member or BodyMember(body=body)
            member.organisation, member.person, member.role = (
                data.organisation,
                data.person,
                data.role,
            )
            member.email, member.voting, member.position = data.email, data.voting, position
            member.save()
    return removed


# ---------------------------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------------------------


def meeting_date_range(convention) -> tuple[datetime.date, datetime.date]:
    """Return the first and last dates a meeting of this CTG may have."""
    years = convention.years  # bounded even for a period saved before the plausibility checks
    return (
        datetime.date(years[0] - MEETING_MARGIN_YEARS, 1, 1),
        datetime.date(years[-1] + MEETING_MARGIN_YEARS, 12, 31),
    )


def _check_meeting(convention, data: MeetingData) -> None:
    if data.body is None or data.body.convention_id != convention.pk:
        raise GovernanceError("Choisissez une instance de cette CTG.", field="body")
    if data.kind not in MeetingKind.values:
        raise GovernanceError(f"Type de réunion inconnu : « {data.kind} ».", field="kind")
    if data.date is None:
        raise GovernanceError("Indiquez la date de la réunion.", field="date")
    first, last = meeting_date_range(convention)
    if not first <= data.date <= last:
        raise GovernanceError(
            f"La date doit être comprise entre le {first:%d/%m/%Y} et le {last:%d/%m/%Y} : "
            f"la période de la CTG ({convention.years[0]}–{convention.years[-1]}), "
            "une année avant et une année après.",
            field="date",
        )
    _short(data.title, "L'intitulé", "title")
    _short(data.location, "Le lieu", "location")


def create_meeting(convention, data: MeetingData, *, by=None) -> Meeting:
    """Plan a meeting of one of the CTG's bodies."""
    _check_meeting(convention, data)
    with transaction.atomic(), _as(by):
        return Meeting.objects.create(
            convention=convention,
            body=data.body,
            kind=data.kind,
            date=data.date,
            title=data.title.strip(),
            location=data.location.strip(),
            agenda=data.agenda.strip(),
        )


def update_meeting(meeting: Meeting, data: MeetingData, *, by=None) -> int:
    """Change a meeting; return how many attendance records were dropped.

    Attendance is recorded per member of the body: moving the meeting to another body drops it.
    """
    _check_meeting(meeting.convention, data)
    with transaction.atomic(), _as(by):
        dropped = []
        if data.body.pk != meeting.body_id:
            dropped = list(meeting.attendances.all())
            for attendance in dropped:
                attendance.delete()
        meeting.body, meeting.kind, meeting.date = data.body, data.kind, data.date
        meeting.title, meeting.location = data.title.strip(), data.location.strip()
        meeting.agenda = data.agenda.strip()
        meeting.save()
    return len(dropped)


def record_attendance(
    meeting: Meeting,
    statuses: Mapping[int, str | None],
    *,
    other_attendees: str | None = None,
    by=None,
) -> None:
    """Record who attended: each member's status (None or "" clears it), and the guests (None
    leaves them as they are)."""
    members = {member.pk: member for member in meeting.body.members.all()}
    for member_pk, status in statuses.items():
        if member_pk not in members:
            raise GovernanceError(
                "Un des membres n'appartient pas (ou plus) à cette instance : rechargez la page "
                "et recommencez."
            )
        if status and status not in AttendanceStatus.values:
            raise GovernanceError(f"Présence inconnue : « {status} ».")
    with transaction.atomic(), _as(by):
        existing = {
            attendance.member_id: attendance
            for attendance in meeting.attendances.select_for_update()
        }
        for member_pk, status in statuses.items():
            attendance = existing.get(member_pk)
            if not status:
                if attendance is not None:
                    attendance.delete()
            elif attendance is None:
                Attendance.objects.create(meeting=meeting, member_id=member_pk, status=status)
            elif attendance.status != status:
                attendance.status = status
                attendance.save()
        other = meeting.other_attendees if other_attendees is None else other_attendees.strip()
        if other != meeting.other_attendees:
            meeting.other_attendees = other
            meeting.save()


def record_minutes(meeting: Meeting, minutes: str, *, by=None) -> None:
    """Write the meeting's minutes (compte rendu)."""
    with transaction.atomic(), _as(by):
        meeting.minutes = minutes.strip()
        meeting.save()


def delete_meeting(meeting: Meeting, *, by=None) -> TrashItem:
    """Move a meeting with its attendance and decisions to the CTG's trash.

    The updates recorded along with its decisions stay: updates are never deleted.
    """
    with transaction.atomic(), _as(by):
        return discard(
            meeting,
            convention=meeting.convention,
            user=by,
            kind=TrashKind.MEETING,
            label=str(meeting),
        )


# ---------------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------------


def _check_decision(meeting: Meeting, data: DecisionData) -> str:
    if data.kind not in DecisionKind.values:
        raise GovernanceError(f"Type de décision inconnu : « {data.kind} ».", field="kind")
    text = data.text.strip()
    if not text:
        raise GovernanceError("Écrivez la décision.", field="text")
    node = data.node
    if node is not None and node.convention_id != meeting.convention_id:
        raise GovernanceError(
            "L'élément du plan choisi n'appartient pas à cette CTG.", field="node"
        )
    year = data.postponed_to
    if year is not None:
        if data.kind != DecisionKind.POSTPONE:
            raise GovernanceError(
                "L'année « reportée à » ne concerne qu'une décision de report : choisissez le "
                "type « Report » ou laissez l'année vide.",
                field="postponed_to",
            )
        if year < meeting.date.year:
            raise GovernanceError(
                f"Une action ne peut pas être reportée à {year}, avant l'année de la réunion "
                f"({meeting.date.year}).",
                field="postponed_to",
            )
        quarter = data.postponed_quarter
        if quarter is not None and quarter not in (1, 2, 3, 4):
            raise GovernanceError(
                "Le trimestre doit être T1, T2, T3 ou T4.", field="postponed_quarter"
            )
        held = Quarter.of(meeting.date)
        if quarter is not None and Quarter(year, quarter) < held:
            raise GovernanceError(
                f"Une action ne peut pas être reportée à T{quarter} {year}, avant le trimestre "
                f"de la réunion ({held}).",
                field="postponed_quarter",
            )
        end = meeting.convention.end_date.year
        if year > end:
            raise GovernanceError(
                f"{year} est après la fin de la CTG ({end}) : pour un report à la prochaine "
                "CTG, laissez l'année vide et dites-le dans le texte de la décision.",
                field="postponed_to",
            )
    elif data.postponed_quarter is not None:
        raise GovernanceError(
            "Indiquez l'année du report avec son trimestre, par exemple T3 2027.",
            field="postponed_to",
        )
    if data.record_update:
        _check_update_option(meeting, data)
    return text


def _check_update_option(meeting: Meeting, data: DecisionData) -> None:
    field = "record_update"
    if data.kind not in UPDATE_STATUS_OF:
        raise GovernanceError(
            "Un point de suivi n'accompagne qu'une décision de report ou d'abandon.", field=field
        )
    node = data.node
    if node is None:
        raise GovernanceError(
            "Choisissez l'action concernée pour enregistrer aussi un point de suivi.",
            field=field,
        )
    if not node.level.tracked:
        raise GovernanceError(
            f"« {_node_label(node)} » n'est pas suivi chaque trimestre : pas de point de suivi "
            "possible. Choisissez une action suivie ou décochez la case.",
            field=field,
        )
    if meeting.date > timezone.localdate():
        raise GovernanceError(
            f"La réunion du {meeting.date:%d/%m/%Y} n'a pas encore eu lieu : le point de suivi "
            "s'enregistre une fois la décision prise.",
            field=field,
        )


def _node_label(node: PlanNode) -> str:
    number = f" {node.number}" if node.number else ""
    return f"{node.level.name}{number}"


def _update_texts(meeting: Meeting, data: DecisionData, text: str) -> tuple[str, str]:
    """Return the done and next-steps texts of the update recorded with a decision."""
    kind = "de report" if data.kind == DecisionKind.POSTPONE else "d'abandon"
    done = f"Décision {kind} prise par {meeting.body.name} le {meeting.date:%d/%m/%Y}"
    if meeting.title:
        done += f" ({meeting.title})"
    done += f" : {text}"
    next_steps = ""
    if data.kind == DecisionKind.POSTPONE and data.postponed_to:
        next_steps = (
            f"Action reportée à {postponed_label(data.postponed_to, data.postponed_quarter)}."
        )
    return done, next_steps


def _record_decision_update(meeting: Meeting, data: DecisionData, text: str, by):
    node = data.node
    latest = ActionUpdate.objects.filter(node=node).latest_first().first()
    done, next_steps = _update_texts(meeting, data, text)
    quarter = Quarter.of(meeting.date)
    try:
        return record_update(
            node,
            by=by,
            year=quarter.year,
            quarter=quarter.quarter,
            status=UPDATE_STATUS_OF[data.kind],
            progress=latest.progress if latest else 0,
            done=done,
            next_steps=next_steps,
        )
    except FollowUpError as error:
        raise GovernanceError(
            f"Le point de suivi n'a pas pu être enregistré : {error}", field="record_update"
        ) from error


def add_decision(meeting: Meeting, data: DecisionData, *, by=None) -> SavedDecision:
    """Record a decision of the meeting, and the update it brings to its action if asked."""
    text = _check_decision(meeting, data)
    with transaction.atomic(), _as(by):
        last = meeting.decisions.aggregate(last=Max("position"))["last"]
        decision = Decision.objects.create(
            meeting=meeting,
            node=data.node,
            kind=data.kind,
            text=text,
            postponed_to=data.postponed_to,
            postponed_quarter=data.postponed_quarter,
            position=0 if last is None else last + 1,
        )
        update = _record_decision_update(meeting, data, text, by) if data.record_update else None
    return SavedDecision(decision, update)


def update_decision(decision: Decision, data: DecisionData, *, by=None) -> SavedDecision:
    """Change a decision; record an update on its action too if asked (never edits one)."""
    meeting = decision.meeting
    text = _check_decision(meeting, data)
    with transaction.atomic(), _as(by):
        decision.node, decision.kind, decision.text = data.node, data.kind, text
        decision.postponed_to = data.postponed_to
        decision.postponed_quarter = data.postponed_quarter
        decision.save()
        update = _record_decision_update(meeting, data, text, by) if data.record_update else None
    return SavedDecision(decision, update)


def delete_decision(decision: Decision, *, by=None) -> TrashItem:
    """Move a decision to the CTG's trash (an update recorded with it stays)."""
    with transaction.atomic(), _as(by):
        return discard(
            decision,
            convention=decision.meeting.convention,
            user=by,
            kind=TrashKind.DECISION,
            label=decision.text[:200],
        )
