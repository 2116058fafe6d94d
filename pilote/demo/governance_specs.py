"""How the governance of a demo CTG is described: bodies, members, meetings, decisions."""

from __future__ import annotations

from dataclasses import dataclass, field

from pilote.conventions.models import Convention
from pilote.governance.bodies.services import (
    MemberData,
)
from pilote.governance.enums import AttendanceStatus

PAA = "provence-alpes-agglomeration-2026-2030"

TARN = "tarn-agout-2023-2026"

SALON = "pays-salonais-2025-2028"

MAIL = "demo.pilote-ctg.invalid"

PRESENT, REPRESENTED, EXCUSED, ABSENT = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.REPRESENTED,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)


@dataclass(frozen=True)
class DecisionSpec:
    kind: str
    text: str
    # (level name, number) of the plan element, or None for a general decision.
    node: tuple[str, str] | None = None
    postponed_to: int | None = None


@dataclass(frozen=True)
class MeetingSpec:
    body: str  # the body's name
    kind: str
    # Years after the CTG's first year, month, day.
    when: tuple[int, int, int]
    title: str
    location: str
    agenda: str
    minutes: str = ""
    other_attendees: str = ""
    # One status per member of the body, in order; missing ones are not recorded.
    attendance: tuple[str, ...] = ()
    decisions: tuple[DecisionSpec, ...] = ()


@dataclass(frozen=True)
class BodySpec:
    kind: str
    name: str
    mission: str
    members: tuple[MemberData, ...]


@dataclass
class GovernanceResult:
    convention: Convention
    created: bool
    bodies: int = 0
    meetings: int = 0
    decisions: int = 0
    skipped: list[str] = field(default_factory=list)


def member(organisation, person="", role="", email="", voting=True) -> MemberData:
    return MemberData(
        organisation=organisation,
        person=person,
        role=role,
        email=f"{email}@{MAIL}" if email else "",
        voting=voting,
    )
