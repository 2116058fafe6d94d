"""A database still busy after the retries gives a French 503 page, not Django's 500."""

import html
import logging

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.monitoring.models import ActionUpdate
from pilote.monitoring.periods import Quarter
from tests.factories import tracked_action, user_with_role

pytestmark = pytest.mark.django_db

BUSY = "Le service est très sollicité, votre saisie n'a pas été enregistrée : réessayez dans"


class SerializationFailure(Exception):
    sqlstate = "40001"


def serialization_failure() -> OperationalError:
    error = OperationalError("could not serialize access due to concurrent update")
    error.__cause__ = SerializationFailure()
    return error


@pytest.fixture
def posting(settings, tmp_path, monkeypatch):
    """Return a function that posts a follow-up update while the base answers `error`."""
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))
    monkeypatch.setattr("pilote.core.transactions.time.sleep", lambda pause: None)
    action = tracked_action()
    client = Client(raise_request_exception=False)
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))

    def post(error: Exception):
        def refused(*args, **kwargs):
            raise error

        monkeypatch.setattr(ActionUpdate.objects, "create", refused)
        prefix = f"maj-{action.pk}"
        return client.post(
            reverse("monitoring:update", kwargs={"slug": action.convention.slug, "pk": action.pk}),
            {
                f"{prefix}-period": "2026-4",
                f"{prefix}-status": "en_cours",
                f"{prefix}-progress": "40",
                f"{prefix}-done": "Local trouvé à Malijai.",
            },
        )

    return post


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("database is locked"),
        serialization_failure(),
    ],
    ids=["sqlite-locked", "postgresql-serialization"],
)
def test_a_busy_database_gives_a_french_503_with_retry_after(posting, caplog, error):
    with caplog.at_level(logging.WARNING, logger="pilote.core.middleware"):
        response = posting(error)

    page = html.unescape(response.content.decode())
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert '<html lang="fr"' in page
    assert "fr-header" in page
    assert "<h1>Service très sollicité</h1>" in page
    assert BUSY in page
    assert not ActionUpdate.objects.exists()
    [record] = [r for r in caplog.records if r.name == "pilote.core.middleware"]
    assert record.levelno == logging.WARNING
    assert "POST /ctg/" in record.getMessage()


def test_another_database_error_stays_a_500(posting):
    response = posting(OperationalError("no such table: monitoring_actionupdate"))

    assert response.status_code == 500
    assert "Retry-After" not in response
