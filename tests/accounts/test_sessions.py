"""Sessions end after 2 h without activity or 10 h after login, and the login page says why."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilote.accounts.enums import AuditAction
from pilote.accounts.models import AuditEvent
from pilote.accounts.sessions import LOGIN_AT, SEEN_AT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/ctg/"


@pytest.fixture
def user(client):
    user = UserFactory(username="cooperation.paa")
    client.force_login(user)
    return user


def shift(client, **ago):
    """Move the session's login and last activity `ago` seconds into the past."""
    session = client.session
    now = int(time.time())
    for key, name in ((LOGIN_AT, "login"), (SEEN_AT, "seen")):
        if name in ago:
            session[key] = now - ago[name]
    session.save()


def test_an_active_session_stays_open(client, user):
    shift(client, login=9 * 3600, seen=119 * 60)
    assert client.get(PAGE).status_code == 200


def test_two_hours_without_activity_end_the_session(client, user):
    shift(client, login=3 * 3600, seen=2 * 3600 + 1)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=/ctg/")
    page = client.get(response["Location"]).content.decode()
    assert "Session expirée" in page
    assert "Votre session a expiré après 2 heures sans activité" in page
    # Said once: a second visit of the login page shows no message.
    assert "Session expirée" not in client.get("/connexion/").content.decode()
    event = AuditEvent.objects.exclude(action=AuditAction.LOGIN).get()
    assert (event.action, event.user, event.details) == (
        AuditAction.SESSION_EXPIRED,
        user,
        {"raison": "inactivite"},
    )


def test_ten_hours_after_login_the_session_ends_however_active(client, user):
    shift(client, login=10 * 3600 + 1, seen=60)
    response = client.get(PAGE)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "une connexion dure au plus 10 heures" in page
    assert AuditEvent.objects.exclude(action=AuditAction.LOGIN).get().details == {"raison": "duree"}


def test_an_expired_htmx_request_sends_the_whole_page_to_the_login(client, user):
    shift(client, login=3 * 3600, seen=3 * 3600)
    response = client.get(
        PAGE,
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/ctg/paa/suivi/?statut=bloquee",
    )
    assert response["HX-Redirect"] == "/connexion/?next=%2Fctg%2Fpaa%2Fsuivi%2F%3Fstatut%3Dbloquee"


def _session_writes(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]


def test_the_last_activity_is_written_at_most_every_five_minutes(client, user):
    shift(client, login=600, seen=240)
    before = client.session[SEEN_AT]
    assert _session_writes(client) == []
    assert client.session[SEEN_AT] == before
    shift(client, seen=301)
    assert _session_writes(client) != []
    assert client.session[SEEN_AT] >= int(time.time()) - 2


def test_a_session_older_than_the_timeouts_starts_counting_at_its_first_request(client):
    client.force_login(UserFactory())
    session = client.session
    del session[LOGIN_AT], session[SEEN_AT]
    session.save()
    assert client.get(PAGE).status_code == 200
    assert client.session[LOGIN_AT] >= int(time.time()) - 2
