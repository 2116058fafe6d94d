"""The trash in headless Chromium: delete an element, « Annuler » brings it back; the Corbeille."""

import re

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser

PAA = "/ctg/provence-alpes-agglomeration-2026-2030"


def _last_element(page) -> tuple[str, str]:
    """Return the URL and the text of the last element link of the plan tree."""
    page.goto(f"{PAA}/plan/")
    links = page.locator("main a[href]").filter(has_text=re.compile(r"\w"))
    hrefs = [
        (links.nth(i).get_attribute("href"), links.nth(i).inner_text())
        for i in range(links.count())
    ]
    elements = [(h, t) for h, t in hrefs if re.fullmatch(rf"{PAA}/plan/\d+/", h or "")]
    return elements[-1]


def _delete(page, href: str) -> None:
    page.goto(f"{href}supprimer/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_deleted_element_comes_back_with_annuler(login):
    page = login("cooperation.paa")
    href, _title = _last_element(page)

    _delete(page, href)

    alert = page.locator(".fr-alert--success")
    assert "dans la corbeille (30 jours)" in alert.inner_text()
    page.evaluate("window.scrollTo(0, 0)")  # the tree scrolls to the parent's anchor
    screenshot(page, "trash_deleted_message", full_page=False)
    assert page.locator(f'main a[href="{href}"]').count() == 0
    alert.get_by_role("button", name="Annuler").click()
    page.wait_for_load_state()

    assert "restauré" in page.locator(".fr-alert--success").inner_text()
    assert page.url.endswith(f"{PAA}/plan/") or "/plan/" in page.url
    page.goto(f"{PAA}/plan/")
    assert page.locator(f'main a[href="{href}"]').count() >= 1


def test_the_corbeille_lists_the_element_and_restores_it(login):
    page = login("cooperation.paa")
    href, _title = _last_element(page)
    _delete(page, href)

    page.get_by_role("link", name="Corbeille").first.click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", level=1).inner_text() == "Corbeille"
    row = page.locator("table tbody tr").first  # the latest deletion first
    label = row.locator("th").inner_text().splitlines()[-1].strip()
    assert "élément du plan" in row.inner_text().lower()
    assert "Sarah Fabre" in row.inner_text()
    screenshot(page, "trash_corbeille")
    row.get_by_role("button", name="Restaurer").click()
    page.wait_for_load_state()
    assert "restauré" in page.locator(".fr-alert--success").inner_text()
    remaining = page.locator("main table tbody").all_inner_texts()  # none when it is empty
    assert all(label not in text for text in remaining)
