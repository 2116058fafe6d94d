"""The timeline: actions' planned periods as bars over the CTG's quarters, by top-level element."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership
from pilote.conventions.models import Convention
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.periods import Quarter
from pilote.monitoring.timeline import build_timeline
from pilote.plans.models import PlanNode
from pilote.territories.models import Departement
from tests.factories import ActionUpdateFactory, ConventionFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def tarn_agout(session_demo_ctgs):
    return Convention.objects.get(slug="tarn-agout-2023-2026")


def _tarn_adviser():
    """Return a Caf adviser of the Tarn (81), the département of seed 001."""
    user = UserFactory()
    Membership.objects.create(
        user=user, role=Role.CAF_ADVISER, departement=Departement.objects.get(code="81")
    )
    return user


def test_timeline_spans_the_sixteen_quarters_of_tarn_agout(tarn_agout):
    timeline = build_timeline(tarn_agout, include_internal=True, now=Quarter(2025, 3))
    assert [str(q) for q in timeline.quarters[:2]] == ["T1 2023", "T2 2023"]
    assert len(timeline.quarters) == 16
    assert timeline.years == [(2023, 0, 4), (2024, 4, 4), (2025, 8, 4), (2026, 12, 4)]
    assert timeline.now_index == 10
    assert timeline.action_count == 38
    # Grouped by axis, in plan order; axe 4 is transverse and has no action of its own.
    assert [group.root.number for group in timeline.groups] == ["1", "2", "3"]


def test_a_bar_covers_the_planned_quarters_and_carries_the_status(tarn_agout):
    node = PlanNode.objects.get(
        convention=tarn_agout, title__startswith="Valoriser le métier d'Assistante"
    )
    PlanNode.objects.filter(pk=node.pk).update(
        start_year=2024, start_quarter=2, end_year=2025, end_quarter=3
    )
    ActionUpdateFactory(node=node, year=2025, quarter=2, status=UpdateStatus.DONE, progress=100)
    timeline = build_timeline(tarn_agout, include_internal=True, now=Quarter(2025, 3))
    bar = next(b for g in timeline.groups for b in g.bars if b.row.pk == node.pk)
    assert (bar.first, bar.last) == (5, 10)  # T2 2024 … T3 2025
    assert (bar.grid_start, bar.grid_end) == (6, 12)
    assert bar.text == "Prévue de T2 2024 à T3 2025"
    assert bar.row.status == UpdateStatus.DONE


def test_an_action_with_a_start_only_runs_to_the_end_of_the_ctg(tarn_agout):
    # Seed 001 gives the start year ("démarrage en 2024") and no end.
    node = PlanNode.objects.get(
        convention=tarn_agout, title__startswith="Identifier les lieux de regroupement"
    )
    assert (node.start_year, node.end_year) == (2024, None)
    timeline = build_timeline(tarn_agout, include_internal=True)
    bar = next(b for g in timeline.groups for b in g.bars if b.row.pk == node.pk)
    assert bar.open_end
    assert (bar.first, bar.last) == (4, 15)
    assert "sans fin prévue" in bar.text


def test_timeline_page_renders_bars_with_text_equivalents_and_a_legend(client, tarn_agout):
    client.force_login(_tarn_adviser())
    response = client.get(reverse("monitoring:timeline", kwargs={"slug": tarn_agout.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Calendrier des actions" in html
    assert "Légende" in html
    assert "Prévue à partir de T1 2024, sans fin prévue" in html
    assert "Dernier statut : Sans point de suivi." in html
    assert "monitoring/dashboard.css" in html  # the print stylesheet


def test_timeline_of_another_ctg_is_not_found(client, tarn_agout):
    client.force_login(user_with_role(Role.COORDINATOR, convention=ConventionFactory()))
    response = client.get(reverse("monitoring:timeline", kwargs={"slug": tarn_agout.slug}))
    assert response.status_code == 404
