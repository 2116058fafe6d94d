"""Login throttling (django-axes): failures lock the account and the address for a while."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F

from pilote.accounts.enums import AuditAction
from pilote.accounts.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/connexion/"
PASSWORD = "Un-mot-de-passe-solide-2026"


@pytest.fixture
def adviser():
    user = UserFactory(username="conseiller.caf", first_name="Claire", last_name="Roux")
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client, username, password, ip="198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_25_wrong_passwords_then_the_right_one_is_refused_while_locked(client, adviser):
    for _ in range(25):
        response = attempt(client, "conseiller.caf", "mauvais")
    assert response.status_code == 429
    response = attempt(client, "conseiller.caf", PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(client)
    page = response.content.decode()
    assert "Connexion temporairement bloquée" in page
    assert "Attendez 15 minutes" in page
    assert response["Retry-After"] == "900"


def test_the_first_failures_say_the_password_is_wrong_until_the_limit(client, adviser):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "conseiller.caf", "mauvais")
        assert response.status_code == 200
        assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    assert attempt(client, "conseiller.caf", "mauvais").status_code == 429


def test_the_account_is_locked_from_any_address(client, adviser):
    for _ in range(5):
        attempt(client, "conseiller.caf", "mauvais", ip="198.51.100.7")
    assert attempt(client, "conseiller.caf", PASSWORD, ip="203.0.113.50").status_code == 429


def test_the_address_is_locked_for_any_account(client, adviser):
    for number in range(5):
        attempt(client, f"essai{number}", "mauvais", ip="198.51.100.7")
    assert attempt(client, "conseiller.caf", PASSWORD, ip="198.51.100.7").status_code == 429
    assert not is_logged_in(client)


def test_another_user_from_another_address_logs_in(client, adviser):
    other = UserFactory(username="cooperation.paa")
    other.set_password(PASSWORD)
    other.save()
    for _ in range(25):
        attempt(client, "conseiller.caf", "mauvais", ip="198.51.100.7")
    response = attempt(client, "cooperation.paa", PASSWORD, ip="203.0.113.50")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_lockout_ends_after_the_cool_off(client, adviser):
    for _ in range(25):
        attempt(client, "conseiller.caf", "mauvais")
    assert attempt(client, "conseiller.caf", PASSWORD).status_code == 429
    # Attempts during the lockout did not extend it: 16 minutes after the last counted failure…
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    response = attempt(client, "conseiller.caf", PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)
    # …and the expired failures are gone: the count starts again.
    assert not AccessAttempt.objects.exists()


def test_the_lockout_is_not_over_before_the_cool_off(client, adviser):
    for _ in range(5):
        attempt(client, "conseiller.caf", "mauvais")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    assert attempt(client, "conseiller.caf", PASSWORD).status_code == 429


def test_failures_and_the_lockout_are_in_the_audit_log(client, adviser):
    for _ in range(7):
        attempt(client, "conseiller.caf", "mauvais")
    events = list(AuditEvent.objects.order_by("at", "pk"))
    actions = [event.action for event in events]
    assert (
        actions
        == [AuditAction.LOGIN_FAILED] * 5
        + [AuditAction.LOCKED_OUT]
        + [AuditAction.LOGIN_FAILED] * 2
    )
    assert all(event.user == adviser for event in events)
    assert all(event.ip_address == "198.51.100.7" for event in events)
    assert events[0].user_name == "Claire Roux (conseiller.caf)"
    assert events[5].details == {"identifiant": "conseiller.caf", "echecs": 5}
    # Attempts during the lockout are refused before the password is checked, and say so.
    assert "refus" not in events[4].details
    assert events[-1].details["refus"] == "compte ou adresse verrouillé"


def test_a_failure_on_an_unknown_account_keeps_the_name_typed(client, adviser):
    attempt(client, '=HYPERLINK("http://example.com")', "mauvais")
    event = AuditEvent.objects.get()
    assert event.user is None
    assert event.user_name == '=HYPERLINK("http://example.com")'


def test_a_login_and_a_logout_are_in_the_audit_log(client, adviser):
    assert attempt(client, "conseiller.caf", PASSWORD).status_code == 302
    client.post("/deconnexion/", REMOTE_ADDR="198.51.100.7")
    login, logout = AuditEvent.objects.order_by("at", "pk")
    assert (login.action, login.user, login.ip_address) == (
        AuditAction.LOGIN,
        adviser,
        "198.51.100.7",
    )
    assert (logout.action, logout.user) == (AuditAction.LOGOUT, adviser)


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, adviser, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(5):
        client.post(
            LOGIN,
            {"username": "conseiller.caf", "password": "mauvais"},
            REMOTE_ADDR="10.0.0.1",
            # The client wrote the first address itself: never trusted.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 198.51.100.7",
        )
    assert set(AuditEvent.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    other = UserFactory(username="cooperation.paa")
    other.set_password(PASSWORD)
    other.save()
    # Another person behind the same proxy is not locked out.
    response = client.post(
        LOGIN,
        {"username": "cooperation.paa", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert response.status_code == 302


def test_logging_into_ones_own_account_does_not_reset_the_count_of_another(client, adviser):
    attacker = UserFactory(username="complice")
    attacker.set_password(PASSWORD)
    attacker.save()
    for _ in range(4):
        attempt(client, "conseiller.caf", "mauvais", ip="198.51.100.7")
    assert attempt(client, "complice", PASSWORD, ip="198.51.100.7").status_code == 302
    client.logout()
    # The fifth failure on the account under attack, from anywhere, locks it.
    assert attempt(client, "conseiller.caf", "mauvais", ip="203.0.113.9").status_code == 429
    assert attempt(client, "conseiller.caf", PASSWORD, ip="203.0.113.10").status_code == 429
