"""Each role reads through the API exactly the CTGs its pages show, and nothing of the others.

Every list endpoint × every demo role: the rows are those of the role's CTGs, all of them; an id
of another CTG answers 404 like an id that does not exist; anonymous clients and revoked,
expired or suspended tokens get 401.
"""

import datetime

import pytest
from django.utils import timezone

from pilote.accounts.models import ApiToken, User
from pilote.conventions.models import Convention
from pilote.facilities.models import Facility, TerritoryFigure
from pilote.governance.models import Decision, Meeting
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.plans.models import Indicator, PlanNode
from tests.api.conftest import PAA, ROLES, SALON, TARN, all_rows, client_with, token_for

pytestmark = pytest.mark.django_db

# endpoint → (model, lookup from the model to the CTG's slug)
ENDPOINTS = {
    "conventions": (Convention, "slug"),
    "plan-nodes": (PlanNode, "convention__slug"),
    "follow-up-points": (ActionUpdate, "convention__slug"),
    "indicators": (Indicator, "convention__slug"),
    "measurements": (Measurement, "indicator__convention__slug"),
    "facilities": (Facility, "convention__slug"),
    "territory-figures": (TerritoryFigure, "convention__slug"),
    "meetings": (Meeting, "convention__slug"),
    "decisions": (Decision, "meeting__convention__slug"),
}
SEES = {
    "caf": {PAA, SALON, TARN},
    "caf04": {PAA},
    "coordinator": {PAA},
    "referent": {PAA},
    "reader": {PAA},
    "other_coordinator": {TARN},
}


def _slug_of(endpoint: str, row: dict) -> str:
    return row["slug"] if endpoint == "conventions" else row["convention"]


def _detail(endpoint: str, obj) -> str:
    key = obj.slug if endpoint == "conventions" else obj.pk
    return f"/api/v1/{endpoint}/{key}/"


@pytest.mark.parametrize("role", sorted(SEES))
def test_each_role_lists_all_and_only_the_rows_of_its_ctgs(governed, api_as, role):
    client = api_as(ROLES[role])
    for endpoint, (model, lookup) in ENDPOINTS.items():
        rows = all_rows(client, f"/api/v1/{endpoint}/")
        expected = model.objects.filter(**{f"{lookup}__in": SEES[role]}).count()
        if PAA in SEES[role]:  # the demo CTG that has every kind of row
            assert expected > 0, f"the demo has no {endpoint} for {role}"
            assert PAA in {_slug_of(endpoint, row) for row in rows}, endpoint
        assert {_slug_of(endpoint, row) for row in rows} <= SEES[role], endpoint
        assert len(rows) == expected, endpoint


def test_an_id_of_another_ctg_answers_404_as_one_that_does_not_exist(governed, api_as):
    stranger = api_as(ROLES["other_coordinator"])
    reader = api_as(ROLES["reader"])
    for endpoint, (model, lookup) in ENDPOINTS.items():
        obj = model.objects.filter(**{lookup: PAA}).first()
        url = _detail(endpoint, obj)
        assert reader.get(url).status_code == 200, url
        refused = stranger.get(url)
        assert refused.status_code == 404, url
        missing = stranger.get(f"/api/v1/{endpoint}/999999999/")
        assert refused.json() == missing.json()
        assert refused.json()["error"]["message"] == "Introuvable, ou vous n'y avez pas accès."


def test_filtering_on_another_ctg_gives_nothing(governed, api_as):
    client = api_as(ROLES["other_coordinator"])
    for endpoint in ENDPOINTS:
        if endpoint == "conventions":
            continue
        response = client.get(f"/api/v1/{endpoint}/?convention={PAA}")
        assert response.status_code == 200
        assert response.json()["count"] == 0, endpoint


def test_an_anonymous_client_gets_401_and_how_to_authenticate(governed, api_as):
    client = api_as(None)
    for endpoint, (model, _) in ENDPOINTS.items():
        for url in (f"/api/v1/{endpoint}/", _detail(endpoint, model.objects.first())):
            response = client.get(url)
            assert response.status_code == 401, url
            assert response["WWW-Authenticate"] == 'Bearer realm="api"'
            assert "Mon compte" in response.json()["error"]["message"]


@pytest.mark.parametrize("state", ["revoked", "expired", "suspended", "unknown", "malformed"])
def test_a_token_that_no_longer_works_gets_401(session_demo_world, db, state):
    raw = token_for(ROLES["caf"])
    token = ApiToken.objects.get(user__username=ROLES["caf"])
    assert client_with(raw).get("/api/v1/conventions/").status_code == 200
    if state == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif state == "expired":
        past = timezone.now() - datetime.timedelta(seconds=1)
        ApiToken.objects.filter(pk=token.pk).update(expires_at=past)
    elif state == "suspended":
        User.objects.filter(username=ROLES["caf"]).update(is_active=False)
    elif state == "unknown":
        raw = raw[:-4] + "abcd"
    client = client_with(raw)
    if state == "malformed":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw} extra")
    response = client.get("/api/v1/conventions/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_token_follows_its_owner_roles_as_they_are_now(session_demo_world, db):
    client = client_with(token_for(ROLES["reader"]))
    assert client.get(f"/api/v1/conventions/{PAA}/").status_code == 200
    User.objects.get(username=ROLES["reader"]).memberships.all().delete()
    assert client.get(f"/api/v1/conventions/{PAA}/").status_code == 404


@pytest.mark.parametrize(
    ("role", "sees_notes"),
    [("caf", True), ("coordinator", True), ("referent", False), ("reader", False)],
)
def test_internal_notes_only_for_the_caf_and_the_coordination(
    session_demo_world, api_as, role, sees_notes
):
    Convention.objects.filter(slug=PAA).update(internal_notes="Arbitrage budgétaire en cours.")
    data = api_as(ROLES[role]).get(f"/api/v1/conventions/{PAA}/").json()
    assert data["internal_notes"] == ("Arbitrage budgétaire en cours." if sees_notes else None)


@pytest.mark.parametrize("value", ["²", "①", "1.5", "-3", "٣٣٣٣٣٣٣٣٣٣٣٣"])
def test_an_id_that_is_no_plain_number_answers_404_in_json(api_as, value):
    # "²" and "①" are digits to str.isdigit() but no number to int(): the fuzzer found a 500.
    response = api_as(ROLES["reader"]).get(f"/api/v1/plan-nodes/{value}/")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Introuvable, ou vous n'y avez pas accès."
