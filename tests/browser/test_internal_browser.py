"""An internal element in Chromium: the coordinator marks it, the reader no longer sees it."""

import re

import pytest

from .conftest import log_in, new_page, screenshot

pytestmark = pytest.mark.browser

PAA = "/ctg/provence-alpes-agglomeration-2026-2030/plan/"
INTERNAL = "Interne (visible seulement par la Caf et le·la chargé·e de coopération)"


def test_an_action_marked_internal_leaves_the_readers_plan(browser, live_demo_server, login):
    page = login("cooperation.paa")
    page.goto(PAA)
    # The plan's last element is a leaf: marking it changes no other test's plan.
    page.get_by_role("link", name=re.compile("^Modifier ")).last.click()
    page.wait_for_load_state()
    title = page.get_by_role("textbox", name="Intitulé", exact=True).input_value()
    checkbox = page.get_by_label(INTERNAL)
    assert not checkbox.is_checked()
    # DSFR draws the box on the label, which the sticky buttons may cover: click the input.
    checkbox.dispatch_event("click")
    assert checkbox.is_checked()
    screenshot(page, "internal_fiche_form", full_page=False)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.locator("main .pilote-internal").first.is_visible()  # the action's own page
    page.goto(PAA)
    item = page.locator(".plan-node", has_text=title).last
    assert item.locator(".pilote-internal").is_visible()
    item.scroll_into_view_if_needed()
    screenshot(page, "internal_plan_editor", full_page=False)

    reader = log_in(new_page(browser, live_demo_server), "lecteur.paa")
    reader.goto(PAA)
    text = reader.locator("main").inner_text()
    assert title not in text
    assert reader.locator(".pilote-internal").count() == 0
    reader.locator(".plan-node").last.scroll_into_view_if_needed()
    screenshot(reader, "internal_plan_reader", full_page=False)
    reader.context.close()
