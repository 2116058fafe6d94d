"""The plan tree and the editing of a fiche action in headless Chromium, on the demo data."""

import re

import pytest

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser

TARN = "/ctg/tarn-agout-2023-2026/plan/"


def test_plan_tree_shows_the_ctgs_own_levels_and_counts(login):
    page = login("cooperation.tarnagout")
    page.goto(TARN)
    main = page.locator("main")
    text = main.inner_text()
    for count, level in (("4", "Axe"), ("9", "Orientation stratégique"), ("16", "Fiche action")):
        assert re.search(rf"{count}\s+{level}", text), level
    assert "38" in text
    assert (
        main.get_by_role("link", name=re.compile("Répondre aux besoins spécifiques")).count() >= 1
    )
    screenshot(page, "plan_tree_tarn")


def test_reader_sees_the_tree_without_editing_controls(login):
    page = login("lecteur.paa")
    page.goto("/ctg/provence-alpes-agglomeration-2026-2030/plan/")
    assert page.locator(".plan-node").count() > 40
    assert page.get_by_role("link", name=re.compile("^Modifier ")).count() == 0
    assert page.get_by_role("button", name=re.compile("^Monter ")).count() == 0


def test_reordering_in_place_moves_a_fiche_and_survives_a_reload(login):
    page = login("cooperation.tarnagout")
    page.goto(TARN)
    # Wait for the htmx answer itself: "networkidle" may come before the request starts.
    with page.expect_response(lambda r: "/monter/" in r.url and r.request.method == "POST"):
        page.get_by_role("button", name="Monter Fiche action 2", exact=True).click()
    # htmx swaps the tree just after the response: give it a moment on a loaded machine.
    page.wait_for_function(
        """() => {
            const titles = [...document.querySelectorAll(".plan-node__link")].map(a => a.innerText);
            const first = titles.findIndex(t => t.includes("Promouvoir tous les métiers"));
            const second = titles.findIndex(t => t.includes("Répondre aux besoins spécifiques"));
            return first >= 0 && second >= 0 && first < second;
        }""",
        timeout=10_000,
    )
    page.reload()
    titles = page.locator(".plan-node__link").all_inner_texts()
    first = next(i for i, t in enumerate(titles) if "Promouvoir tous les métiers" in t)
    second = next(i for i, t in enumerate(titles) if "Répondre aux besoins spécifiques" in t)
    assert first < second


def test_without_javascript_reorder_buttons_post_the_page_s_one_form(browser, live_demo_server):
    context = browser.new_context(
        base_url=live_demo_server, locale="fr-FR", java_script_enabled=False
    )
    page = log_in(context.new_page(), "cooperation.tarnagout")

    def order() -> list[str | None]:
        return [li.get_attribute("id") for li in page.locator(".plan-node").all()]

    try:
        page.goto(TARN)
        before = order()
        down = page.locator(".plan-node__row button[title^='Descendre']:not([disabled])").first
        element = down.evaluate("button => button.closest('li').id")
        # The button submits the page's hidden form (its CSRF token) to its own formaction.
        down.click()
        page.wait_for_load_state()
        assert page.get_by_text(re.compile("a été déplacé vers le bas")).count() == 1
        assert order().index(element) > before.index(element)
        # And back up, leaving the demo plan as the other tests expect it.
        page.locator(f"#{element} > .plan-node__row button[title^='Monter']").click()
        page.wait_for_load_state()
        assert order() == before
    finally:
        context.close()


def test_coordinator_edits_a_fiche_action_end_to_end(login):
    page = login("cooperation.paa")
    page.goto("/ctg/provence-alpes-agglomeration-2026-2030/plan/")
    page.get_by_role("link", name="Modifier Fiche action 2", exact=True).click()
    page.wait_for_load_state()
    screenshot(page, "fiche_edit_form")
    page.get_by_label("Public cible").fill("Familles allocataires et publics éloignés du numérique")
    page.get_by_label("Priorité").select_option("haute")
    page.get_by_label("Année de début").fill("2026")
    page.get_by_label("Année de fin").fill("2031")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    # 2031 is outside the CTG (2026-2030): a French message, nothing saved.
    assert page.get_by_text(re.compile("hors de la période de la CTG")).first.is_visible()
    screenshot(page, "fiche_edit_error_top", full_page=False)
    page.get_by_label("Année de fin").scroll_into_view_if_needed()
    screenshot(page, "fiche_edit_error_field", full_page=False)
    page.get_by_label("Année de fin").fill("2027")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Familles allocataires et publics éloignés du numérique" in main
    assert "2026-2027" in main or "2026 – 2027" in main
    screenshot(page, "fiche_detail_after_edit")
