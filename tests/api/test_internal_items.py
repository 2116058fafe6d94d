"""Internal items through the API: seen by the CTG's editors, absent for everybody else."""

import pytest

from pilote.monitoring.models import ActionUpdate
from pilote.plans.internal import set_node_internal
from pilote.plans.models import Indicator, PlanNode
from tests.api.conftest import PAA, ROLES, all_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def internal_action(session_demo_world):
    """A tracked action of PAA with follow-up points, marked internal with its subtree."""
    node = (
        PlanNode.objects.filter(convention__slug=PAA, level__tracked=True, updates__isnull=False)
        .order_by("pk")
        .first()
    )
    return set_node_internal(node, by=None, internal=True)


@pytest.mark.parametrize(
    ("role", "sees"),
    [("coordinator", True), ("caf04", True), ("referent", False), ("reader", False)],
)
def test_an_internal_action_and_its_points_are_read_by_the_editors_only(
    api_as, internal_action, role, sees
):
    client = api_as(ROLES[role])
    nodes = {row["id"] for row in all_rows(client, f"/api/v1/plan-nodes/?convention={PAA}")}
    points = {row["id"] for row in all_rows(client, f"/api/v1/follow-up-points/?convention={PAA}")}
    its_points = set(ActionUpdate.objects.filter(node=internal_action).values_list("pk", flat=True))

    assert its_points
    assert (internal_action.pk in nodes) is sees
    assert (its_points <= points) is sees
    assert bool(its_points & points) is sees
    detail = client.get(f"/api/v1/plan-nodes/{internal_action.pk}/")
    assert detail.status_code == (200 if sees else 404)
    indicator = Indicator.objects.filter(node=internal_action).first()
    if indicator is not None:
        response = client.get(f"/api/v1/indicators/{indicator.pk}/")
        assert response.status_code == (200 if sees else 404)
