"""COPIL attendance with a mouse and a keyboard (issue 14): every control visible and clickable."""

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser

SLUG = "tarn-agout-2023-2026"
BASE = f"/ctg/{SLUG}/gouvernance"


def _copil_with_two_members_and_a_meeting(page) -> None:
    page.goto(f"{BASE}/instances/ajouter/")
    page.locator("#id_name").fill("COPIL CTG Tarn-Agout")
    page.get_by_role("button", name="Créer l’instance").click()
    page.wait_for_load_state()
    if "/membres/" not in page.url:
        page.get_by_role("link", name="Modifier les membres").first.click()
        page.wait_for_load_state()
    page.get_by_label("Organisation, ligne 1").fill("Caf du Tarn")
    page.get_by_label("Organisation, ligne 2").fill("Communauté de communes Tarn-Agout")
    voting = page.get_by_label("Voix délibérative, ligne 1")
    box = voting.bounding_box()
    assert box is not None
    assert box["width"] >= 12  # the checkbox shows
    screenshot(page, "body_members")
    page.get_by_role("button", name="Enregistrer les membres").click()
    page.wait_for_load_state()
    page.goto(f"{BASE}/reunions/ajouter/")
    page.locator("#id_body").select_option(label="COPIL CTG Tarn-Agout")
    page.locator("#id_date").fill("2026-06-11")
    page.get_by_role("button", name="Planifier la réunion").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Saisir les présences").first.click()
    page.wait_for_load_state()


def test_attendance_is_entered_with_a_mouse_and_with_the_keyboard(login):
    page = login("cooperation.tarnagout")
    _copil_with_two_members_and_a_meeting(page)
    radios = page.locator(".gov-attendance tbody tr").first.locator("input[type=radio]")
    assert radios.count() >= 3
    for index in range(radios.count()):
        box = radios.nth(index).bounding_box()
        assert box is not None
        assert box["width"] >= 12  # a control that shows
        assert box["height"] >= 12

    # A click in the cell, beside the control, chooses it.
    first_cell = page.locator(".gov-attendance tbody tr").first.locator("td").first
    cell = first_cell.bounding_box()
    page.mouse.click(cell["x"] + 6, cell["y"] + 6)
    assert radios.first.is_checked()

    # The keyboard: Tab reaches the radios, the arrow keys move the choice.
    second_row = page.locator(".gov-attendance tbody tr").nth(1).locator("input[type=radio]")
    second_row.first.focus()
    page.keyboard.press("Space")
    assert second_row.first.is_checked()
    page.keyboard.press("ArrowRight")
    assert second_row.nth(1).is_checked()
    screenshot(page, "meeting_attendance")

    page.get_by_role("button", name="Enregistrer les présences").click()
    page.wait_for_load_state()
    presences = page.locator("#presences").inner_text()
    assert "Caf du Tarn" in presences
    assert "Communauté de communes Tarn-Agout" in presences
