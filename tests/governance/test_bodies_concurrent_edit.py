"""Two people edit the same governance page: a save from a stale page is refused."""

import datetime

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.governance.bodies.services import (
    BodyData,
    DecisionData,
    MeetingData,
    MemberData,
    add_decision,
    create_body,
    create_meeting,
    replace_members,
)
from pilote.governance.enums import BodyKind, DecisionKind, MeetingKind
from tests.concurrent_editing import form_data, race, two_sessions
from tests.factories import ConventionFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention(db):
    return ConventionFactory()


@pytest.fixture
def body(convention):
    body = create_body(convention, BodyData(kind=BodyKind.COPIL, name="COPIL CTG"))
    replace_members(body, [MemberData(organisation="Caf des Alpes-de-Haute-Provence")])
    return body


@pytest.fixture
def meeting(convention, body):
    data = MeetingData(body=body, kind=MeetingKind.ANNUAL, date=datetime.date(2026, 6, 12))
    return create_meeting(convention, data)


@pytest.fixture
def sessions(convention):
    return two_sessions(
        user_with_role(Role.COORDINATOR, convention=convention), user_with_role(Role.CAF_ADVISER)
    )


def url(name, convention, pk):
    return reverse(f"governance:{name}", kwargs={"slug": convention.slug, "pk": pk})


def test_a_stale_body_page_is_refused(convention, body, sessions):
    page = url("body_edit", convention, body.pk)
    response = race(sessions, page, {"mission": "Mission A"}, {"mission": "Mission B"})
    assert response.status_code == 409
    body.refresh_from_db()
    assert body.mission == "Mission A"


def test_a_stale_members_page_is_refused(convention, body, sessions):
    page = url("body_members", convention, body.pk)
    response = race(
        sessions, page, {"membres-0-person": "Mme Garcin"}, {"membres-0-person": "M. Blanc"}
    )
    assert response.status_code == 409
    assert body.members.get().person == "Mme Garcin"


def test_a_stale_meeting_page_is_refused(convention, meeting, sessions):
    page = url("meeting_edit", convention, meeting.pk)
    response = race(sessions, page, {"location": "Digne"}, {"location": "Manosque"})
    assert response.status_code == 409
    meeting.refresh_from_db()
    assert meeting.location == "Digne"


def test_stale_minutes_are_refused_and_kept_in_the_form(convention, meeting, sessions):
    page = url("meeting_minutes", convention, meeting.pk)
    response = race(sessions, page, {"minutes": "Relevé A"}, {"minutes": "Relevé B"})
    assert response.status_code == 409
    assert form_data(response)["minutes"] == ["Relevé B"]
    meeting.refresh_from_db()
    assert meeting.minutes == "Relevé A"


def test_a_stale_attendance_page_is_refused(convention, meeting, sessions):
    page = url("meeting_attendance", convention, meeting.pk)
    response = race(
        sessions, page, {"other_attendees": "Mme Roux"}, {"other_attendees": "M. Blanc"}
    )
    assert response.status_code == 409


def test_a_stale_decision_page_is_refused(convention, meeting, sessions):
    decision = add_decision(
        meeting, DecisionData(kind=DecisionKind.VALIDATION, text="Plan validé")
    ).decision
    page = url("decision_edit", convention, decision.pk)
    response = race(
        sessions, page, {"decision-text": "Plan validé (A)"}, {"decision-text": "Plan validé (B)"}
    )
    assert response.status_code == 409
    decision.refresh_from_db()
    assert decision.text == "Plan validé (A)"
