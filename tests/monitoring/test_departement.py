"""The département view of a Caf adviser: every CTG of the département, neediest first."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership
from pilote.conventions.models import Convention
from pilote.monitoring.departement import departement_rows
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.periods import Quarter
from pilote.plans.models import PlanNode
from pilote.territories.models import Departement
from tests.factories import (
    ActionUpdateFactory,
    ConventionFactory,
    UserFactory,
    add_updates,
    build_tracked_ctg,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def _tarn_adviser():
    """Return a Caf adviser of the Tarn (81), the département of seed 001."""
    user = UserFactory()
    Membership.objects.create(
        user=user, role=Role.CAF_ADVISER, departement=Departement.objects.get(code="81")
    )
    return user


def _url(code: str) -> str:
    return reverse("monitoring:departement", kwargs={"code": code})


@pytest.fixture
def two_ctgs_of_04():
    """Two CTGs of Caf 04: one on track, one with late actions and no recent update."""
    on_track, on_track_nodes = build_tracked_ctg(10)
    struggling, struggling_nodes = build_tracked_ctg(10)
    for node in on_track_nodes:
        ActionUpdateFactory(node=node, year=2026, quarter=3, status=UpdateStatus.DONE, progress=100)
    PlanNode.objects.filter(pk__in=[n.pk for n in struggling_nodes[:4]]).update(
        end_year=2026, end_quarter=1
    )
    for node in struggling_nodes[:6]:
        ActionUpdateFactory(
            node=node, year=2026, quarter=1, status=UpdateStatus.IN_PROGRESS, progress=20
        )
    return on_track, struggling


def test_figures_and_order_of_the_departement(two_ctgs_of_04):
    on_track, struggling = two_ctgs_of_04
    rows = departement_rows(Departement.objects.get(code="04"), now=Quarter(2026, 3))
    assert [row.convention for row in rows] == [struggling, on_track]
    first, second = rows
    assert (first.action_count, first.done, first.in_progress, first.late) == (10, 0, 6, 4)
    assert (first.late_share, first.in_progress_share) == (40, 60)
    assert (second.done_share, second.late) == (100, 0)
    assert second.last_update is not None


def test_each_action_counts_by_its_latest_update_and_the_ctg_by_its_newest_one():
    convention, nodes = build_tracked_ctg(3)
    PlanNode.objects.filter(pk__in=[n.pk for n in nodes]).update(end_year=2025, end_quarter=4)
    reopened, closed, _silent = nodes
    ActionUpdateFactory(node=reopened, year=2026, quarter=1, status=UpdateStatus.DONE)
    newest = ActionUpdateFactory(
        node=reopened, year=2026, quarter=2, status=UpdateStatus.IN_PROGRESS
    )
    ActionUpdateFactory(node=closed, year=2025, quarter=1, status=UpdateStatus.IN_PROGRESS)
    ActionUpdateFactory(node=closed, year=2026, quarter=1, status=UpdateStatus.ABANDONED)
    other, other_nodes = build_tracked_ctg(2)
    other.departement_id = "05"
    other.save()
    ActionUpdateFactory(node=other_nodes[0], year=2026, quarter=3, status=UpdateStatus.DONE)

    [row] = departement_rows(Departement.objects.get(code="04"), now=Quarter(2026, 3))

    assert row.convention == convention
    # reopened: in progress (its latest), late; closed: abandoned, not late; silent: late.
    assert (row.action_count, row.done, row.in_progress, row.late) == (3, 0, 1, 2)
    assert (
        row.last_update
        == max(u.created_at for u in convention.action_updates.all())
        >= newest.created_at
    )


def test_a_never_updated_ctg_comes_before_an_updated_one(two_ctgs_of_04):
    silent, _ = build_tracked_ctg(3)
    rows = departement_rows(Departement.objects.get(code="04"), now=Quarter(2026, 3))
    assert rows[1].convention == silent  # no late action, but never any update
    assert rows[1].last_update is None


def test_demo_departements_list_their_ctg(client, session_demo_ctgs):
    adviser = _tarn_adviser()
    client.force_login(adviser)
    response = client.get(_url("81"))
    assert response.status_code == 200
    assert "CTG Communauté de communes Tarn-Agout 2023-2026" in response.content.decode()
    assert "Pays salonais" not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("superuser", 200),
        ("adviser_same", 200),
        ("adviser_other", 404),
        ("coordinator", 404),
        ("reader", 404),
    ],
)
def test_who_sees_the_departement_view(client, who, status):
    convention = ConventionFactory()
    users = {
        "superuser": lambda: UserFactory(superuser=True),
        "adviser_same": lambda: user_with_role(Role.CAF_ADVISER, departement_code="04"),
        "adviser_other": lambda: user_with_role(Role.CAF_ADVISER, departement_code="13"),
        "coordinator": lambda: user_with_role(Role.COORDINATOR, convention=convention),
        "reader": lambda: user_with_role(Role.READER, convention=convention),
    }
    client.force_login(users[who]())
    assert client.get(_url("04")).status_code == status


def test_an_unknown_departement_is_not_found(client):
    client.force_login(UserFactory(superuser=True))
    assert client.get(_url("999")).status_code == 404


def test_departement_queries_do_not_grow_with_ctgs_and_actions(
    client, django_assert_max_num_queries
):
    client.force_login(user_with_role(Role.CAF_ADVISER, departement_code="04"))
    build_tracked_ctg(5, 1)
    with django_assert_max_num_queries(10) as small:
        client.get(_url("04"))
    for _ in range(3):
        _, nodes = build_tracked_ctg(200)
        add_updates(nodes, 4)
    with django_assert_max_num_queries(10) as big:
        response = client.get(_url("04"))
    assert response.status_code == 200
    assert len(big) == len(small)
    assert Convention.objects.filter(departement_id="04").count() == 4
