"""A coordinator creates an API token in « Mon compte », uses it, revokes it; the API's
documentation (Swagger UI) loads offline under the site's Content-Security-Policy."""

import json
import urllib.error
import urllib.request

import pytest

from .conftest import screenshot
from .test_security_browser import WATCH, violations, watched_login

pytestmark = pytest.mark.browser


def _get(base_url: str, path: str, token: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - the local test server
        base_url + path, headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status if json.loads(response.read()) else 0
    except urllib.error.HTTPError as error:
        return error.code


def test_a_token_is_created_shown_once_used_and_revoked(login, live_demo_server):
    page = login("cooperation.paa")
    page.goto("/mon-compte/")
    page.get_by_label("Nom du jeton").fill("Tableau de bord de la CA")
    page.get_by_label("Valable").select_option("30")
    page.get_by_role("button", name="Créer le jeton").click()
    page.wait_for_load_state()
    token = page.get_by_label("Jeton « Tableau de bord de la CA »", exact=False).input_value()
    assert token.startswith("pct_")
    screenshot(page, "api-token-created")
    assert _get(live_demo_server, "/api/v1/conventions/", token) == 200
    page.goto("/mon-compte/")
    assert token not in page.content()
    screenshot(page, "api-tokens-account")
    page.get_by_role("button", name="Révoquer le jeton « Tableau de bord de la CA »").click()
    page.wait_for_load_state()
    assert "est révoqué" in page.content()
    assert _get(live_demo_server, "/api/v1/conventions/", token) == 401


def test_the_documentation_loads_without_csp_violation(browser, live_demo_server):
    page, console = watched_login(browser, live_demo_server, "conseiller.caf")
    page.add_init_script(WATCH)
    page.goto("/api/v1/docs/")
    page.wait_for_load_state("networkidle")
    page.get_by_text("API de Pilote CTG").first.wait_for()
    page.get_by_text("/api/v1/plan-nodes/", exact=True).first.wait_for()
    screenshot(page, "api-docs")
    assert violations(page) == []
    assert console == []
