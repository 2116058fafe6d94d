"""A quarterly round on the shared follow-up table, in headless Chromium, on the demo data."""

import re

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser

PAA = "/ctg/provence-alpes-agglomeration-2026-2030"
ROUND = [
    ("realisee", "Réalisée", "100", "Guide des démarches diffusé dans les 46 communes."),
    ("bloquee", "Bloquée", "30", "Le local prévu à Malijai n'est plus disponible."),
    ("reportee", "Reportée", "10", "Report au printemps, après le renouvellement du COPIL."),
]


def test_a_quarterly_round_edits_three_actions_in_place(login):
    page = login("cooperation.paa")
    page.goto(f"{PAA}/suivi/")
    rows = page.locator("tbody tr[id^='action-']")
    assert rows.count() > 40
    edited = []
    for index, (status, label, progress, done) in enumerate(ROUND):
        row_id = rows.nth(index * 2).get_attribute("id")
        row = page.locator(f"#{row_id}")
        row.locator("a.fr-btn").click()
        form_row = page.locator(f"#{row_id}.fu-row--editing")
        form_row.wait_for()
        # The form takes the focus, and gives it back to the row's button once saved.
        assert page.evaluate("document.activeElement.closest('tr').id") == row_id
        form_row.get_by_label("Statut").select_option(status)
        form_row.get_by_label("Avancement (%)").fill(progress)
        form_row.get_by_label("Ce qui a été fait").fill(done)
        if index == 0:
            screenshot(page, "followup_inline_form", full_page=False)
        form_row.get_by_role("button", name=re.compile("^Enregistrer")).click()
        saved = page.locator(f"#{row_id}.fu-row--saved")
        saved.wait_for()
        assert label.upper() in saved.inner_text().upper()  # badges are in capitals
        assert f"{progress}\xa0%" in saved.inner_text()
        assert page.evaluate("document.activeElement.closest('tr').id") == row_id
        assert "enregistré" in page.locator("#fu-live").inner_text()
        edited.append((row_id, label))
    screenshot(page, "followup_round_done", full_page=False)

    page.reload()
    for row_id, label in edited:
        assert label.upper() in page.locator(f"#{row_id}").inner_text().upper()

    page.goto(f"{PAA}/suivi/?statut=bloquee")
    assert edited[1][0] in [r.get_attribute("id") for r in rows.all()]

    page.goto(f"{PAA}/suivi/")
    page.locator(f"#{edited[0][0]} td a").first.click()
    page.wait_for_load_state()
    history = page.locator("#suivi")
    assert "Historique des points de suivi" in history.inner_text()
    first_item = history.locator(".fu-timeline__item").first
    assert "RÉALISÉE" in first_item.inner_text().upper()
    assert ROUND[0][3] in first_item.inner_text()
    assert "Saisi par Sarah Fabre" in first_item.inner_text()
    history.scroll_into_view_if_needed()
    screenshot(page, "followup_action_history", full_page=False)


def test_a_reader_sees_the_table_without_update_buttons(login):
    page = login("lecteur.paa")
    page.goto(f"{PAA}/suivi/")
    assert page.locator("tbody tr[id^='action-']").count() > 40
    assert page.locator("tbody a.fr-btn").count() == 0
