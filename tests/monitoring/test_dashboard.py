"""The dashboard of a CTG: its figures on the demo CTGs, who sees it, its links, its queries."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.conventions.models import Convention
from pilote.demo.services import load_demo_conventions
from pilote.monitoring.dashboard import build_dashboard
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate
from pilote.monitoring.periods import Quarter
from pilote.plans.models import PlanNode
from tests.monitoring.factories import ActionUpdateFactory, build_tracked_ctg
from tests.plans.factories import ConventionFactory, UserFactory, departement, user_with_role

pytestmark = pytest.mark.django_db

TARN_AGOUT = "tarn-agout-2023-2026"


@pytest.fixture
def tarn_agout():
    load_demo_conventions()
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
    board = build_dashboard(convention, now=Quarter(2026, 1))

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
    before = build_dashboard(convention, now=Quarter(2025, 4))
    after = build_dashboard(convention, now=Quarter(2026, 2))
    assert before.late == []  # planned end T4 2025 is not passed yet
    assert {row.pk for row in after.late} == {actions["survey"].pk, actions["youth"].pk}


def test_progress_by_axis_is_the_mean_of_the_latest_updates(tarn_agout_with_updates):
    convention, _ = tarn_agout_with_updates
    board = build_dashboard(convention, now=Quarter(2026, 1))
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
    board = build_dashboard(convention, now=Quarter(2026, 1))
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
