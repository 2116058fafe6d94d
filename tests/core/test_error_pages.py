"""The 400, 403, 404 and 500 pages are French DSFR pages (issue 12, point 7), DEBUG off.

The 400 and 500 pages are rendered without a request and must not read the database: a 500 may
come from the database itself.
"""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.template import loader
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path

from tests.factories import UserFactory


def broken(request):
    raise RuntimeError("boom")


def forbidden(request):
    raise PermissionDenied("Vous ne pouvez pas modifier cette CTG.")


def suspicious(request):
    raise SuspiciousOperation("bad")


urlpatterns = [
    path("casse/", broken),
    path("interdit/", forbidden),
    path("suspect/", suspicious),
]


@pytest.fixture
def client_for_errors(db, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    settings.LOGIN_REQUIRED_IGNORE_PATHS = []
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    return client


def page(response) -> str:
    return response.content.decode()


def assert_dsfr_french(html: str, heading: str) -> None:
    assert '<html lang="fr"' in html
    assert "fr-header" in html  # the DSFR base
    assert "fr-footer" in html
    assert f"<h1>{heading}</h1>" in html
    for english in ("Not Found", "Server Error", "Bad Request", "Forbidden"):
        assert english not in html


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/nulle-part/", 404, "Page non trouvée"),
        ("/interdit/", 403, "Accès refusé"),
        ("/suspect/", 400, "Requête invalide"),
        ("/casse/", 500, "Erreur inattendue"),
    ],
)
def test_each_error_is_a_french_dsfr_page(client_for_errors, url, status, heading):
    response = client_for_errors.get(url)
    assert response.status_code == status
    assert_dsfr_french(page(response), heading)


def test_500_renders_without_a_request_nor_the_database(db):
    with CaptureQueriesContext(connection) as queries:
        html = loader.get_template("500.html").render()
    assert len(queries) == 0
    assert_dsfr_french(html, "Erreur inattendue")
    assert "Se connecter" not in html  # nothing read from a user


@override_settings(DEBUG=False)
def test_a_failed_csrf_check_gives_a_french_page(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())

    response = client.post("/ctg/nouvelle/", {"name": "CTG"})

    assert response.status_code == 403
    assert_dsfr_french(page(response), "Formulaire expiré")
    assert "cookies" in page(response)
