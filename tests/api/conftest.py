"""The API's tests run on the demo world: its three CTGs, its users and their follow-up.

`api_as(username)` returns a DRF test client that sends a fresh personal token of that demo
user; `api_as(None)` an anonymous one.
"""

import pytest
from rest_framework.test import APIClient

from pilote.accounts.api_tokens import create_token
from pilote.accounts.models import User

PAA = "provence-alpes-agglomeration-2026-2030"
SALON = "pays-salonais-2025-2028"
TARN = "tarn-agout-2023-2026"
ROLES = {
    "caf": "conseiller.caf",  # Caf adviser of 04, 13 and 81: the three CTGs
    "caf04": "caf04",  # Caf adviser of 04: PAA only
    "coordinator": "cooperation.paa",
    "referent": "referent.digne",
    "reader": "lecteur.paa",
    "other_coordinator": "cooperation.tarnagout",
}


def token_for(username: str, *, days: int = 30) -> str:
    _, raw = create_token(User.objects.get(username=username), name="Tests", days=days)
    return raw


def client_with(raw: str | None) -> APIClient:
    client = APIClient()
    if raw is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api_as(db, session_demo_world):
    def make(username: str | None) -> APIClient:
        return client_with(token_for(username) if username else None)

    return make


@pytest.fixture(scope="module")
def governed(session_demo_world, demo_savepoint, django_db_blocker):
    """The demo world with its governance (bodies, meetings, decisions), for the module."""
    from pilote.demo.governance import generate_demo_governance
    from tests.demo_data import DEMO_TODAY

    with demo_savepoint():
        with django_db_blocker.unblock():
            generate_demo_governance(today=DEMO_TODAY)
        yield


def all_rows(client, url: str) -> list[dict]:
    """Return every row of a list endpoint, page after page."""
    rows, next_url = [], url + ("&" if "?" in url else "?") + "page_size=200"
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, (next_url, response.content[:300])
        rows += response.json()["results"]
        next_url = response.json()["next"]
    return rows
