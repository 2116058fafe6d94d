"""Two people edit the same fiche action in two browsers: the second save shows the conflict."""

import pytest

from .conftest import log_in, new_page, screenshot

pytestmark = pytest.mark.browser

PAA_PLAN = "/ctg/provence-alpes-agglomeration-2026-2030/plan/"


@pytest.fixture
def second_page(browser, live_demo_server):
    """A second browser, with its own cookies: another person's session."""
    page = new_page(browser, live_demo_server)
    yield page
    page.context.close()


def test_the_second_save_shows_both_changes_and_reapplies_the_input_kept(login, second_page):
    alice = login("cooperation.paa")
    alice.goto(PAA_PLAN)
    alice.get_by_role("link", name="Modifier Fiche action 5", exact=True).click()
    alice.wait_for_load_state()
    bruno = log_in(second_page, "caf04")
    bruno.goto(alice.url)

    alice.get_by_label("Public cible").fill("Parents d'adolescents du territoire")
    alice.get_by_role("button", name="Enregistrer").click()
    alice.wait_for_load_state()
    bruno.get_by_label("Public cible").fill("Familles monoparentales")
    bruno.get_by_role("button", name="Enregistrer").click()
    bruno.wait_for_load_state()

    conflict = bruno.locator("#conflit")
    assert conflict.get_by_role(
        "heading", name="Quelqu'un a modifié cette page pendant que vous la modifiiez"
    ).is_visible()
    table = conflict.locator("table").inner_text()
    assert "Public cible" in table
    assert "Parents d'adolescents du territoire" in table
    assert "Familles monoparentales" in table
    # Only what differs is listed: not the partners' list, sent back with CRLF line ends.
    assert "Partenaires associés" not in table
    assert bruno.get_by_label("Public cible").input_value() == "Familles monoparentales"
    screenshot(bruno, "fiche_edit_conflict")

    bruno.get_by_role("button", name="Enregistrer").click()
    bruno.wait_for_load_state()
    assert "Familles monoparentales" in bruno.locator("main").inner_text()
