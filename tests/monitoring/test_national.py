"""The national view: every département's CTGs and France; figures kept per CTG version."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.core import fragments
from pilote.monitoring.departement import departement_rows, national_rows
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
from tests.versions import commit_bumps

pytestmark = pytest.mark.django_db
URL = reverse("monitoring:national")
NOW = Quarter(2026, 3)


@pytest.fixture
def three_ctgs():
    """Two CTGs in the 04 (one late, one done), one in the 05 never updated."""
    late, late_nodes = build_tracked_ctg(4)
    PlanNode.objects.filter(pk__in=[n.pk for n in late_nodes]).update(end_year=2026, end_quarter=1)
    for node in late_nodes[:3]:
        ActionUpdateFactory(node=node, year=2026, quarter=1, status=UpdateStatus.IN_PROGRESS)
    done, done_nodes = build_tracked_ctg(6)
    for node in done_nodes:
        ActionUpdateFactory(node=node, year=2026, quarter=2, status=UpdateStatus.DONE)
    silent, _ = build_tracked_ctg(5)
    silent.departement_id = "05"
    silent.save()
    return late, done, silent


def test_departements_add_up_their_ctgs_and_france_adds_up_everything(three_ctgs):
    rows, total = national_rows(now=NOW)
    by_code = {row.departement.code: row for row in rows}
    assert list(by_code) == ["04", "05"]
    alpes = by_code["04"]
    assert (alpes.ctg_count, alpes.action_count, alpes.done, alpes.in_progress, alpes.late) == (
        2,
        10,
        6,
        3,
        4,
    )
    assert (alpes.done_share, alpes.late_share, alpes.never_updated) == (60, 40, 0)
    hautes_alpes = by_code["05"]
    assert (hautes_alpes.ctg_count, hautes_alpes.action_count, hautes_alpes.never_updated) == (
        1,
        5,
        1,
    )
    assert hautes_alpes.last_update is None
    assert (total.ctg_count, total.action_count, total.done, total.late) == (3, 15, 6, 4)
    assert total.last_update == alpes.last_update


def test_the_national_figures_agree_with_the_departement_view(three_ctgs):
    rows, _ = national_rows(now=NOW)
    [alpes] = [row for row in rows if row.departement.code == "04"]
    ctgs = departement_rows(Departement.objects.get(code="04"), now=NOW)
    assert alpes.action_count == sum(r.action_count for r in ctgs)
    assert alpes.late == sum(r.late for r in ctgs)
    assert alpes.done == sum(r.done for r in ctgs)


def test_a_write_to_one_ctg_is_counted_at_once_from_the_cache(settings, three_ctgs):
    settings.FRAGMENT_CACHE = True
    cache.clear()
    commit_bumps()
    late, _done, _silent = three_ctgs
    _, before = national_rows(now=NOW)
    assert national_rows(now=NOW)[1].done == before.done  # read back from the cache
    node = PlanNode.objects.filter(
        convention=late, level__tracked=True, updates__isnull=False
    ).first()
    ActionUpdateFactory(node=node, year=2026, quarter=3, status=UpdateStatus.DONE)
    commit_bumps()
    _, after = national_rows(now=NOW)
    assert after.done == before.done + 1
    assert after.in_progress == before.in_progress - 1


def test_the_counts_are_kept_from_one_day_to_the_next_and_redone_each_quarter(
    settings, three_ctgs, monkeypatch
):
    settings.FRAGMENT_CACHE = True
    cache.clear()
    commit_bumps()
    _, first = national_rows(now=NOW)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(fragments.timezone, "localdate", lambda: tomorrow)
    with CaptureQueriesContext(connection) as same_quarter:
        assert national_rows(now=NOW)[1].late == first.late
    with CaptureQueriesContext(connection) as next_quarter:
        national_rows(now=Quarter(2026, 4))
    assert first.late > 0
    assert not any("plans_plannode" in q["sql"] for q in same_quarter.captured_queries)
    assert any("plans_plannode" in q["sql"] for q in next_quarter.captured_queries)


def test_the_page_shows_each_departement_and_france(client, three_ctgs):
    client.force_login(UserFactory(superuser=True))
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "France entière" in page
    assert reverse("monitoring:departement", kwargs={"code": "04"}) in page
    assert "Vue nationale" in page


@pytest.mark.parametrize(
    "role", [Role.CAF_ADVISER, Role.COORDINATOR, Role.REFERENT, Role.READER, None]
)
def test_only_a_national_account_sees_the_national_view(client, role):
    convention = ConventionFactory()
    if role is None:
        assert client.get(URL).status_code == 302  # to the login page
        return
    if role == Role.CAF_ADVISER:
        user = user_with_role(role, departement_code="04")
    else:
        user = user_with_role(role, convention=convention)
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 404
    assert "Vue nationale" not in client.get(reverse("conventions:list")).content.decode()


def test_national_queries_do_not_grow_with_ctgs_and_actions(client, django_assert_max_num_queries):
    client.force_login(UserFactory(superuser=True))
    build_tracked_ctg(5, 1)
    with django_assert_max_num_queries(10) as small:
        client.get(URL)
    for code in ("05", "13"):
        other, nodes = build_tracked_ctg(100)
        other.departement_id = code
        other.save()
        add_updates(nodes, 2)
    with django_assert_max_num_queries(10) as big:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(big) == len(small)
