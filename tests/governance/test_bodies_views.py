"""Governance pages on the demo CTG of seed 003: who sees and edits what, the flows of a
secretary (bodies, members, meetings, attendance, decisions), the decisions on the action's page,
and the number of queries of each page."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.conventions.models import Convention
from pilote.demo.governance import generate_demo_governance
from pilote.demo.governance_paa import PAA_COPIL
from pilote.governance.bodies.services import (
    BodyData,
    DecisionData,
    MeetingData,
    MemberData,
    add_decision,
    create_body,
    create_meeting,
    record_attendance,
    replace_members,
)
from pilote.governance.enums import AttendanceStatus, BodyKind, DecisionKind, MeetingKind
from pilote.governance.models import Body, BodyMember, Decision, Meeting
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate
from pilote.plans.models import PlanNode

from .demo import PAA, TODAY

pytestmark = pytest.mark.django_db

COORDINATOR, CAF, READER, REFERENT, STRANGER = (
    "cooperation.paa",
    "caf04",
    "lecteur.paa",
    "referent.digne",
    "cooperation.tarnagout",  # the coordinator of another CTG
)
READ_ROUTES = {"bodies", "meeting"}
# Session, user, memberships, CTG, bodies, members, meetings.
BODIES_QUERIES = 7
# The same, then meeting, members, attendance, decisions and, for editors, the plan to choose in.
MEETING_QUERIES = 9


@pytest.fixture(autouse=True)
def today_is_23_november_2026(monkeypatch):
    real = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, timezone=None: real(value) if value else TODAY
    )


@pytest.fixture
def paa(world):
    generate_demo_governance(today=TODAY)
    return Convention.objects.get(slug=PAA)


@pytest.fixture
def copil(paa):
    return Body.objects.get(convention=paa, name=PAA_COPIL)


@pytest.fixture
def installation(paa):
    """The COPIL of 11 June 2026, with its attendance and four decisions."""
    return Meeting.objects.get(convention=paa, date=datetime.date(2026, 6, 11))


def action(convention, number: str) -> PlanNode:
    return PlanNode.objects.get(convention=convention, level__name="Action clé", number=number)


def login(client, user_named, username: str):
    client.force_login(user_named(username))
    return client


def url(name: str, convention, **kwargs) -> str:
    return reverse(f"governance:{name}", kwargs={"slug": convention.slug, **kwargs})


def text(response) -> str:
    """Return the page's text with its whitespace squashed, as a reader sees it."""
    return " ".join(html.unescape(response.content.decode()).split())


def every_route(paa, copil, installation) -> dict[str, str]:
    decision = installation.decisions.first()
    return {
        "bodies": url("bodies", paa),
        "body_add": url("body_add", paa),
        "body_edit": url("body_edit", paa, pk=copil.pk),
        "body_members": url("body_members", paa, pk=copil.pk),
        "body_delete": url("body_delete", paa, pk=copil.pk),
        "meeting_add": url("meeting_add", paa),
        "meeting": url("meeting", paa, pk=installation.pk),
        "meeting_edit": url("meeting_edit", paa, pk=installation.pk),
        "meeting_attendance": url("meeting_attendance", paa, pk=installation.pk),
        "meeting_minutes": url("meeting_minutes", paa, pk=installation.pk),
        "meeting_delete": url("meeting_delete", paa, pk=installation.pk),
        "decision_add": url("decision_add", paa, pk=installation.pk),
        "decision_edit": url("decision_edit", paa, pk=decision.pk),
        "decision_delete": url("decision_delete", paa, pk=decision.pk),
    }


# --------------------------------------------------------------------------- who may do what


def test_anonymous_visitors_are_sent_to_the_login_page(client, paa, copil, installation):
    for name, address in every_route(paa, copil, installation).items():
        response = client.get(address)
        assert response.status_code == 302, name
        assert "/connexion/" in response["Location"]


def test_the_coordinator_of_another_ctg_finds_nothing(client, user_named, paa, copil, installation):
    login(client, user_named, STRANGER)
    for name, address in every_route(paa, copil, installation).items():
        assert client.get(address).status_code == 404, name
        assert client.post(address).status_code == (405 if name in READ_ROUTES else 404), name


@pytest.mark.parametrize("username", [READER, REFERENT])
def test_readers_and_referents_read_but_change_nothing(
    client, user_named, paa, copil, installation, username
):
    login(client, user_named, username)
    decisions = Decision.objects.count()
    for name, address in every_route(paa, copil, installation).items():
        if name in READ_ROUTES:
            page = client.get(address)
            assert page.status_code == 200, name
            assert "Modifier" not in text(page).split("Relevé de décisions")[-1], name
        else:
            assert client.get(address).status_code == 403, name
            assert client.post(address).status_code == 403, name
    assert Meeting.objects.filter(pk=installation.pk).exists()
    assert Decision.objects.count() == decisions


@pytest.mark.parametrize("username", [COORDINATOR, CAF])
def test_the_coordinator_and_the_caf_adviser_open_every_page(
    client, user_named, paa, copil, installation, username
):
    login(client, user_named, username)
    for name, address in every_route(paa, copil, installation).items():
        assert client.get(address).status_code == 200, name


def test_members_emails_are_shown_to_editors_only(client, user_named, paa):
    address = url("bodies", paa)

    as_reader = text(login(client, user_named, READER).get(address))
    as_coordinator = text(login(client, user_named, COORDINATOR).get(address))

    assert "Patricia GRANET-BRUNELLO" in as_reader  # named in the signed convention
    assert "@demo.pilote-ctg.invalid" not in as_reader
    assert "Écrire aux membres" not in as_reader
    assert "Courriel" not in as_reader
    assert "secretariat.ctg.paa@demo.pilote-ctg.invalid" in as_coordinator
    assert "Écrire aux membres (3 adresses)" in as_coordinator


# --------------------------------------------------------------------------- the pages


def test_the_governance_page_shows_the_next_copil_past_meetings_and_the_bodies(
    client, user_named, paa
):
    response = login(client, user_named, READER).get(url("bodies", paa))
    page = text(response)

    assert "Prochaine réunion : Comité de pilotage CTG, jeudi 10 décembre 2026" in page
    assert [m.date.isoformat() for m in response.context["past"]] == [
        "2026-09-22",
        "2026-06-11",
        "2026-04-14",
    ]
    assert [b.name for b in response.context["bodies"]] == [
        "Comité de pilotage CTG",
        "Comité technique CTG",
        "Commission petite enfance – parentalité",
    ]
    assert "17 membres, dont 15 à voix délibérative." in page


def test_the_meeting_page_reads_as_a_releve_de_decisions(client, user_named, paa, installation):
    response = login(client, user_named, READER).get(url("meeting", paa, pk=installation.pk))
    page = text(response)

    assert "COPIL d'installation de la CTG 2026-2030" in page
    assert "Jeudi 11 juin 2026 – Hôtel d'agglomération, Digne-les-Bains" in page
    assert "11 présent·es, 2 représenté·es, 3 excusé·es, 1 absent·e." in page
    assert "présents ou représentés : <strong>11 sur 15</strong>" in page
    assert "Relevé de décisions (4)" in page
    assert "Reportée à 2028" in page
    assert "governance/bodies.css" in page  # its print stylesheet
    assert "Ajouter une décision" not in page


# --------------------------------------------------------------------------- a secretary's flows


def test_a_coordinator_creates_a_body_then_its_members(client, user_named, paa):
    login(client, user_named, COORDINATOR)

    response = client.post(
        url("body_add", paa),
        {"kind": BodyKind.COMMISSION, "name": "Commission jeunesse", "mission": "Axe 3."},
    )
    body = Body.objects.get(convention=paa, name="Commission jeunesse")
    assert response["Location"] == url("body_members", paa, pk=body.pk)
    response = client.post(
        url("body_members", paa, pk=body.pk),
        {
            "membres-TOTAL_FORMS": "3",
            "membres-INITIAL_FORMS": "0",
            "membres-0-organisation": "Commune de Seyne",
            "membres-0-role": "Adjointe à la jeunesse",
            "membres-0-email": "jeunesse@seyne.example.fr",
            "membres-0-voting": "on",
            "membres-0-ORDER": "2",
            "membres-1-organisation": "Espace jeunes de Digne",
            "membres-1-ORDER": "1",
            "membres-2-voting": "on",  # an untouched empty row
        },
    )
    assert response.status_code == 302
    members = list(body.members.order_by("position").values_list("organisation", "voting"))
    assert members == [("Espace jeunes de Digne", False), ("Commune de Seyne", True)]


def test_a_wrong_email_is_reported_on_the_members_page(client, user_named, paa, copil):
    login(client, user_named, COORDINATOR)
    members = list(copil.members.order_by("position"))
    data = {"membres-TOTAL_FORMS": str(len(members)), "membres-INITIAL_FORMS": str(len(members))}
    for index, member in enumerate(members):
        prefix = f"membres-{index}"
        data |= {
            f"{prefix}-id": member.pk,
            f"{prefix}-organisation": member.organisation,
            f"{prefix}-email": "neffah@caf" if index == 0 else member.email,
            f"{prefix}-ORDER": index + 1,
        }

    response = client.post(url("body_members", paa, pk=copil.pk), data)

    assert response.status_code == 200
    assert "Saisissez une adresse e-mail valide." in text(response)
    assert BodyMember.objects.get(pk=members[0].pk).email == ""


def test_a_coordinator_plans_a_meeting_and_records_the_attendance(client, user_named, paa, copil):
    login(client, user_named, COORDINATOR)
    refused = client.post(
        url("meeting_add", paa),
        {"body": copil.pk, "kind": MeetingKind.MIDTERM, "date": "2033-06-15"},
    )
    assert "La date doit être comprise entre le 01/01/2025 et le 31/12/2031" in text(refused)

    response = client.post(
        url("meeting_add", paa),
        {
            "body": copil.pk,
            "kind": MeetingKind.MIDTERM,
            "date": "2028-06-15",
            "title": "Bilan intermédiaire",
            "location": "Digne-les-Bains",
            "agenda": "Bilan intermédiaire\nAvenant éventuel",
        },
    )
    meeting = Meeting.objects.get(convention=paa, date=datetime.date(2028, 6, 15))
    assert response["Location"] == meeting.get_absolute_url()
    first, second = copil.members.order_by("position")[:2]
    response = client.post(
        url("meeting_attendance", paa, pk=meeting.pk),
        {
            f"presence-{first.pk}": AttendanceStatus.PRESENT,
            f"presence-{second.pk}": AttendanceStatus.EXCUSED,
            "other_attendees": "MSA Provence-Azur",
        },
    )
    assert response.status_code == 302
    assert dict(meeting.attendances.values_list("member_id", "status")) == {
        first.pk: "present",
        second.pk: "excuse",
    }


def test_a_decision_with_its_update_shows_on_the_actions_page(
    client, user_named, paa, installation
):
    epicerie = action(paa, "5.3")
    login(client, user_named, COORDINATOR)

    response = client.post(
        url("decision_add", paa, pk=installation.pk),
        {
            "decision-kind": DecisionKind.ABANDON,
            "decision-node": epicerie.pk,
            "decision-text": "L'épicerie solidaire itinérante est abandonnée : le CCAS "
            "de Digne ouvre une épicerie fixe.",
            "decision-record_update": "on",
        },
    )

    assert response["Location"] == installation.get_absolute_url() + "#decisions"
    update = ActionUpdate.objects.latest_first().filter(node=epicerie).first()
    assert (update.year, update.quarter, update.status) == (2026, 2, UpdateStatus.ABANDONED)
    assert "Décision d'abandon prise par Comité de pilotage CTG le 11/06/2026" in update.done
    page = text(login(client, user_named, READER).get(epicerie.get_absolute_url()))
    assert "Décisions des instances (1)" in page
    assert "<strong>11 juin 2026</strong> – Comité de pilotage CTG" in page
    assert "le CCAS de Digne ouvre une épicerie fixe." in page
    assert installation.get_absolute_url() in page


def test_a_postponement_before_the_meeting_year_is_refused_on_the_form(
    client, user_named, paa, installation
):
    login(client, user_named, COORDINATOR)

    response = client.post(
        url("decision_add", paa, pk=installation.pk),
        {
            "decision-kind": DecisionKind.POSTPONE,
            "decision-node": action(paa, "2.3").pk,
            "decision-text": "Transport à la demande reporté.",
            "decision-postponed_to": "2025",
        },
    )

    assert response.status_code == 200
    assert (
        "Une action ne peut pas être reportée à 2025, avant l'année de la réunion (2026)."
        in text(response)
    )
    assert installation.decisions.count() == 4


def test_the_decision_form_offers_the_plan_grouped_by_level(client, user_named, paa, installation):
    response = login(client, user_named, COORDINATOR).get(url("meeting", paa, pk=installation.pk))

    choices = dict(response.context["decision_form"].fields["node"].choices)
    assert list(choices)[:5] == [
        "",
        "Axe stratégique",
        "Action",
        "Fiche action",
        "Action clé",
    ]
    labels = [label for _pk, label in choices["Action clé"]]
    assert labels[0].startswith("1.1 Actualiser le projet social de territoire")
    assert len(labels) == 35  # the key actions of the 6 fiches actions (seed 003)


def test_a_body_with_meetings_is_not_deleted(client, user_named, paa, copil):
    login(client, user_named, COORDINATOR)

    page = text(client.get(url("body_delete", paa, pk=copil.pk)))
    response = client.post(url("body_delete", paa, pk=copil.pk))

    assert "Cette instance ne peut pas être supprimée" in page
    assert "Supprimer l’instance" not in page
    assert "elle a 2 réunions, avec leurs présences et leurs décisions" in text(response)
    assert Body.objects.filter(pk=copil.pk).exists()


def test_deleting_a_meeting_asks_first_and_takes_its_decisions(
    client, user_named, paa, installation
):
    login(client, user_named, COORDINATOR)
    address = url("meeting_delete", paa, pk=installation.pk)
    pk = installation.pk

    assert "ses 4 décisions" in text(client.get(address))
    response = client.post(address, follow=True)

    assert (
        "La réunion « COPIL d'installation de la CTG 2026-2030 », avec ses 4 décisions, a été "
        "placée dans la corbeille (30 jours)." in text(response)
    )
    assert not Meeting.objects.filter(pk=pk).exists()
    assert not Decision.objects.filter(meeting_id=pk).exists()


# --------------------------------------------------------------------------- queries


def _grow_governance(paa, by):
    """Add 6 bodies of 20 members and 30 meetings with attendance and decisions."""
    nodes = list(PlanNode.objects.filter(convention=paa, level__name="Action clé")[:10])
    for index in range(6):
        body = create_body(paa, BodyData(BodyKind.COMMISSION, f"Commission {index}"), by=by)
        replace_members(
            body, [MemberData(f"Organisation {n}", email=f"m{n}@example.fr") for n in range(20)]
        )
        members = list(body.members.all())
        for month in range(1, 6):
            meeting = create_meeting(
                paa, MeetingData(body, MeetingKind.OTHER, datetime.date(2026, month, 10 + index))
            )
            record_attendance(meeting, {m.pk: AttendanceStatus.PRESENT for m in members})
            for node in nodes[:4]:
                add_decision(meeting, DecisionData(DecisionKind.VALIDATION, "Validé.", node))


def test_the_governance_page_reads_a_fixed_number_of_queries(
    client, user_named, paa, django_assert_max_num_queries
):
    login(client, user_named, COORDINATOR)
    with django_assert_max_num_queries(BODIES_QUERIES):
        client.get(url("bodies", paa))

    _grow_governance(paa, user_named(COORDINATOR))

    with django_assert_max_num_queries(BODIES_QUERIES):
        response = client.get(url("bodies", paa))
    assert len(response.context["past"]) == 33


def test_the_meeting_page_reads_a_fixed_number_of_queries(
    client, user_named, paa, installation, django_assert_max_num_queries
):
    login(client, user_named, COORDINATOR)
    with django_assert_max_num_queries(MEETING_QUERIES):
        client.get(url("meeting", paa, pk=installation.pk))

    nodes = PlanNode.objects.filter(convention=paa, level__name="Action clé")
    for node in nodes:
        add_decision(installation, DecisionData(DecisionKind.VALIDATION, "Validé.", node))
    replace_members(
        installation.body,
        [MemberData(f"Commune {n}") for n in range(40)],
    )

    with django_assert_max_num_queries(MEETING_QUERIES):
        response = client.get(url("meeting", paa, pk=installation.pk))
    assert len(response.context["decisions"]) == 4 + len(nodes)


def test_the_actions_page_does_not_read_more_with_more_decisions(
    client, user_named, paa, installation, django_assert_max_num_queries
):
    node = action(paa, "3.7")
    login(client, user_named, COORDINATOR)
    with django_assert_max_num_queries(60) as one:
        client.get(node.get_absolute_url())

    for _ in range(10):
        add_decision(installation, DecisionData(DecisionKind.CHANGE, "Calendrier revu.", node))

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(node.get_absolute_url())
    assert len(response.context["node_decisions"]["decisions"]) == 11


def test_the_meeting_deletion_page_counts_attendance_and_decisions(
    client, user_named, paa, installation
):
    login(client, user_named, COORDINATOR)
    attendance = installation.attendances.count()

    page = text(client.get(url("meeting_delete", paa, pk=installation.pk)))

    assert f"Présences : {attendance}" in page
    assert "Décisions : 4" in page


def _members_data(members, *, deleted):
    data = {"membres-TOTAL_FORMS": str(len(members)), "membres-INITIAL_FORMS": str(len(members))}
    for index, member in enumerate(members):
        prefix = f"membres-{index}"
        data |= {
            f"{prefix}-id": member.pk,
            f"{prefix}-organisation": member.organisation,
            f"{prefix}-email": member.email,
            f"{prefix}-ORDER": index + 1,
        }
        if member == deleted:
            data[f"{prefix}-DELETE"] = "on"
    return data


def test_removing_a_member_with_past_attendance_asks_first(
    client, user_named, paa, copil, installation
):
    login(client, user_named, COORDINATOR)
    members = list(copil.members.order_by("position"))
    gone = next(member for member in members if member.attendances.exists())
    attendance = gone.attendances.count()
    data = _members_data(members, deleted=gone)
    address = url("body_members", paa, pk=copil.pk)

    asked = client.post(address, data)

    assert asked.status_code == 200
    assert f"Présences : {attendance}" in text(asked)
    assert BodyMember.objects.filter(pk=gone.pk).exists()

    confirmed = client.post(address, data | {"confirm_removal": "1"})

    assert confirmed.status_code == 302
    assert not BodyMember.objects.filter(pk=gone.pk).exists()
