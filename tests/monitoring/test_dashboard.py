"""The dashboard of a CTG: its figures on the demo CTGs, who sees it, its links, its queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from pilote.accounts.enums import Role
from pilote.conventions.models import Convention
from pilote.conventions.templatetags.conventions_tags import long_date
from pilote.monitoring.dashboard import build_dashboard, convention_series
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.monitoring.periods import Quarter
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


@pytest.fixture
def tarn_agout(session_demo_ctgs):
    return Convention.objects.get(slug=TARN_AGOUT)


def _action(convention, title_start: str) -> PlanNode:
    return PlanNode.objects.get(
        convention=convention, level__tracked=True, title__startswith=title_start
    )


def _update(node, year, quarter, status, progress):
    return ActionUpdateFactory(
        node=node, year=year, quarter=quarter, status=status, progress=progress
    )


@pytest.fixture
def tarn_agout_with_updates(tarn_agout):
    """Seed 001's plan with a few quarterly rounds, as the chargé de coopération would enter."""
    survey = _action(tarn_agout, "Recenser les besoins spécifiques")
    nursery = _action(tarn_agout, "Valoriser le métier d'Assistante Maternelle")
    youth = _action(tarn_agout, "Identifier les lieux de regroupement")
    breakfast = _action(tarn_agout, "Remettre en place des Petits Déj")
    # Planned ends as in the seed's "démarrage 2024" column, so that some are due.
    PlanNode.objects.filter(pk__in=[survey.pk, nursery.pk, youth.pk]).update(
        start_year=2024, end_year=2025, end_quarter=None
    )
    PlanNode.objects.filter(pk=breakfast.pk).update(start_year=2023, end_year=2024, end_quarter=2)
    _update(survey, 2025, 2, UpdateStatus.IN_PROGRESS, 40)
    _update(survey, 2025, 4, UpdateStatus.BLOCKED, 50)  # latest: blocked, due end 2025 → late
    _update(nursery, 2025, 3, UpdateStatus.DONE, 100)  # due end 2025 but done → not late
    _update(youth, 2026, 1, UpdateStatus.IN_PROGRESS, 30)  # updated in T1 2026, yet late
    _update(breakfast, 2024, 1, UpdateStatus.IN_PROGRESS, 80)
    _update(breakfast, 2024, 2, UpdateStatus.ABANDONED, 80)  # abandoned → not late
    return tarn_agout, {"survey": survey, "nursery": nursery, "youth": youth, "bfast": breakfast}


def test_dashboard_figures_on_the_tarn_agout_plan(tarn_agout_with_updates):
    convention, actions = tarn_agout_with_updates
    board = build_dashboard(convention, include_internal=True, now=Quarter(2026, 1))

    assert board.action_count == 38  # the 38 objectifs opérationnels of seed 001
    counts = {status.value: status.count for status in board.statuses}
    assert counts[UpdateStatus.BLOCKED] == 1
    assert counts[UpdateStatus.DONE] == 1
    assert counts[UpdateStatus.IN_PROGRESS] == 1
    assert counts[UpdateStatus.ABANDONED] == 1
    assert counts["sans_point"] == 34
    assert sum(counts.values()) == 38
    # Due by T4 2025 and still open: the blocked survey and the youth action in progress.
    assert {row.pk for row in board.late} == {actions["survey"].pk, actions["youth"].pk}
    # Only the youth action has an update for T1 2026.
    assert len(board.not_updated) == 37
    assert actions["youth"].pk not in {row.pk for row in board.not_updated}


def test_late_actions_follow_the_current_quarter(tarn_agout_with_updates):
    convention, actions = tarn_agout_with_updates
    before = build_dashboard(convention, include_internal=True, now=Quarter(2025, 4))
    after = build_dashboard(convention, include_internal=True, now=Quarter(2026, 2))
    assert before.late == []  # planned end T4 2025 is not passed yet
    assert {row.pk for row in after.late} == {actions["survey"].pk, actions["youth"].pk}


def test_progress_by_axis_is_the_mean_of_the_latest_updates(tarn_agout_with_updates):
    convention, _ = tarn_agout_with_updates
    board = build_dashboard(convention, include_internal=True, now=Quarter(2026, 1))
    axes = {axis.label.split(" ")[0]: axis for axis in board.axes}
    # Axe 1 holds the survey (50 %), the nursery (100 %) and the youth action (30 %).
    first = axes["1"]
    assert first.updated_count == 3
    assert first.mean_progress == 60
    # The breakfast action (80 %, abandoned) sits under Axe 3.
    assert axes["3"].mean_progress == 80
    assert axes["2"].mean_progress is None
    assert sum(axis.action_count for axis in board.axes) == 38


def test_progress_by_thematic_counts_each_action_in_each_of_its_thematics(
    tarn_agout_with_updates,
):
    convention, actions = tarn_agout_with_updates
    board = build_dashboard(convention, include_internal=True, now=Quarter(2026, 1))
    by_code = {group.key: group for group in board.thematics}
    survey_codes = set(actions["survey"].thematics.values_list("code", flat=True))
    assert survey_codes
    for code in survey_codes:
        assert by_code[code].updated_count >= 1
    total_links = PlanNode.thematics.through.objects.filter(
        plannode__convention=convention, plannode__level__tracked=True
    ).count()
    assert sum(group.action_count for group in board.thematics) == total_links


def test_dashboard_page_links_each_figure_to_the_filtered_table(client, tarn_agout_with_updates):
    convention, _ = tarn_agout_with_updates
    client.force_login(UserFactory(superuser=True))
    response = client.get(reverse("monitoring:dashboard", kwargs={"slug": convention.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    table = f"/ctg/{convention.slug}/suivi/"
    assert f'href="{table}?retard=1"' in html
    assert f'href="{table}?sans_point=1"' in html
    assert f'href="{table}?statut=bloquee"' in html
    assert f'href="{table}?statut=sans_point"' in html
    assert f'href="{table}?thematique=petite-enfance"' in html
    assert "Non renseignée" in html  # no COPIL date yet
    assert "Actions en retard" in html


@pytest.mark.parametrize(
    ("role", "same_ctg", "status"),
    [
        (Role.CAF_ADVISER, True, 200),
        (Role.COORDINATOR, True, 200),
        (Role.REFERENT, True, 200),
        (Role.READER, True, 200),
        (Role.CAF_ADVISER, False, 404),
        (Role.COORDINATOR, False, 404),
    ],
)
def test_who_sees_the_dashboard(client, role, same_ctg, status):
    convention = ConventionFactory()
    other = ConventionFactory(departement=departement("13"))
    if role == Role.CAF_ADVISER:
        user = user_with_role(role, departement_code="04" if same_ctg else "13")
    else:
        user = user_with_role(role, convention=convention if same_ctg else other)
    client.force_login(user)
    for name in ("monitoring:dashboard", "monitoring:timeline", "monitoring:indicators"):
        response = client.get(reverse(name, kwargs={"slug": convention.slug}))
        assert response.status_code == status, name


def test_superuser_sees_the_dashboard(client):
    convention = ConventionFactory()
    client.force_login(UserFactory(superuser=True))
    response = client.get(reverse("monitoring:dashboard", kwargs={"slug": convention.slug}))
    assert response.status_code == 200


def test_anonymous_visitors_go_to_the_login_page(client):
    convention = ConventionFactory()
    response = client.get(reverse("monitoring:dashboard", kwargs={"slug": convention.slug}))
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


def _indicator(convention, name, targets, measurements, *, node=None, position=0):
    indicator = Indicator.objects.create(
        convention=convention, node=node, name=name, unit="%", position=position
    )
    for year, value in targets.items():
        IndicatorTarget.objects.create(indicator=indicator, year=year, value=Decimal(value))
    for year, quarter, value in measurements:
        Measurement.objects.create(
            indicator=indicator, year=year, quarter=quarter, value=Decimal(value)
        )
    return indicator


def test_indicators_below_target_are_those_of_the_indicator_pages(client):
    """The dashboard reads values, the indicator pages series: both judge alike."""
    convention = ConventionFactory()  # 2026–2030
    action = tracked_action(convention)
    below = _indicator(
        convention,
        "Taux de couverture en accueil du jeune enfant",
        {2026: 55, 2027: 58},
        [(2026, 1, 56), (2026, 3, "54.5")],  # T3 is the latest of 2026: below 55
    )
    _indicator(  # a yearly value counts as the end of its year: 56 reaches 55
        convention, "Part des familles informées", {2026: 55}, [(2026, 2, 50), (2026, None, 56)]
    )
    _indicator(convention, "Sans cible", {}, [(2026, 1, 1)], position=1)
    _indicator(convention, "Sans mesure", {2026: 10}, [], position=2)
    on_action = _indicator(
        convention,
        "Nombre de parents participants",
        {2026: 40, 2027: 60},
        [(2026, None, 45), (2027, 2, 30)],  # 2027 is the latest judged year: below 60
        node=action,
    )
    board = build_dashboard(convention, include_internal=True, now=Quarter(2027, 3))
    series = [s for s in convention_series(convention, include_internal=True) if s.off_target]
    assert [item.pk for item in board.off_target] == [s.indicator.pk for s in series]
    assert [item.pk for item in board.off_target] == [below.pk, on_action.pk]
    assert board.indicator_count == 5
    first, second = board.off_target
    assert (first.year, first.value, first.target, first.period_label) == (
        2026,
        Decimal("54.5"),
        Decimal(55),
        "T3 2026",
    )
    assert first.action is None
    assert second.action == str(action)
    client.force_login(UserFactory(superuser=True))
    html = client.get(reverse("monitoring:dashboard", kwargs={"slug": convention.slug})).content
    html = html.decode()
    detail = reverse("monitoring:indicator", kwargs={"slug": convention.slug, "pk": below.pk})
    assert f'<a href="{detail}">Taux de couverture en accueil du jeune enfant</a> :' in html
    assert "54,5\xa0% en T3 2026, pour une cible 2026 de 55\xa0%" in html
    assert "30\xa0% en T2 2027, pour une cible 2027 de 60\xa0%" in html
    assert f'<span class="fr-hint-text">Action {escape(str(action))}</span>' in html


def _dashboard_queries(client, django_assert_max_num_queries, convention, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(reverse("monitoring:dashboard", kwargs={"slug": convention.slug}))
    assert response.status_code == 200
    return len(captured)


def test_dashboard_queries_do_not_grow_with_the_plan(client, django_assert_max_num_queries):
    """500 actions × 12 updates run the same queries as 5 actions × 1 update."""
    coordinator_small = ConventionFactory()
    build_tracked_ctg(5, 1, convention=coordinator_small)
    big, _ = build_tracked_ctg(500, 12)
    assert ActionUpdate.objects.filter(convention=big).count() == 6000
    user = UserFactory(superuser=True)
    client.force_login(user)
    small_count = _dashboard_queries(client, django_assert_max_num_queries, coordinator_small, 15)
    big_count = _dashboard_queries(client, django_assert_max_num_queries, big, 15)
    assert big_count == small_count


def test_timeline_queries_do_not_grow_with_the_plan(client, django_assert_max_num_queries):
    big, _ = build_tracked_ctg(500, 12)
    client.force_login(UserFactory(superuser=True))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("monitoring:timeline", kwargs={"slug": big.slug}))
    assert response.status_code == 200
    assert response.content.decode().count('class="mon-tl__bar ') == 500


def test_the_dashboard_shows_the_next_copil_date_and_lets_editors_plan_one(client):
    next_month = timezone.localdate() + datetime.timedelta(days=30)
    convention = ConventionFactory(next_copil_date=next_month)
    bodies_link = f'href="{reverse("governance:bodies", kwargs={"slug": convention.slug})}">voir'
    url = reverse("monitoring:dashboard", kwargs={"slug": convention.slug})

    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    html = client.get(url).content.decode()
    assert long_date(next_month) in html
    assert bodies_link in html

    client.force_login(user_with_role(Role.READER, convention=convention))
    html = client.get(url).content.decode()
    assert long_date(next_month) in html
    assert bodies_link not in html


def test_a_planned_copil_meeting_is_the_next_copil(client):
    from pilote.governance.models import Body, Meeting

    today = timezone.localdate()
    convention = ConventionFactory(next_copil_date=today + datetime.timedelta(days=60))
    copil = Body.objects.create(convention=convention, kind="copil", name="COPIL")
    planned = today + datetime.timedelta(days=20)
    Meeting.objects.create(convention=convention, body=copil, kind="point_etape", date=planned)
    Meeting.objects.create(
        convention=convention, body=copil, kind="autre", date=today - datetime.timedelta(days=5)
    )
    client.force_login(user_with_role(Role.READER, convention=convention))
    html = client.get(reverse("monitoring:dashboard", kwargs={"slug": convention.slug})).content
    assert long_date(planned) in html.decode()
