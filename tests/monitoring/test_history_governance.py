"""The Historique page says who changed which body, member, meeting, decision or bilan, and when."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership
from pilote.conventions.models import Convention
from pilote.core.history import acting_as
from pilote.demo.governance import PAA, generate_demo_governance
from pilote.demo.services import load_demo_conventions, load_demo_users
from pilote.governance.bilans.services import (
    ReviewData,
    ReviewTexts,
    close_review,
    create_review,
    update_review,
)
from pilote.governance.bodies.services import (
    BodyData,
    DecisionData,
    MeetingData,
    MemberData,
    add_decision,
    create_body,
    create_meeting,
    delete_meeting,
    record_attendance,
    replace_members,
    update_body,
    update_decision,
    update_meeting,
)
from pilote.governance.enums import AttendanceStatus, BodyKind, DecisionKind, MeetingKind
from pilote.governance.models import Attendance, Body, BodyMember, Decision, Meeting, Review
from pilote.pages.history import Filters, history_page
from pilote.pages.history_sources import SOURCES_BY_KEY
from tests.factories import ConventionFactory, UserFactory, tracked_action

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
COPIL_DAY = datetime.date(2026, 6, 11)
COPIL = "Comité de pilotage CTG"


@pytest.fixture
def convention():
    return ConventionFactory(name="CTG Provence-Alpes-Agglomération 2026-2030")


@pytest.fixture
def coordinator(convention):
    user = UserFactory(first_name="Sarah", last_name="Fabre")
    Membership.objects.create(user=user, role=Role.COORDINATOR, convention=convention)
    return user


@pytest.fixture
def copil(convention, coordinator):
    body = create_body(
        convention, BodyData(kind=BodyKind.COPIL, name=COPIL, mission="Pilote la CTG."), by=None
    )
    replace_members(
        body,
        [
            MemberData(organisation="Caf des Alpes-de-Haute-Provence", person="Sébastien NEFFAH"),
            MemberData(organisation="Commune de Digne-les-Bains", role="Adjointe à la famille"),
        ],
        by=coordinator,
    )
    return body


@pytest.fixture
def meeting(convention, copil, coordinator):
    return create_meeting(
        convention,
        MeetingData(
            body=copil,
            kind=MeetingKind.OTHER,
            date=COPIL_DAY,
            title="COPIL d'installation",
            agenda="Installation du COPIL",
        ),
        by=coordinator,
    )


def later() -> None:
    """Move the recorded changes one minute back: what follows is another edit, not the same."""
    for model in (Body, BodyMember, Meeting, Attendance, Decision, Review):
        model.history.update(history_date=F("history_date") - datetime.timedelta(minutes=1))


def entries(convention, source: str = ""):
    return history_page(convention, Filters(source=source)).entries


def sentence_heads(convention, source: str = "") -> list[str]:
    return [entry.sentence.split(" le ")[0] for entry in entries(convention, source)]


def history_url(convention) -> str:
    return reverse("monitoring:history", kwargs={"slug": convention.slug})


def test_a_new_body_and_its_members_are_shown_with_their_author(convention, coordinator, copil):
    assert sentence_heads(convention, "membre") == [
        "Membre « Commune de Digne-les-Bains » de l’instance « Comité de pilotage CTG » "
        "créé par Sarah Fabre",
        "Membre « Sébastien NEFFAH (Caf des Alpes-de-Haute-Provence) » de l’instance "
        "« Comité de pilotage CTG » créé par Sarah Fabre",
    ]
    body_entry = entries(convention, "instance")[0]
    assert body_entry.sentence.startswith("Instance « Comité de pilotage CTG » créée le ")
    assert ("Type", "Comité de pilotage (COPIL)") in [(d.label, d.new) for d in body_entry.details]
    assert body_entry.url == reverse("governance:bodies", kwargs={"slug": convention.slug})


def test_a_renamed_body_shows_the_old_and_new_names(convention, coordinator, copil):
    update_body(copil, BodyData(kind=BodyKind.COPIL, name="COPIL de la CTG"), by=coordinator)

    entry = entries(convention, "instance")[0]
    assert entry.sentence.startswith("Instance « COPIL de la CTG » modifiée par Sarah Fabre le ")
    changes = {c.label: (c.old, c.new) for c in entry.changes}
    assert changes["Nom"] == (COPIL, "COPIL de la CTG")
    assert changes["Rôle et composition"] == ("Pilote la CTG.", "(vide)")


def test_a_moved_meeting_says_its_old_date_and_links_to_it(convention, coordinator, meeting):
    later()
    update_meeting(
        meeting,
        MeetingData(
            body=meeting.body,
            kind=MeetingKind.OTHER,
            date=COPIL_DAY + datetime.timedelta(days=7),
            title=meeting.title,
        ),
        by=coordinator,
    )

    entry, creation = entries(convention, "reunion")
    assert entry.sentence.startswith(
        "Réunion « COPIL d'installation » de l’instance « Comité de pilotage CTG » du 18/06/2026 "
        "modifiée par Sarah Fabre"
    )
    assert [(d.label, d.new) for d in creation.details] == [
        ("Type", "Autre réunion"),
        ("Instance", COPIL),
    ]
    changes = {c.label: (c.old, c.new) for c in entry.changes}
    assert changes["Date"] == ("11/06/2026", "18/06/2026")
    assert changes["Ordre du jour"] == ("Installation du COPIL", "(vide)")
    assert entry.url == meeting.get_absolute_url()


def test_attendance_names_the_member_and_the_meeting(convention, coordinator, copil, meeting):
    neffah = copil.members.get(person="Sébastien NEFFAH")
    record_attendance(meeting, {neffah.pk: AttendanceStatus.EXCUSED}, by=coordinator)
    later()
    record_attendance(meeting, {neffah.pk: AttendanceStatus.PRESENT}, by=coordinator)

    entry = entries(convention, "presence")[0]
    assert entry.sentence.startswith(
        "Présence de « Sébastien NEFFAH (Caf des Alpes-de-Haute-Provence) » à la réunion "
        "« COPIL d'installation » du 11/06/2026 modifiée par Sarah Fabre"
    )
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("Présence", "Excusé·e", "Présent·e")
    ]


def test_a_decision_moved_to_another_action_names_both(convention, coordinator, meeting):
    first = tracked_action(convention, number="3.7", title="Accueil à horaires décalés")
    other = tracked_action(convention, number="4.3", title="Guichet unique petite enfance")
    saved = add_decision(
        meeting,
        DecisionData(
            kind=DecisionKind.POSTPONE, text="Ouverture reportée.", node=first, postponed_to=2028
        ),
        by=coordinator,
    )
    later()
    update_decision(
        saved.decision,
        DecisionData(kind=DecisionKind.CHANGE, text="Pilotage confié à l'EPCI.", node=other),
        by=coordinator,
    )

    changed, created = entries(convention, "decision")
    assert created.sentence.startswith(
        "Décision « Ouverture reportée. » de la réunion « COPIL d'installation » du 11/06/2026 "
        "créée par Sarah Fabre"
    )
    assert ("Reportée à (année)", "2028") in [(d.label, d.new) for d in created.details]
    changes = {c.label: (c.old, c.new) for c in changed.changes}
    assert changes["Action concernée"] == (
        "Action clé 3.7 « Accueil à horaires décalés »",
        "Action clé 4.3 « Guichet unique petite enfance »",
    )
    assert changes["Type"] == ("Report", "Modification")
    assert changed.url == meeting.get_absolute_url()


def test_a_deleted_meeting_stays_in_the_history_without_a_link(convention, coordinator, meeting):
    add_decision(meeting, DecisionData(kind=DecisionKind.OTHER, text="À revoir."), by=coordinator)
    delete_meeting(meeting, by=coordinator)

    heads = sentence_heads(convention)
    assert (
        "Réunion « COPIL d'installation » de l’instance « Comité de pilotage CTG » du 11/06/2026 "
        "supprimée par Sarah Fabre"
    ) in heads
    assert (
        "Décision « À revoir. » de la réunion « COPIL d'installation » du 11/06/2026 "
        "supprimée par Sarah Fabre"
    ) in heads
    assert not [e for e in entries(convention) if e.source.key in ("reunion", "decision") and e.url]


@pytest.fixture
def review(convention, coordinator, meeting):
    tracked_action(convention)
    review = create_review(convention, by=coordinator, data=ReviewData("annuel", 2026))
    later()
    update_review(
        review,
        by=coordinator,
        texts=ReviewTexts(summary="Première année de la CTG."),
        meeting_id=meeting.pk,
    )
    later()
    return close_review(review, by=coordinator)


def test_a_closed_bilan_shows_when_and_by_whom_without_its_content(convention, review):
    closing, writing, creation = entries(convention, "bilan")

    assert creation.sentence.startswith("Bilan annuel 2026 créé par Sarah Fabre le ")
    assert {c.label: c.new for c in writing.changes} == {
        "Réunion de présentation": "COPIL d'installation (11/06/2026)",
        "Synthèse": "Première année de la CTG.",
    }
    changes = {c.label: (c.old, c.new) for c in closing.changes}
    assert changes["État"] == ("En préparation", "Clos (figé)")
    assert changes["Figé par"] == ("(vide)", "Sarah Fabre")
    assert changes["Figé le"][0] == "(vide)"
    assert " à " in changes["Figé le"][1]
    assert "Contenu figé" not in changes
    assert closing.url == review.get_absolute_url()


def test_the_page_shows_governance_changes_in_french(client, convention, coordinator, review):
    client.force_login(coordinator)

    response = client.get(history_url(convention), {"type": "bilan"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bilan annuel 2026 modifié par Sarah Fabre" in html
    assert "« Clos (figé) »" in html


def test_governance_types_are_offered_in_the_filter(client, convention, coordinator):
    client.force_login(coordinator)

    html = client.get(history_url(convention)).content.decode()

    for label in ("Instances de gouvernance", "Membres des instances", "Réunions", "Décisions"):
        assert label in html
    assert {"instance", "membre", "reunion", "presence", "decision", "bilan"} <= set(SOURCES_BY_KEY)


def test_a_reader_cannot_see_the_governance_history(client, convention, copil):
    reader = UserFactory()
    Membership.objects.create(user=reader, role=Role.READER, convention=convention)
    client.force_login(reader)

    assert client.get(history_url(convention)).status_code == 403


def test_governance_of_another_ctg_is_not_shown(convention, coordinator, copil):
    other = ConventionFactory()
    with acting_as(coordinator):
        create_body(other, BodyData(kind=BodyKind.COTECH, name="Comité technique"))

    assert "Comité technique" not in " ".join(e.sentence for e in entries(convention))
    assert [e.source.key for e in entries(other, "instance")] == ["instance"]


def test_the_page_reads_a_bounded_number_of_queries_with_governance(
    client, convention, coordinator, copil, meeting
):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(history_url(convention)).status_code == 200
        return len(context)

    client.force_login(coordinator)
    action = tracked_action(convention)
    # One change of each kind, so that every name the page may need is read once already.
    add_decision(meeting, DecisionData(kind=DecisionKind.OTHER, text="Une."), by=coordinator)
    record_attendance(meeting, {copil.members.first().pk: AttendanceStatus.PRESENT}, by=coordinator)
    create_review(convention, by=coordinator, data=ReviewData("annuel", 2026))
    small = count_queries()
    for day in range(1, 15):
        other = create_meeting(
            convention,
            MeetingData(
                body=copil, kind=MeetingKind.ANNUAL, date=datetime.date(2027, 1, day), title=""
            ),
            by=coordinator,
        )
        record_attendance(
            other,
            {member.pk: AttendanceStatus.PRESENT for member in copil.members.all()},
            by=coordinator,
        )
        add_decision(
            other,
            DecisionData(kind=DecisionKind.VALIDATION, text=f"Décision {day}", node=action),
            by=coordinator,
        )
    replace_members(copil, [MemberData(organisation=f"Commune n° {n}") for n in range(10)])

    assert count_queries() <= small


def test_the_demo_governance_is_in_the_history_of_the_paa(client):
    load_demo_conventions()
    load_demo_users()
    generate_demo_governance(today=TODAY)
    convention = Convention.objects.get(slug=PAA)

    heads = sentence_heads(convention, "reunion")

    assert (
        "Réunion « COPIL d'installation de la CTG 2026-2030 » de l’instance "
        f"« {COPIL} » du 11/06/2026 créée par Sarah Fabre"
    ) in heads
    assert Meeting.objects.filter(convention=convention).count() == len(
        [h for h in heads if "créée" in h]
    )
    assert not Review.history.filter(convention_id=convention.pk).exists()
