"""Reads: ETag and Last-Modified (304), filters, pages, and a fixed number of queries per list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from pilote.conventions.models import Convention
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.plans.models import PlanNode
from tests.api.conftest import PAA, ROLES, all_rows
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

LISTS = [
    "conventions",
    "plan-nodes",
    "follow-up-points",
    "indicators",
    "measurements",
    "facilities",
    "territory-figures",
    "meetings",
    "decisions",
]


def test_a_list_answers_304_while_it_has_not_changed(session_demo_world, api_as):
    client = api_as(ROLES["coordinator"])
    first = client.get("/api/v1/plan-nodes/?tracked=true")
    assert first.status_code == 200
    etag = first["ETag"]
    again = client.get("/api/v1/plan-nodes/?tracked=true", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    node = PlanNode.objects.get(pk=first.json()["results"][0]["id"])
    ActionUpdate.objects.create(
        convention=node.convention, node=node, year=2030, quarter=4, status="bloquee", progress=5
    )  # the element's latest follow-up point, hence its answer, changes
    changed = client.get("/api/v1/plan-nodes/?tracked=true", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_a_detail_answers_304_if_not_modified_since(session_demo_world, api_as):
    client = api_as(ROLES["reader"])
    first = client.get(f"/api/v1/conventions/{PAA}/")
    last_modified = first["Last-Modified"]
    assert (
        client.get(f"/api/v1/conventions/{PAA}/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code
        == 304
    )
    Convention.objects.filter(slug=PAA).update(
        description="Nouvelle présentation.", updated_at=timezone.now() + datetime.timedelta(1)
    )
    response = client.get(f"/api/v1/conventions/{PAA}/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 200
    assert response.json()["description"] == "Nouvelle présentation."


def test_a_list_gives_no_last_modified_so_a_deletion_is_never_missed(session_demo_world, api_as):
    response = api_as(ROLES["reader"]).get(
        "/api/v1/facilities/", HTTP_IF_MODIFIED_SINCE=http_date(2_000_000_000)
    )
    assert response.status_code == 200
    assert "Last-Modified" not in response


def test_two_users_get_different_etags_for_what_they_see_differently(session_demo_world, api_as):
    Convention.objects.filter(slug=PAA).update(internal_notes="Note interne.")
    url = f"/api/v1/conventions/{PAA}/"
    editor = api_as(ROLES["coordinator"]).get(url)
    reader = api_as(ROLES["reader"]).get(url, HTTP_IF_NONE_MATCH=editor["ETag"])
    assert reader.status_code == 200
    assert reader.json()["internal_notes"] is None


def test_plan_nodes_filter_as_a_dashboard_needs(session_demo_world, api_as):
    client = api_as(ROLES["caf"])
    running = all_rows(client, f"/api/v1/plan-nodes/?convention={PAA}&status=en_cours")
    assert running
    assert {row["latest_update"]["status"] for row in running} == {"en_cours"}
    expected = sum(
        1
        for node in PlanNode.objects.filter(convention__slug=PAA)
        if (latest := node.updates.latest_first().first()) and latest.status == "en_cours"
    )
    assert len(running) == expected
    roots = all_rows(client, f"/api/v1/plan-nodes/?convention={PAA}&root=true")
    assert roots
    assert all(row["parent"] is None for row in roots)
    children = all_rows(client, f"/api/v1/plan-nodes/?parent={roots[0]['id']}")
    assert children
    assert {row["parent"] for row in children} == {roots[0]["id"]}
    thematic = all_rows(client, f"/api/v1/plan-nodes/?convention={PAA}&thematic=petite-enfance")
    assert thematic
    assert all("petite-enfance" in row["thematics"] for row in thematic)
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert client.get("/api/v1/plan-nodes/", {"updated_since": future}).json()["count"] == 0


def test_a_bad_filter_value_is_refused_in_french(session_demo_world, api_as):
    client = api_as(ROLES["caf"])
    response = client.get("/api/v1/plan-nodes/?status=fini&parent=abc")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"status", "parent"}
    huge = client.get(f"/api/v1/plan-nodes/?parent={10**30}")
    assert huge.status_code == 400
    assert client.get(f"/api/v1/plan-nodes/{10**30}/").status_code == 404


def test_an_instant_with_any_offset_is_read_in_utc(session_demo_world, api_as):
    """PostgreSQL refuses offsets beyond ±15:59, which Python reads: the filter converts."""
    client = api_as(ROLES["caf"])
    far = client.get("/api/v1/measurements/?created_since=0012-11-19T08:58:19.9%2B21:56")
    assert far.status_code == 200
    assert far.json()["count"] == Measurement.objects.count()
    recent = client.get("/api/v1/follow-up-points/?created_since=2999-01-01T23:30:00-23:00")
    assert recent.status_code == 200
    assert recent.json()["count"] == 0
    before_year_one = client.get("/api/v1/plan-nodes/?updated_since=0001-01-01T00:00:00%2B01:00")
    assert before_year_one.status_code == 400
    assert set(before_year_one.json()["error"]["fields"]) == {"updated_since"}


def test_pages_are_bounded(session_demo_world, api_as):
    client = api_as(ROLES["caf"])
    page = client.get("/api/v1/follow-up-points/?page_size=5000").json()
    assert len(page["results"]) == 200
    assert page["count"] == ActionUpdate.objects.count()
    beyond = client.get("/api/v1/follow-up-points/?page=9999")
    assert beyond.status_code == 404
    assert beyond.json()["error"]["status"] == 404


@pytest.mark.parametrize("endpoint", LISTS)
def test_a_list_costs_the_same_queries_whatever_its_length(
    governed, api_as, django_assert_max_num_queries, endpoint
):
    """One page of 200 rows costs what one of 5 rows costs (count, rows, prefetches)."""
    client = api_as(ROLES["caf"])
    client.get(f"/api/v1/{endpoint}/?page_size=1")  # the token's first use is written once
    with django_assert_max_num_queries(9) as small:
        client.get(f"/api/v1/{endpoint}/?page_size=5")
    with django_assert_max_num_queries(9) as large:
        response = client.get(f"/api/v1/{endpoint}/?page_size=200")
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries), endpoint


def test_a_referent_token_reads_with_the_same_queries(session_demo_world, api_as):
    referent = user_with_role("referent", convention=Convention.objects.get(slug=PAA))
    from tests.api.conftest import client_with, token_for

    client = client_with(token_for(referent.username))
    client.get("/api/v1/plan-nodes/?page_size=1")
    response = client.get("/api/v1/plan-nodes/?page_size=200")
    assert response.status_code == 200
    assert response.json()["count"] == PlanNode.objects.filter(convention__slug=PAA).count()


@pytest.mark.parametrize("endpoint", LISTS)
def test_a_list_costs_the_same_queries_whoever_reads_it(governed, api_as, endpoint):
    """The CTGs a token sees are read once, whatever their number and the token's roles."""
    counts = {}
    for role in ("caf", "caf04", "coordinator", "reader"):
        client = api_as(ROLES[role])
        client.get(f"/api/v1/{endpoint}/?page_size=1")  # the token's first use is written once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/{endpoint}/?page_size=200")
        assert response.status_code == 200
        counts[role] = len(queries)
    assert len(set(counts.values())) == 1, (endpoint, counts)
