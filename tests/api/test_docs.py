"""The OpenAPI schema and its documentation page: served by the site itself, under its CSP."""

import pytest
import yaml
from django.contrib.staticfiles import finders
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_schema_describes_every_resource_and_the_errors(db):
    response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "API de Pilote CTG"
    paths = set(schema["paths"])
    for resource in (
        "conventions",
        "plan-nodes",
        "follow-up-points",
        "indicators",
        "measurements",
        "facilities",
        "territory-figures",
        "meetings",
        "decisions",
    ):
        assert f"/api/v1/{resource}/" in paths
    patch = schema["paths"]["/api/v1/plan-nodes/{id}/"]["patch"]
    assert {"412", "428", "403"} <= set(patch["responses"])
    assert set(schema["components"]["securitySchemes"]) == {"jeton", "session"}
    assert "Error" in schema["components"]["schemas"]


def test_the_documentation_page_needs_no_cdn_and_no_inline_script(db):
    client = APIClient()
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html
    assert "<script>" not in html
    assert "https://" not in html  # every asset comes from this site (drf-spectacular-sidecar)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


def test_an_unknown_api_address_answers_json(db):
    response = APIClient().get("/api/v1/nulle-part/")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Introuvable, ou vous n'y avez pas accès."
