"""Import of the governance section: every item is checked before any is written."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from pilote.core.exchange import ExchangeError, Reader, check_pks, find_accounts
from pilote.facilities.register.services import ActionIndex

from ..enums import (
    AttendanceStatus,
    BodyKind,
    DecisionKind,
    MeetingKind,
    ReviewKind,
    ReviewStatus,
)
from ..models import Attendance, Body, BodyMember, Decision, Meeting, PlanVersion, Review
from .common import MAX_ITEMS, MAX_RANK, REFUSAL, SECTION, TEXT_LIMIT, YEARS


def import_sections(convention, data: dict[str, Any]) -> None:
    """Write the governance section of a document, if any, into a just-imported CTG."""
    section = data.get(SECTION)
    if section is not None:
        import_governance(convention, section)


@dataclass
class _Prepared:
    bodies: list[tuple[Body, list[BodyMember]]] = field(default_factory=list)
    # (meeting, body index, [(member rank, status)], [decisions])
    meetings: list[tuple[Meeting, int, list[tuple[int, str]], list[Decision]]] = field(
        default_factory=list
    )
    reviews: list[tuple[Review, int | None, str | None]] = field(default_factory=list)
    versions: list[tuple[PlanVersion, int | None, str | None, datetime.datetime | None]] = field(
        default_factory=list
    )


def import_governance(convention, section: Any) -> None:
    """Add the governance of an exported document to the CTG (caller's transaction).

    The whole section is checked before any of it is written; raise
    pilote.core.exchange.ExchangeError, with every problem in French, when it cannot be
    imported (import_convention's transaction then drops the CTG written just before).
    """
    if not isinstance(section, dict):
        raise ExchangeError(REFUSAL + "« governance » doit être un objet.")
    reader = _Reader()
    prepared = _Prepared()
    actions = ActionIndex(convention)
    body_index = _read_bodies(reader, section, prepared)
    _read_meetings(reader, section, prepared, body_index, actions)
    _read_reviews(reader, section, prepared)
    _read_versions(reader, section, prepared, convention, len(actions.order))
    if reader.errors:
        raise ExchangeError(REFUSAL + "\n- ".join(reader.errors))
    _write(convention, prepared, actions)


class _Reader(Reader):
    """The exchange's reader: texts kept as written, dates required, lists bounded."""

    def items(self, obj: dict, key: str, where: str) -> list[dict]:
        """Return a list of at most MAX_ITEMS objects."""
        return self.object_list(obj, key, where, max_items=MAX_ITEMS)

    def text(self, obj: dict, key: str, where: str, *, required=False, limit=None) -> str:
        """Return a text as written (a required one must not be blank)."""
        return super().text(obj, key, where, required=required, max_length=limit, strip=False)

    def date(self, obj: dict, key: str, where: str) -> datetime.date | None:
        """Return a required AAAA-MM-JJ date, or None."""
        return super().date(obj, key, where, required=True)

    def choice(self, obj: dict, key: str, where: str, choices, unknown: str) -> str:
        """Return a value among choices; `unknown` says it in French ("type d'instance inconnu")."""
        value = obj.get(key)
        if value not in choices.values:
            self.error(where, f"{unknown} : {value!r} (valeurs : {', '.join(choices.values)}).")
            return ""
        return value

    def username(self, obj: dict, key: str, where: str) -> str | None:
        value = obj.get(key)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            self.error(where, f"« {key} » doit être un identifiant de compte (texte) ou null.")
            return None
        return value


def _label(where: str, item: dict, key: str) -> str:
    value = item.get(key)
    if isinstance(value, str) and value.strip():
        return f"{where} (« {value.strip()[:60]} »)"
    return where


def _read_bodies(reader: _Reader, section: dict, prepared: _Prepared) -> dict[str, int]:
    """Read the bodies; return the index of each body by case-folded name."""
    index: dict[str, int] = {}
    for number, item in enumerate(reader.items(section, "bodies", "gouvernance"), 1):
        where = _label(f"gouvernance, instance n° {number}", item, "name")
        kind = reader.choice(item, "kind", where, BodyKind, "type d'instance inconnu")
        name = reader.text(item, "name", where, required=True, limit=TEXT_LIMIT).strip()
        if name.casefold() in index:
            reader.error(where, f"une autre instance porte déjà le nom « {name} ».")
        elif name:
            index[name.casefold()] = len(prepared.bodies)
        members = []
        for rank, spec in enumerate(reader.items(item, "members", where), 1):
            member_where = f"{where}, membre n° {rank}"
            email = reader.text(spec, "email", member_where, limit=254).strip()
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    reader.error(member_where, f"adresse de courriel invalide : {email!r}.")
            voting = spec.get("voting", True)
            if not isinstance(voting, bool):
                reader.error(member_where, "« voting » doit valoir true ou false.")
                voting = True
            members.append(
                BodyMember(
                    organisation=reader.text(
                        spec, "organisation", member_where, required=True, limit=TEXT_LIMIT
                    ).strip(),
                    person=reader.text(spec, "person", member_where, limit=TEXT_LIMIT).strip(),
                    role=reader.text(spec, "role", member_where, limit=TEXT_LIMIT).strip(),
                    email=email,
                    voting=voting,
                    position=rank - 1,
                )
            )
        body = Body(
            kind=kind,
            name=name,
            mission=reader.text(item, "mission", where),
            position=number - 1,
        )
        prepared.bodies.append((body, members))
    return index


def _read_meetings(
    reader: _Reader,
    section: dict,
    prepared: _Prepared,
    body_index: dict[str, int],
    actions: ActionIndex,
) -> None:
    for number, item in enumerate(reader.items(section, "meetings", "gouvernance"), 1):
        where = _label(f"gouvernance, réunion n° {number}", item, "title")
        body_name = reader.text(item, "body", where, required=True)
        body = body_index.get(body_name.strip().casefold())
        if body is None and body_name.strip():
            reader.error(where, f"instance « {body_name} » absente de « bodies ».")
        kind = reader.choice(item, "kind", where, MeetingKind, "type de réunion inconnu")
        date = reader.date(item, "date", where)
        meeting = Meeting(
            kind=kind,
            date=date,
            title=reader.text(item, "title", where, limit=TEXT_LIMIT).strip(),
            location=reader.text(item, "location", where, limit=TEXT_LIMIT).strip(),
            agenda=reader.text(item, "agenda", where),
            minutes=reader.text(item, "minutes", where),
            other_attendees=reader.text(item, "other_attendees", where),
        )
        member_count = len(prepared.bodies[body][1]) if body is not None else None
        attendance: list[tuple[int, str]] = []
        seen: set[int] = set()
        for rank, spec in enumerate(reader.items(item, "attendance", where), 1):
            attendance_where = f"{where}, présence n° {rank}"
            member = reader.integer(spec, "member", attendance_where, required=True)
            status = reader.choice(
                spec, "status", attendance_where, AttendanceStatus, "présence inconnue"
            )
            if member is None or member_count is None:
                continue
            if not 1 <= member <= member_count:
                reader.error(
                    attendance_where,
                    f"membre n° {member} inconnu : l'instance « {body_name} » compte "
                    f"{member_count} membre{'s' if member_count > 1 else ''}.",
                )
            elif member in seen:
                reader.error(attendance_where, f"la présence du membre n° {member} est en double.")
            else:
                seen.add(member)
                attendance.append((member, status))
        decisions = _read_decisions(reader, item, where, actions)
        prepared.meetings.append((meeting, body, attendance, decisions))


def _read_decisions(
    reader: _Reader, item: dict, where: str, actions: ActionIndex
) -> list[Decision]:
    """Return the decisions of a meeting, in their order."""
    decisions = []
    for rank, spec in enumerate(reader.items(item, "decisions", where), 1):
        decision_where = f"{where}, décision n° {rank}"
        decision_kind = reader.choice(
            spec, "kind", decision_where, DecisionKind, "type de décision inconnu"
        )
        node = None
        reference = spec.get("action")
        if reference is not None:
            if not isinstance(reference, str):
                reader.error(decision_where, "« action » doit être un texte ou null.")
            else:
                node, message = actions.find(reference)
                if node is None:
                    reader.error(decision_where, message)
        postponed_to = reader.integer(
            spec, "postponed_to", decision_where, low=YEARS[0], high=YEARS[1]
        )
        if postponed_to is not None and decision_kind != DecisionKind.POSTPONE:
            reader.error(decision_where, "« postponed_to » ne concerne qu'une décision de report.")
        # Absent from files written before it existed: the year alone.
        postponed_quarter = reader.integer(spec, "postponed_quarter", decision_where, low=1, high=4)
        if postponed_quarter is not None and postponed_to is None:
            reader.error(decision_where, "« postponed_quarter » ne va pas sans « postponed_to ».")
        decisions.append(
            Decision(
                kind=decision_kind,
                text=reader.text(spec, "text", decision_where, required=True).strip(),
                node=node,
                postponed_to=postponed_to,
                postponed_quarter=postponed_quarter,
                position=rank - 1,
            )
        )
    return decisions


def _read_reviews(reader: _Reader, section: dict, prepared: _Prepared) -> None:
    seen: set[tuple[str, int]] = set()
    meeting_count = len(prepared.meetings)
    for number, item in enumerate(reader.items(section, "reviews", "gouvernance"), 1):
        where = f"gouvernance, bilan n° {number}"
        kind = reader.choice(item, "kind", where, ReviewKind, "type de bilan inconnu")
        year = reader.integer(item, "year", where, required=True, low=YEARS[0], high=YEARS[1])
        if kind and year:
            where += f" ({ReviewKind(kind).label.lower()} {year})"
            if (kind, year) in seen:
                reader.error(where, f"un {ReviewKind(kind).label.lower()} {year} est déjà décrit.")
            seen.add((kind, year))
        meeting = reader.integer(item, "meeting", where, low=1)
        if meeting is not None and meeting > meeting_count:
            reader.error(where, f"réunion n° {meeting} absente de « meetings ».")
            meeting = None
        status = reader.choice(item, "status", where, ReviewStatus, "état du bilan inconnu")
        closed_at = reader.moment(item, "closed_at", where)
        if status == ReviewStatus.CLOSED and item.get("closed_at") in (None, ""):
            reader.error(where, "un bilan clos doit avoir sa date de clôture « closed_at ».")
        if status == ReviewStatus.DRAFT and closed_at is not None:
            reader.error(where, "un bilan en préparation n'a pas de date de clôture.")
        snapshot = item.get("snapshot")
        if snapshot is None:
            snapshot = {}
        if not isinstance(snapshot, dict):
            reader.error(where, "« snapshot » doit être un objet (le contenu figé du bilan).")
            snapshot = {}
        review = Review(
            kind=kind,
            year=year or 0,
            summary=reader.text(item, "summary", where),
            highlights=reader.text(item, "highlights", where),
            difficulties=reader.text(item, "difficulties", where),
            outlook=reader.text(item, "outlook", where),
            status=status or ReviewStatus.DRAFT,
            closed_at=closed_at,
            snapshot=snapshot,
        )
        prepared.reviews.append((review, meeting, reader.username(item, "closed_by", where)))


def _read_versions(
    reader: _Reader, section: dict, prepared: _Prepared, convention, plan_size: int
) -> None:
    amendments = {a.number: a for a in convention.amendments.all()}
    seen: set[int | None] = set()
    for number, item in enumerate(reader.items(section, "plan_versions", "gouvernance"), 1):
        where = f"gouvernance, version du plan n° {number}"
        amendment = reader.integer(item, "amendment", where, low=1)
        if amendment is not None and amendment not in amendments:
            reader.error(where, f"avenant n° {amendment} absent de « convention.amendments ».")
        if amendment in seen:
            what = "plan signé" if amendment is None else f"plan après l'avenant n° {amendment}"
            reader.error(where, f"le {what} est décrit deux fois.")
        seen.add(amendment)
        taken_at = reader.moment(item, "taken_at", where)
        nodes = item.get("nodes")
        if not isinstance(nodes, list) or not all(isinstance(row, dict) for row in nodes):
            reader.error(where, "« nodes » doit être une liste d'objets (les éléments du plan).")
            nodes = []
        for rank, row in enumerate(nodes, 1):
            for key in ("key", "parent_key"):
                value = row.get(key)
                if value is None and key == "parent_key":
                    continue
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int)
                    or not -MAX_RANK <= value <= plan_size
                    or value == 0
                ):
                    reader.error(
                        f"{where}, élément n° {rank}",
                        f"« {key} » doit être le rang d'un élément du plan (de 1 à {plan_size}) "
                        f"ou, pour un élément retiré depuis, un entier négatif : {value!r}.",
                    )
        version = PlanVersion(nodes=nodes)
        prepared.versions.append(
            (version, amendment, reader.username(item, "taken_by", where), taken_at)
        )


# --------------------------------------------------------------------------- writing


def _write(convention, prepared: _Prepared, actions: ActionIndex) -> None:
    """Write the checked governance in bulk (no history rows: the import is one event)."""
    bodies = [body for body, _members in prepared.bodies]
    for body in bodies:
        body.convention = convention
    check_pks(Body.objects.bulk_create(bodies))
    members_of: list[list[BodyMember]] = []
    all_members = []
    for body, members in prepared.bodies:
        for member in members:
            member.body = body
        members_of.append(members)
        all_members += members
    check_pks(BodyMember.objects.bulk_create(all_members))

    meetings = []
    for meeting, body_index, _attendance, _decisions in prepared.meetings:
        meeting.convention = convention
        meeting.body = bodies[body_index]
        meetings.append(meeting)
    check_pks(Meeting.objects.bulk_create(meetings))
    attendances, decisions = [], []
    for meeting, body_index, attendance, meeting_decisions in prepared.meetings:
        members = members_of[body_index]
        attendances += [
            Attendance(meeting=meeting, member=members[rank - 1], status=status)
            for rank, status in attendance
        ]
        for decision in meeting_decisions:
            decision.meeting = meeting
            decisions.append(decision)
    Attendance.objects.bulk_create(attendances)
    Decision.objects.bulk_create(decisions)

    users = find_accounts(
        [name for _r, _m, name in prepared.reviews]
        + [name for _v, _a, name, _t in prepared.versions]
    )
    reviews = []
    for review, meeting_rank, closed_by in prepared.reviews:
        review.convention = convention
        review.meeting = meetings[meeting_rank - 1] if meeting_rank else None
        review.closed_by = users.get(closed_by)
        review.closed_by_name = "" if review.closed_by else (closed_by or "")
        reviews.append(review)
    Review.objects.bulk_create(reviews)

    _write_versions(convention, prepared, users, actions)


def _write_versions(convention, prepared: _Prepared, users: dict, actions: ActionIndex) -> None:
    if not prepared.versions:
        return
    amendments = {a.number: a for a in convention.amendments.all()}
    # Ranks in the plan back to the elements' new primary keys; gone elements stay negative.
    pks = {rank + 1: pk for pk, rank in actions.order.items()}
    versions = []
    for version, amendment, taken_by, _taken_at in prepared.versions:
        version.convention = convention
        version.amendment = amendments[amendment] if amendment is not None else None
        version.taken_by = users.get(taken_by)
        version.taken_by_name = "" if version.taken_by else (taken_by or "")
        version.nodes = [
            {
                **row,
                "key": pks.get(row["key"], row["key"]),
                "parent_key": pks.get(row.get("parent_key"), row.get("parent_key")),
            }
            for row in version.nodes
        ]
        versions.append(version)
    check_pks(PlanVersion.objects.bulk_create(versions))
    # taken_at is set on creation: give each version back its own.
    for version, _amendment, _taken_by, taken_at in prepared.versions:
        if taken_at is not None:
            PlanVersion.objects.filter(pk=version.pk).update(taken_at=taken_at)
