"""The Content-Security-Policy in Chromium: the main pages of a demo CTG load without a single
violation, htmx still edits in place, the journal lists what was done, repeated failures show
the lockout page."""

import re

import pytest

from .conftest import new_page, screenshot

pytestmark = pytest.mark.browser

PAA = "/ctg/provence-alpes-agglomeration-2026-2030"
PAGES = [
    "/",
    "/plan/",
    "/plan/actions/",
    "/suivi/",
    "/tableau-de-bord/",
    "/calendrier/",
    "/indicateurs/",
    "/equipements/",
    "/diagnostic/",
    "/couverture/",
    "/petite-enfance/",
    "/gouvernance/",
    "/bilans/",
    "/avenants-et-versions/",
    "/exports/",
    "/en-bref/",
    "/historique/",
    "/modifier/",
    "/territoire/",
    "/journal/",
]
# Every violation the page reports, kept across navigations of the page.
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def watched_login(browser, base_url, username):
    page = new_page(browser, base_url)
    page.add_init_script(WATCH)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill("demo-pilote-ctg")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    return page, console


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def test_the_main_pages_of_a_ctg_load_without_any_csp_violation(browser, live_demo_server):
    page, console = watched_login(browser, live_demo_server, "cooperation.paa")
    seen = {}
    for path in PAGES:
        response = page.goto(PAA + path)
        assert response.status == 200, path
        assert "no-store" in response.headers["cache-control"], path
        page.wait_for_load_state("networkidle")
        seen[path] = violations(page)
    assert {path: found for path, found in seen.items() if found} == {}
    assert console == []
    # The watch does see a violation when there is one: an inline <style> and an inline handler.
    page.evaluate(
        """() => {
        document.head.insertAdjacentHTML("beforeend", "<style>body { color: red; }</style>");
        const button = document.createElement("button");
        button.setAttribute("onclick", "window.__clicked = true");
        document.body.append(button);
        button.click();
    }"""
    )
    page.wait_for_timeout(200)
    found = " ".join(violations(page))
    assert "style-src-elem" in found
    assert "script-src-attr" in found
    assert page.evaluate("window.__clicked") is None
    page.context.close()


def test_htmx_still_edits_in_place_under_the_policy(browser, live_demo_server):
    page, console = watched_login(browser, live_demo_server, "cooperation.paa")
    page.goto(f"{PAA}/suivi/")
    row_id = page.locator("tbody tr[id^='action-']").first.get_attribute("id")
    page.locator(f"#{row_id} a.fr-btn").click()
    form_row = page.locator(f"#{row_id}.fu-row--editing")
    form_row.wait_for()
    form_row.get_by_label("Statut").select_option("en_cours")
    form_row.get_by_label("Avancement (%)").fill("45")
    form_row.get_by_label("Ce qui a été fait").fill("Comité technique réuni le 12 mars.")
    form_row.get_by_role("button", name=re.compile("^Enregistrer")).click()
    page.locator(f"#{row_id}.fu-row--saved").wait_for()
    assert "45\xa0%" in page.locator(f"#{row_id}").inner_text()
    # The plan tree moves an element in place too (hx-post).
    page.goto(f"{PAA}/plan/")
    with page.expect_response(lambda response: response.request.method == "POST") as moved:
        page.locator(".plan-tree button[hx-post]:not([disabled])").first.click()
    assert moved.value.status == 200
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert console == []

    # The export of the follow-up table, then the journal that lists it.
    page.goto(f"{PAA}/exports/")
    with page.expect_download():
        page.get_by_role("link", name=re.compile("Plan d’actions au format")).first.click()
    page.goto(f"{PAA}/journal/")
    table = page.locator("table")
    assert "Export" in table.inner_text()
    assert "Sarah Fabre" in table.inner_text()
    assert violations(page) == []
    screenshot(page, "journal_ctg")
    page.context.close()


def test_repeated_failures_show_the_lockout_page(browser, live_demo_server):
    # An address and an account of this test's own: the other browser tests, from 127.0.0.1
    # with real accounts, keep logging in.
    context = browser.new_context(
        base_url=live_demo_server,
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
        extra_http_headers={"X-Forwarded-For": "203.0.113.66"},
    )
    page = context.new_page()
    page.add_init_script(WATCH)
    for _ in range(5):
        page.goto("/connexion/")
        page.get_by_label("Nom d’utilisateur").fill("personne.inconnue")
        page.get_by_label("Mot de passe").fill("pas-le-bon")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Connexion temporairement bloquée"
    assert "Attendez 15 minutes" in page.locator("main").inner_text()
    assert violations(page) == []
    screenshot(page, "lockout", full_page=False)
    context.close()
