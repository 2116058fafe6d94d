"""The demo governance: seed 003's COPIL as its convention describes it (article 6, annexe 4),
generic bodies for the two other CTGs, past meetings with decisions on real actions, and one
COPIL to come."""

import datetime

import pytest

from pilote.conventions.models import Convention
from pilote.demo.governance import SPECS, generate_demo_governance
from pilote.governance.bodies.queries import next_copil_date
from pilote.governance.enums import BodyKind
from pilote.governance.models import Body, Decision, Meeting

from .demo import PAA, SALON, TARN, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(world):
    return {result.convention.slug: result for result in generate_demo_governance(today=TODAY)}


def test_every_demo_ctg_gets_bodies_meetings_and_decisions_on_real_actions(generated):
    assert set(generated) == {PAA, TARN, SALON}
    for slug in generated:
        convention = Convention.objects.get(slug=slug)
        bodies, meetings = SPECS[slug]
        assert Body.objects.filter(convention=convention).count() == len(bodies)
        assert Meeting.objects.filter(convention=convention).count() == len(meetings)
        assert generated[slug].skipped == []
        linked = Decision.objects.filter(meeting__convention=convention, node__isnull=False)
        assert linked.exists()
        assert not linked.exclude(node__convention=convention).exists()


def test_the_paa_copil_is_the_one_of_article_6(generated):
    copil = Body.objects.get(convention__slug=PAA, kind=BodyKind.COPIL)
    organisations = set(copil.members.values_list("organisation", flat=True))

    assert "Caf des Alpes-de-Haute-Provence" in organisations
    assert "Communauté d'agglomération Provence-Alpes-Agglomération" in organisations
    assert "SDJES des Alpes-de-Haute-Provence (DSDEN)" in organisations
    assert sum(name.startswith("Commune") for name in organisations) == 10
    assert copil.members.filter(voting=False).count() == 2
    assert "secrétariat permanent assuré par la communauté d'agglomération" in copil.mission


def test_each_ctg_has_one_copil_to_come_with_an_agenda_only(generated):
    for slug in (PAA, TARN, SALON):
        upcoming = Meeting.objects.filter(convention__slug=slug, date__gte=TODAY)
        meeting = upcoming.get()
        assert meeting.body.kind == BodyKind.COPIL
        assert meeting.agenda
        assert not meeting.attendances.exists()
        assert not meeting.decisions.exists()
        past = Meeting.objects.filter(convention__slug=slug, date__lt=TODAY)
        assert past.exists()
        assert not past.filter(attendances__isnull=True).exists()
    paa = Convention.objects.get(slug=PAA)
    assert next_copil_date(paa, today=TODAY) == datetime.date(2026, 12, 10)


def test_the_paa_copil_postponed_action_3_7_to_2028(generated):
    decision = Decision.objects.get(meeting__convention__slug=PAA, node__number="3.7")

    assert decision.postponed_to == 2028
    assert decision.meeting.date == datetime.date(2026, 6, 11)


def test_generating_again_adds_nothing(generated):
    count = Decision.objects.count()

    again = generate_demo_governance(today=TODAY)

    assert [result.created for result in again] == [False, False, False]
    assert Decision.objects.count() == count
