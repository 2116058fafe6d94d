"""Writes through the API: the forms' services, checks, history and conflict detection.

Follow-up points and measurements are recorded by whom the pages let record them (editors; a
référent·e for the actions his or her organisation pilots); a plan element is changed by editors
only, with the version they read (If-Match), and a stale version answers 412.
"""

import pytest

from pilote.accounts.models import Membership
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.monitoring.periods import Quarter
from pilote.monitoring.perms import effective_pilot_ids
from pilote.plans.models import Indicator, PlanNode
from tests.api.conftest import PAA, ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now_is_t4_2026(monkeypatch):
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))


def _actions(piloted_by_digne: bool) -> list[PlanNode]:
    """Return PAA's actions that the référent's commune pilots (it is given one), or the others."""
    digne = Membership.objects.get(user__username=ROLES["referent"]).organisation
    nodes = list(
        PlanNode.objects.filter(convention__slug=PAA, level__tracked=True)
        .select_related("convention", "level")
        .order_by("pk")
    )
    if not any(digne.pk in effective_pilot_ids(node) for node in nodes):
        nodes[-1].pilots.add(digne)  # the demo names no pilot: the commune pilots the last one
    return [node for node in nodes if (digne.pk in effective_pilot_ids(node)) is piloted_by_digne]


def _point(node: PlanNode, **extra) -> dict:
    return {
        "node": node.pk,
        "year": 2026,
        "quarter": 4,
        "status": "en_cours",
        "progress": 40,
        "done": "Deux réunions avec les assistantes maternelles du secteur.",
        **extra,
    }


@pytest.mark.parametrize("role", ["caf04", "coordinator"])
def test_an_editor_records_a_follow_up_point_with_its_history(session_demo_world, api_as, role):
    node = _actions(piloted_by_digne=False)[0]
    response = api_as(ROLES[role]).post("/api/v1/follow-up-points/", _point(node), format="json")
    assert response.status_code == 201, response.content
    update = ActionUpdate.objects.get(pk=response.json()["id"])
    assert (update.node_id, update.status, update.progress) == (node.pk, "en_cours", 40)
    assert update.author.username == ROLES[role]
    history = update.history.get()
    assert history.history_type == "+"
    assert history.history_user.username == ROLES[role]
    assert response.json()["status_label"] == "En cours"


def test_a_referent_records_points_on_what_his_commune_pilots_only(session_demo_world, api_as):
    client = api_as(ROLES["referent"])
    mine, other = _actions(piloted_by_digne=True)[0], _actions(piloted_by_digne=False)[0]
    assert client.post("/api/v1/follow-up-points/", _point(mine), format="json").status_code == 201
    refused = client.post("/api/v1/follow-up-points/", _point(other), format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Vous ne pouvez pas mettre à jour cette action."
    assert not ActionUpdate.objects.filter(node=other, progress=40, year=2026, quarter=4).exists()


def test_a_reader_records_nothing(session_demo_world, api_as):
    node = _actions(piloted_by_digne=False)[0]
    before = ActionUpdate.objects.count()
    response = api_as(ROLES["reader"]).post(
        "/api/v1/follow-up-points/", _point(node), format="json"
    )
    assert response.status_code == 403
    assert ActionUpdate.objects.count() == before


def test_an_action_of_another_ctg_is_unknown_not_forbidden(session_demo_world, api_as):
    node = _actions(piloted_by_digne=False)[0]
    response = api_as(ROLES["other_coordinator"]).post(
        "/api/v1/follow-up-points/", _point(node), format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "node": ["Introuvable, ou vous n'y avez pas accès."]
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"year": 2027, "quarter": 1}, "n'a pas encore commencé"),
        ({"year": 2025, "quarter": 4}, "hors de la période de la CTG"),
    ],
)
def test_the_services_refusals_come_back_in_french(session_demo_world, api_as, extra, message):
    node = _actions(piloted_by_digne=False)[0]
    response = api_as(ROLES["coordinator"]).post(
        "/api/v1/follow-up-points/", _point(node, **extra), format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "refused"
    assert message in response.json()["error"]["message"]


def test_bad_input_is_refused_field_by_field(session_demo_world, api_as):
    node = _actions(piloted_by_digne=False)[0]
    response = api_as(ROLES["coordinator"]).post(
        "/api/v1/follow-up-points/", _point(node, progress=140, status="fini"), format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"progress", "status"}
    malformed = api_as(ROLES["coordinator"]).post(
        "/api/v1/follow-up-points/", "{pas du json", content_type="application/json"
    )
    assert malformed.status_code == 400
    assert (
        malformed.json()["error"]["message"] == "Le corps de la requête n'est pas un JSON valide."
    )


def test_a_territory_pushes_a_measurement(session_demo_world, api_as):
    indicator = Indicator.objects.filter(convention__slug=PAA).exclude(node=None).first()
    response = api_as(ROLES["coordinator"]).post(
        "/api/v1/measurements/",
        {"indicator": indicator.pk, "year": 2026, "value": "12.5", "source": "SIG"},
        format="json",
    )
    assert response.status_code == 201, response.content
    measurement = Measurement.objects.get(pk=response.json()["id"])
    assert str(measurement.value) == "12.50"
    assert measurement.history.get().history_user.username == ROLES["coordinator"]
    assert response.json()["value"] == 12.5


def test_a_measurement_out_of_the_period_is_refused_on_its_field(session_demo_world, api_as):
    indicator = Indicator.objects.filter(convention__slug=PAA).first()
    response = api_as(ROLES["caf04"]).post(
        "/api/v1/measurements/",
        {"indicator": indicator.pk, "year": 2035, "value": 3},
        format="json",
    )
    assert response.status_code == 400
    assert "hors de la période" in response.json()["error"]["fields"]["year"][0]


def test_a_reader_measures_nothing(session_demo_world, api_as):
    indicator = Indicator.objects.filter(convention__slug=PAA).first()
    response = api_as(ROLES["reader"]).post(
        "/api/v1/measurements/",
        {"indicator": indicator.pk, "year": 2026, "value": 3},
        format="json",
    )
    assert response.status_code == 403


def _node_url(node) -> str:
    return f"/api/v1/plan-nodes/{node.pk}/"


def test_an_editor_changes_a_fiche_with_the_version_read(session_demo_world, api_as):
    client = api_as(ROLES["coordinator"])
    node = _actions(piloted_by_digne=False)[0]
    read = client.get(_node_url(node))
    response = client.patch(
        _node_url(node),
        {"title": "Créer un relais petite enfance intercommunal", "pilots": ["CCAS de Digne"]},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Créer un relais petite enfance intercommunal"
    assert response.json()["pilots"] == ["CCAS de Digne"]
    assert response.json()["version"] != read.json()["version"]
    node.refresh_from_db()
    assert node.title == "Créer un relais petite enfance intercommunal"
    assert node.description == read.json()["description"]  # fields left out keep their value
    latest = node.history.latest()
    assert (latest.history_type, latest.history_user.username) == ("~", ROLES["coordinator"])


def test_a_stale_version_answers_412_and_changes_nothing(session_demo_world, api_as):
    client = api_as(ROLES["coordinator"])
    node = _actions(piloted_by_digne=False)[0]
    version = client.get(_node_url(node)).json()["version"]
    other = api_as(ROLES["caf04"])
    first = other.patch(_node_url(node), {"number": "9.9", "version": version}, format="json")
    assert first.status_code == 200
    stale = client.patch(
        _node_url(node), {"title": "Autre intitulé"}, format="json", HTTP_IF_MATCH=f'"{version}"'
    )
    assert stale.status_code == 412
    assert "modifié par quelqu'un d'autre" in stale.json()["error"]["message"]
    node.refresh_from_db()
    assert (node.number, node.title) == ("9.9", PlanNode.objects.get(pk=node.pk).title)
    assert node.title != "Autre intitulé"


def test_a_follow_up_point_is_no_conflict_for_the_fiche(session_demo_world, api_as):
    client = api_as(ROLES["coordinator"])
    node = _actions(piloted_by_digne=False)[0]
    version = client.get(_node_url(node)).json()["version"]
    assert client.post("/api/v1/follow-up-points/", _point(node), format="json").status_code == 201
    response = client.patch(_node_url(node), {"number": "4.2", "version": version}, format="json")
    assert response.status_code == 200


def test_a_change_without_a_version_answers_428(session_demo_world, api_as):
    node = _actions(piloted_by_digne=False)[0]
    response = api_as(ROLES["coordinator"]).patch(_node_url(node), {"number": "1"}, format="json")
    assert response.status_code == 428
    assert "If-Match" in response.json()["error"]["message"]


@pytest.mark.parametrize("role", ["referent", "reader"])
def test_referents_and_readers_change_no_fiche(session_demo_world, api_as, role):
    client = api_as(ROLES[role])
    node = _actions(piloted_by_digne=True)[0]
    version = client.get(_node_url(node)).json()["version"]
    response = client.patch(_node_url(node), {"number": "1", "version": version}, format="json")
    assert response.status_code == 403


def test_a_fiche_is_checked_by_its_form(session_demo_world, api_as):
    client = api_as(ROLES["coordinator"])
    node = _actions(piloted_by_digne=False)[0]
    version = client.get(_node_url(node)).json()["version"]
    response = client.patch(
        _node_url(node),
        {"start_year": 2040, "thematics": ["astronomie"], "version": version},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields == {"thematics": ["Thématique inconnue pour cette CTG : « astronomie »."]}
    response = client.patch(
        _node_url(node), {"start_year": 2040, "version": version}, format="json"
    )
    assert response.status_code == 400
    assert "hors de la période de la CTG" in response.json()["error"]["fields"]["start_year"][0]


def test_the_session_of_the_browser_needs_its_csrf_token_to_write(session_demo_world, db):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username=ROLES["coordinator"]))
    assert client.get("/api/v1/conventions/").status_code == 200
    node = _actions(piloted_by_digne=False)[0]
    response = client.post("/api/v1/follow-up-points/", _point(node), format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
