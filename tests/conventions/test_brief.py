"""The "en bref" page of a CTG: its figures (those of the dashboard), who sees it, its queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.conventions.models import Convention
from pilote.governance.enums import BodyKind, MeetingKind
from pilote.governance.models import Body, Meeting
from pilote.monitoring.dashboard import build_dashboard, convention_series
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import Measurement
from pilote.monitoring.periods import Quarter
from pilote.pages.brief import build_brief, key_indicators
from pilote.plans.models import Indicator, IndicatorTarget, PlanNode
from tests.factories import (
    ActionUpdateFactory,
    ConventionFactory,
    UserFactory,
    build_tracked_ctg,
    departement,
    tracked_action,
    user_with_role,
)

pytestmark = pytest.mark.django_db

TARN_AGOUT = "tarn-agout-2023-2026"


def brief_url(convention) -> str:
    return reverse("conventions:brief", kwargs={"slug": convention.slug})


@pytest.fixture
def tarn_agout(session_demo_ctgs):
    """Seed 001's plan with a few updates: one done, one blocked and late, one in progress."""
    convention = Convention.objects.get(slug=TARN_AGOUT)
    actions = PlanNode.objects.filter(convention=convention, level__tracked=True)
    survey = actions.get(title__startswith="Recenser les besoins spécifiques")
    nursery = actions.get(title__startswith="Valoriser le métier d'Assistante Maternelle")
    youth = actions.get(title__startswith="Identifier les lieux de regroupement")
    PlanNode.objects.filter(pk__in=[survey.pk, nursery.pk]).update(start_year=2024, end_year=2025)
    for node, status, progress in (
        (survey, UpdateStatus.BLOCKED, 50),  # due end 2025 and open: late
        (nursery, UpdateStatus.DONE, 100),
        (youth, UpdateStatus.IN_PROGRESS, 30),
    ):
        ActionUpdateFactory(node=node, year=2026, quarter=1, status=status, progress=progress)
    return convention


def test_status_by_axis_counts_done_in_progress_and_late_actions(tarn_agout):
    board = build_dashboard(tarn_agout, include_internal=True, now=Quarter(2026, 2))

    # Seed 001: 38 objectifs opérationnels under axes 1 to 3 (axis 4, transversal, has none).
    assert [axis.action_count for axis in board.axes] == [15, 15, 8]
    assert sum(axis.done_count for axis in board.axes) == 1
    assert sum(axis.in_progress_count for axis in board.axes) == 1
    assert sum(axis.late_count for axis in board.axes) == len(board.late) == 1
    overall = board.overall
    assert (overall.done_count, overall.in_progress_count, overall.late_count) == (1, 1, 1)
    assert (overall.updated_count, overall.mean_progress) == (3, 60)


def test_the_brief_shows_the_ctg_at_a_glance(client, tarn_agout):
    tarn_agout.next_copil_date = datetime.date(2030, 9, 15)
    tarn_agout.save()
    client.force_login(user_with_role(Role.READER, convention=tarn_agout))

    response = client.get(brief_url(tarn_agout))

    assert response.status_code == 200
    html = response.content.decode()
    assert tarn_agout.name in html
    assert "2023 – 2026" in html
    assert "21 communes" in html  # seed 001: the 21 communes of the CC Tarn-Agout
    assert tarn_agout.epci.name in html
    assert "15 septembre 2030" in html
    assert "Avancement moyen de 3 actions sur 38" in html
    assert "1 réalisée (3&nbsp;%)" in html
    assert "Dernière mise à jour du suivi :" in html
    assert reverse("monitoring:dashboard", kwargs={"slug": tarn_agout.slug}) in html
    brief = response.context["brief"]
    assert brief.territory.commune_count == 21
    assert brief.last_update is not None


def test_the_next_copil_is_the_next_planned_copil_meeting(client):
    convention = ConventionFactory(next_copil_date=datetime.date(2099, 1, 1))
    copil = Body.objects.create(convention=convention, kind=BodyKind.COPIL, name="COPIL")
    Meeting.objects.create(
        convention=convention, body=copil, kind=MeetingKind.ANNUAL, date=datetime.date(2098, 3, 5)
    )
    client.force_login(UserFactory(superuser=True))

    html = client.get(brief_url(convention)).content.decode()

    assert "5 mars 2098" in html
    assert "pas encore fixé" not in html


def test_without_a_copil_date_the_brief_says_so(client):
    convention = ConventionFactory()
    client.force_login(UserFactory(superuser=True))
    html = client.get(brief_url(convention)).content.decode()
    assert "pas encore fixé" in html
    assert "Aucune action suivie pour l’instant." in html


def _indicator(convention, name, targets, measurements, *, node=None, position=0, unit="%"):
    indicator = Indicator.objects.create(
        convention=convention, node=node, name=name, unit=unit, position=position
    )
    for year, value in targets.items():
        IndicatorTarget.objects.create(indicator=indicator, year=year, value=Decimal(value))
    for year, quarter, value in measurements:
        Measurement.objects.create(
            indicator=indicator, year=year, quarter=quarter, value=Decimal(value)
        )
    return indicator


def test_key_indicators_are_the_ctg_ones_then_those_below_target():
    convention = ConventionFactory()
    action = tracked_action(convention)
    coverage = _indicator(convention, "Taux de couverture", {2026: 55}, [(2026, 3, "54.5")])
    informed = _indicator(convention, "Familles informées", {2030: 80}, [], position=1)
    _indicator(convention, "Sans cible ni mesure", {}, [], position=2)
    below = _indicator(
        convention, "Parents participants", {2026: 40}, [(2026, None, 30)], node=action
    )
    _indicator(convention, "Au-dessus", {2026: 10}, [(2026, None, 30)], node=action, position=1)

    board = build_dashboard(convention, include_internal=True, now=Quarter(2027, 1))
    chosen = key_indicators(board, convention_series(convention, include_internal=True))

    assert [item.name for item in chosen] == [coverage.name, informed.name, below.name]
    first, second, third = chosen
    assert first.off_target
    assert first.value_text == "54,5\u00a0%"
    assert first.target_text == "cible 2026 : 55\u00a0%"
    assert (second.value_text, second.target_text) == ("pas de mesure", "cible 2030 : 80\u00a0%")
    assert third.action == str(action)


def test_a_count_reads_100_en_2026_not_100_nombre(client):
    convention = ConventionFactory()
    _indicator(convention, "Parents participants", {2026: 150}, [(2026, None, 100)], unit="nombre")
    _indicator(
        convention, "Places créées", {2026: 12}, [(2026, None, 8)], unit="places", position=1
    )
    client.force_login(UserFactory(superuser=True))
    html = client.get(brief_url(convention)).content.decode()
    assert "nombre" not in html
    assert "<strong>100</strong>" in html
    assert "cible 2026 : 150" in html
    assert "<strong>8\u00a0places</strong>" in html
    assert "cible 2026 : 12\u00a0places" in html


def test_key_indicators_stop_at_six():
    convention = ConventionFactory()
    for position in range(8):
        _indicator(
            convention, f"Indicateur {position}", {2026: 10}, [(2026, 1, 5)], position=position
        )
    brief = build_brief(convention, include_internal=True)
    assert len(brief.indicators) == 6


@pytest.mark.parametrize(
    ("role", "same_ctg", "status"),
    [
        (Role.CAF_ADVISER, True, 200),
        (Role.COORDINATOR, True, 200),
        (Role.REFERENT, True, 200),
        (Role.READER, True, 200),
        (Role.CAF_ADVISER, False, 404),
        (Role.COORDINATOR, False, 404),
        (Role.READER, False, 404),
    ],
)
def test_who_sees_the_brief(client, role, same_ctg, status):
    convention = ConventionFactory()
    other = ConventionFactory(departement=departement("13"))
    if role == Role.CAF_ADVISER:
        user = user_with_role(role, departement_code="04" if same_ctg else "13")
    else:
        user = user_with_role(role, convention=convention if same_ctg else other)
    client.force_login(user)
    assert client.get(brief_url(convention)).status_code == status


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get(brief_url(ConventionFactory()))
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


def test_the_brief_is_read_only(client):
    convention = ConventionFactory()
    client.force_login(UserFactory(superuser=True))
    assert client.post(brief_url(convention)).status_code == 405


def _brief_queries(client, django_assert_max_num_queries, convention) -> int:
    with django_assert_max_num_queries(20) as captured:
        response = client.get(brief_url(convention))
    assert response.status_code == 200
    return len(captured)


def test_brief_queries_do_not_grow_with_the_plan(client, django_assert_max_num_queries):
    """500 actions × 8 updates and 40 indicators: the same queries as 5 actions and 1 indicator."""
    small = ConventionFactory()
    _, few = build_tracked_ctg(5, 1, convention=small)
    _indicator(small, "Indicateur", {2026: 50}, [(2026, 1, 40)], node=few[0])
    big, actions = build_tracked_ctg(500, 8)
    for position, node in enumerate(actions[:40]):
        _indicator(big, f"Indicateur {position}", {2026: 50}, [(2026, 1, 40)], node=node)
    client.force_login(UserFactory(superuser=True))

    small_count = _brief_queries(client, django_assert_max_num_queries, small)
    big_count = _brief_queries(client, django_assert_max_num_queries, big)

    assert big_count == small_count
