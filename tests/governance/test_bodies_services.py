"""Governance services: bodies and members, meetings, attendance, decisions and the update a
decision may record on its action, with the French messages users read when a change is refused."""

import datetime

import pytest
from django.utils import timezone

from pilote.governance.bodies.services import (
    BodyData,
    DecisionData,
    MeetingData,
    MemberData,
    add_decision,
    create_body,
    create_meeting,
    delete_body,
    delete_decision,
    delete_meeting,
    record_attendance,
    record_minutes,
    replace_members,
    update_body,
    update_decision,
    update_meeting,
)
from pilote.governance.enums import AttendanceStatus, BodyKind, DecisionKind, MeetingKind
from pilote.governance.exceptions import GovernanceError
from pilote.governance.models import Attendance, Body, BodyMember, Decision, Meeting
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate
from tests.factories import ActionUpdateFactory, ConventionFactory, UserFactory, tracked_action

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
COPIL_DAY = datetime.date(2026, 6, 11)


@pytest.fixture(autouse=True)
def today_is_23_november_2026(monkeypatch):
    """Run as if on 23 November 2026 (T4 2026), whatever the clock says."""
    real = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, timezone=None: real(value) if value else TODAY
    )


@pytest.fixture
def author():
    return UserFactory(first_name="Sarah", last_name="Fabre")


@pytest.fixture
def action():
    """Action clé 3.7 of a CTG 2026–2030 (tracked), with an update at 25 % in T1 2026."""
    action = tracked_action(
        number="3.7",
        title="Créer de nouvelles places AVIP et développer l'accueil à horaires décalés",
    )
    ActionUpdateFactory(node=action, year=2026, quarter=1, progress=25)
    return action


@pytest.fixture
def convention(action):
    return action.convention


@pytest.fixture
def copil(convention, author):
    body = create_body(
        convention,
        BodyData(BodyKind.COPIL, "Comité de pilotage CTG", "Copiloté par la Caf et l'EPCI."),
        by=author,
    )
    replace_members(
        body,
        [
            MemberData("Caf des Alpes-de-Haute-Provence", "Sébastien NEFFAH", "Directeur"),
            MemberData(
                "Communauté d'agglomération Provence-Alpes-Agglomération",
                "Patricia GRANET-BRUNELLO",
                "Présidente",
                "secretariat.ctg@paa.example.fr",
            ),
            MemberData("Commune de Malijai", "Sonia FONTAINE", "Maire"),
            MemberData("Conseil départemental", "", "Conseillère déléguée", voting=False),
        ],
        by=author,
    )
    return body


@pytest.fixture
def meeting(convention, copil, author):
    return create_meeting(
        convention,
        MeetingData(copil, MeetingKind.OTHER, COPIL_DAY, "COPIL d'installation", "Digne"),
        by=author,
    )


def decision_data(node, **overrides) -> DecisionData:
    values = {
        "kind": DecisionKind.POSTPONE,
        "text": "Ouverture des places AVIP reportée : le local ne sera pas prêt.",
        "node": node,
        "postponed_to": 2028,
    }
    values.update(overrides)
    return DecisionData(**values)


# --------------------------------------------------------------------------- bodies and members


def test_bodies_are_added_after_the_existing_ones_with_their_author(convention, author):
    copil = create_body(convention, BodyData(BodyKind.COPIL, "  COPIL CTG  "), by=author)
    cotech = create_body(convention, BodyData(BodyKind.COTECH, "Comité technique"), by=author)

    assert (copil.name, copil.position, cotech.position) == ("COPIL CTG", 0, 1)
    assert copil.history.get().history_user == author


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BodyData(BodyKind.COPIL, "  "), "Indiquez le nom de l'instance."),
        (BodyData("bureau", "Bureau"), "Type d'instance inconnu : « bureau »."),
        (
            BodyData(BodyKind.COTECH, "comité de PILOTAGE ctg"),
            "La CTG a déjà une instance nommée « comité de PILOTAGE ctg »",
        ),
    ],
)
def test_a_body_without_name_or_of_unknown_kind_or_named_twice_is_refused(
    convention, copil, data, message
):
    with pytest.raises(GovernanceError, match=message):
        create_body(convention, data)
    assert Body.objects.filter(convention=convention).count() == 1


def test_a_body_keeps_its_own_name_when_edited_and_another_ctg_may_reuse_it(copil):
    update_body(copil, BodyData(BodyKind.COPIL, "Comité de pilotage CTG", "Nouvelle mission."))
    other = create_body(ConventionFactory(), BodyData(BodyKind.COPIL, "Comité de pilotage CTG"))

    copil.refresh_from_db()
    assert copil.mission == "Nouvelle mission."
    assert other.pk != copil.pk


def test_members_are_replaced_in_order_keeping_the_seats_that_stay(copil):
    caf, paa, malijai, departement = copil.members.order_by("position")

    replace_members(
        copil,
        [
            MemberData("Commune de Malijai", "Nouveau maire", "Maire", pk=malijai.pk),
            MemberData("Caf des Alpes-de-Haute-Provence", "Sébastien NEFFAH", pk=caf.pk),
            MemberData("SDJES 04", "", "Cheffe de service", " sdjes@example.fr "),
        ],
    )

    rows = list(copil.members.order_by("position").values_list("pk", "person", "email"))
    assert rows[:2] == [(malijai.pk, "Nouveau maire", ""), (caf.pk, "Sébastien NEFFAH", "")]
    assert rows[2][1:] == ("", "sdjes@example.fr")
    assert not BodyMember.objects.filter(pk__in=[paa.pk, departement.pk]).exists()


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (MemberData(" ", "Sonia FONTAINE"), "Membre n° 2 : indiquez son organisation."),
        (
            MemberData("Commune de Malijai", email="mairie.malijai"),
            "Membre n° 2 : l'adresse « mairie.malijai » n'est pas une adresse électronique valide.",
        ),
        (MemberData("Commune", pk=987654), "n'appartient pas (ou plus) à cette instance"),
    ],
)
def test_wrong_members_are_refused_and_nothing_changes(copil, member, message):
    before = list(copil.members.values_list("pk", "organisation"))

    with pytest.raises(GovernanceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        replace_members(copil, [MemberData("Caf 04"), member])

    assert list(copil.members.values_list("pk", "organisation")) == before


def test_a_body_with_meetings_cannot_be_deleted(copil, meeting):
    with pytest.raises(GovernanceError) as error:
        delete_body(copil)

    assert error.value.message == (
        "L'instance « Comité de pilotage CTG » ne peut pas être supprimée : elle a 1 réunion, "
        "avec leurs présences et leurs décisions. Supprimez d'abord ses réunions, ou gardez "
        "l'instance."
    )
    assert Body.objects.filter(pk=copil.pk).exists()


def test_a_body_without_meetings_is_deleted_with_its_members(copil, author):
    pk = copil.pk

    delete_body(copil, by=author)

    assert not Body.objects.filter(pk=pk).exists()
    assert not BodyMember.objects.filter(body_id=pk).exists()
    assert Body.history.filter(id=pk, history_type="-").get().history_user == author


# --------------------------------------------------------------------------- meetings


@pytest.mark.parametrize(
    ("day", "accepted"),
    [
        (datetime.date(2025, 1, 1), True),  # the year before: the COPIL validating the plan
        (datetime.date(2031, 12, 31), True),  # the year after: the bilan final
        (datetime.date(2024, 12, 31), False),
        (datetime.date(2032, 1, 1), False),
    ],
)
def test_a_meeting_is_dated_within_the_ctg_give_or_take_a_year(convention, copil, day, accepted):
    data = MeetingData(copil, MeetingKind.ANNUAL, day)
    if accepted:
        assert create_meeting(convention, data).date == day
    else:
        with pytest.raises(GovernanceError, match="entre le 01/01/2025 et le 31/12/2031"):
            create_meeting(convention, data)


def test_a_meeting_of_another_ctgs_body_is_refused(convention):
    foreign = create_body(ConventionFactory(), BodyData(BodyKind.COPIL, "COPIL voisin"))

    with pytest.raises(GovernanceError, match="Choisissez une instance de cette CTG") as error:
        create_meeting(convention, MeetingData(foreign, MeetingKind.ANNUAL, COPIL_DAY))
    assert error.value.field == "body"


def test_attendance_is_recorded_changed_and_cleared_member_by_member(meeting, copil):
    caf, paa, malijai, _departement = copil.members.order_by("position")
    record_attendance(
        meeting,
        {caf.pk: AttendanceStatus.PRESENT, paa.pk: AttendanceStatus.EXCUSED, malijai.pk: ""},
        other_attendees="  MSA Provence-Azur (invitée)  ",
    )
    record_attendance(
        meeting, {paa.pk: AttendanceStatus.REPRESENTED, caf.pk: None, malijai.pk: "absent"}
    )

    statuses = dict(meeting.attendances.values_list("member_id", "status"))
    assert statuses == {paa.pk: "represente", malijai.pk: "absent"}
    meeting.refresh_from_db()
    assert meeting.other_attendees == "MSA Provence-Azur (invitée)"


def test_attendance_of_a_member_of_another_body_is_refused(convention, meeting):
    cotech = create_body(convention, BodyData(BodyKind.COTECH, "Comité technique"))
    replace_members(cotech, [MemberData("Caf 04")])
    stranger = cotech.members.get()

    with pytest.raises(GovernanceError, match="n'appartient pas"):
        record_attendance(meeting, {stranger.pk: AttendanceStatus.PRESENT})
    assert not Attendance.objects.exists()


def test_moving_a_meeting_to_another_body_drops_its_attendance(convention, meeting, copil):
    record_attendance(meeting, {m.pk: "present" for m in copil.members.all()})
    cotech = create_body(convention, BodyData(BodyKind.COTECH, "Comité technique"))

    same = update_meeting(meeting, MeetingData(copil, MeetingKind.ANNUAL, COPIL_DAY, "Bilan"))
    moved = update_meeting(meeting, MeetingData(cotech, MeetingKind.OTHER, COPIL_DAY))

    assert (same, moved) == (0, 4)
    assert not meeting.attendances.exists()
    assert Meeting.objects.get(pk=meeting.pk).body == cotech


def test_minutes_are_written_trimmed(meeting):
    record_minutes(meeting, "\nLe COPIL est installé.\n")
    meeting.refresh_from_db()
    assert meeting.minutes == "Le COPIL est installé."


# --------------------------------------------------------------------------- decisions


def test_decisions_are_numbered_in_the_order_they_are_taken(meeting, action):
    first = add_decision(meeting, decision_data(action)).decision
    second = add_decision(
        meeting, DecisionData(DecisionKind.VALIDATION, "Calendrier 2027 validé.")
    ).decision

    assert list(meeting.decisions.values_list("pk", flat=True)) == [first.pk, second.pk]
    assert (first.postponed_to, first.node, second.node) == (2028, action, None)


def test_a_decision_may_postpone_an_action_to_a_quarter(meeting, action):
    decision = add_decision(meeting, decision_data(action, postponed_quarter=3)).decision
    decision.refresh_from_db()
    assert (decision.postponed_to, decision.postponed_quarter) == (2028, 3)
    assert decision.postponed_label == "T3 2028"
    same_quarter = decision_data(action, postponed_to=2026, postponed_quarter=2)
    assert add_decision(meeting, same_quarter).decision.postponed_label == "T2 2026"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"postponed_to": 2026, "postponed_quarter": 1},
            "postponed_quarter",
            "Une action ne peut pas être reportée à T1 2026, avant le trimestre de la réunion "
            "(T2 2026).",
        ),
        (
            {"postponed_to": None, "postponed_quarter": 3},
            "postponed_to",
            "Indiquez l'année du report avec son trimestre, par exemple T3 2027.",
        ),
        (
            {"postponed_quarter": 5},
            "postponed_quarter",
            "Le trimestre doit être T1, T2, T3 ou T4.",
        ),
        (
            {"postponed_to": 2025},
            "postponed_to",
            "Une action ne peut pas être reportée à 2025, avant l'année de la réunion (2026).",
        ),
        (
            {"postponed_to": 2031},
            "postponed_to",
            "2031 est après la fin de la CTG (2030) : pour un report à la prochaine CTG, laissez "
            "l'année vide et dites-le dans le texte de la décision.",
        ),
        (
            {"kind": DecisionKind.VALIDATION},
            "postponed_to",
            "L'année « reportée à » ne concerne qu'une décision de report : choisissez le type "
            "« Report » ou laissez l'année vide.",
        ),
        ({"text": "   "}, "text", "Écrivez la décision."),
        ({"kind": "vote"}, "kind", "Type de décision inconnu : « vote »."),
    ],
)
def test_a_decision_that_makes_no_sense_is_refused_in_french(
    meeting, action, overrides, field, message
):
    with pytest.raises(GovernanceError) as error:
        add_decision(meeting, decision_data(action, **overrides))

    assert (error.value.field, error.value.message) == (field, message)
    assert not Decision.objects.exists()


def test_a_decision_about_another_ctgs_action_is_refused(meeting):
    foreign = tracked_action()

    with pytest.raises(GovernanceError, match="n'appartient pas à cette CTG"):
        add_decision(meeting, decision_data(foreign))


def test_a_report_records_a_postponed_update_on_the_action_in_the_same_stroke(
    meeting, action, author
):
    saved = add_decision(meeting, decision_data(action, record_update=True), by=author)

    update = saved.update
    assert update == ActionUpdate.objects.latest_first().get(node=action, year=2026, quarter=2)
    assert (update.status, update.progress, update.author) == (
        UpdateStatus.POSTPONED,
        25,  # the action's progress is kept
        author,
    )
    assert update.done == (
        "Décision de report prise par Comité de pilotage CTG le 11/06/2026 (COPIL "
        "d'installation) : Ouverture des places AVIP reportée : le local ne sera pas prêt."
    )
    assert update.next_steps == "Action reportée à 2028."


def test_an_abandon_records_an_abandoned_update(meeting, action):
    saved = add_decision(
        meeting,
        decision_data(
            action,
            kind=DecisionKind.ABANDON,
            postponed_to=None,
            text="Besoin couvert par le département.",
            record_update=True,
        ),
    )

    assert saved.update.status == UpdateStatus.ABANDONED
    assert saved.update.next_steps == ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"kind": DecisionKind.VALIDATION, "postponed_to": None},
            "Un point de suivi n'accompagne qu'une décision de report ou d'abandon.",
        ),
        (
            {"without_node": True},
            "Choisissez l'action concernée pour enregistrer aussi un point de suivi.",
        ),
    ],
)
def test_the_update_option_needs_a_report_or_abandon_about_an_action(
    meeting, action, overrides, message
):
    node = None if overrides.pop("without_node", False) else action
    with pytest.raises(GovernanceError, match=message) as error:
        add_decision(meeting, decision_data(node, record_update=True, **overrides))

    assert error.value.field == "record_update"
    assert not Decision.objects.exists()


def test_the_update_option_is_refused_for_an_element_that_is_not_tracked(meeting, action):
    with pytest.raises(GovernanceError, match="n'est pas suivi chaque trimestre"):
        add_decision(meeting, decision_data(action.parent, record_update=True))

    assert not Decision.objects.exists()


def test_the_update_option_waits_for_the_meeting_to_take_place(convention, copil, action):
    december = create_meeting(
        convention, MeetingData(copil, MeetingKind.ANNUAL, datetime.date(2026, 12, 10))
    )

    with pytest.raises(GovernanceError, match="La réunion du 10/12/2026 n'a pas encore eu lieu"):
        add_decision(december, decision_data(action, record_update=True))
    assert not Decision.objects.exists()


def test_a_refused_update_leaves_no_decision_behind(convention, copil, action):
    """A meeting the year before the CTG: the decision alone is fine, its update is not."""
    before = create_meeting(
        convention, MeetingData(copil, MeetingKind.OTHER, datetime.date(2025, 9, 18))
    )
    updates = ActionUpdate.objects.count()

    with pytest.raises(GovernanceError) as error:
        add_decision(before, decision_data(action, postponed_to=2027, record_update=True))

    assert error.value.message.startswith("Le point de suivi n'a pas pu être enregistré : ")
    assert "hors de la période de la CTG" in error.value.message
    assert not Decision.objects.exists()
    assert ActionUpdate.objects.count() == updates


def test_an_edited_decision_can_record_its_update_later(meeting, action):
    decision = add_decision(meeting, decision_data(action)).decision
    assert not ActionUpdate.objects.filter(status=UpdateStatus.POSTPONED).exists()

    saved = update_decision(decision, decision_data(action, postponed_to=2029, record_update=True))

    decision.refresh_from_db()
    assert decision.postponed_to == 2029
    assert saved.update.next_steps == "Action reportée à 2029."


def test_deleting_a_meeting_deletes_its_decisions_but_keeps_the_updates(meeting, action, author):
    add_decision(meeting, decision_data(action, record_update=True))
    add_decision(meeting, DecisionData(DecisionKind.OTHER, "Prochain COPIL en décembre."))
    updates = ActionUpdate.objects.count()

    pk = meeting.pk

    item = delete_meeting(meeting, by=author)
    assert dict(item.what_goes)["décisions"] == 2

    assert not Meeting.objects.filter(pk=pk).exists()
    assert not Decision.objects.exists()
    assert ActionUpdate.objects.count() == updates
    deleted = Decision.history.filter(history_type="-")
    assert {row.history_user for row in deleted} == {author}


def test_a_deleted_decision_leaves_the_meeting(meeting, action):
    decision = add_decision(meeting, decision_data(action)).decision

    delete_decision(decision)

    assert not meeting.decisions.exists()
