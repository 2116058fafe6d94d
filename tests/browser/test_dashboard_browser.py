"""Browser tests of the dashboard, the timeline and the indicators, on the demo CTGs."""

import re

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PAA = "provence-alpes-agglomeration-2026-2030"


def test_dashboard_links_lead_to_the_filtered_follow_up_table(login):
    page = login("cooperation.paa")
    page.goto(f"/ctg/{PAA}/tableau-de-bord/")
    assert page.get_by_role("heading", name="Tableau de bord", level=1).is_visible()
    screenshot(page, "dashboard", full_page=False)
    late = page.locator("a[href$='/suivi/?retard=1']").first
    href = late.get_attribute("href")
    assert href == f"/ctg/{PAA}/suivi/?retard=1"
    late.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/ctg/{PAA}/suivi/?retard=1")
    status = page.request.get(f"/ctg/{PAA}/suivi/?statut=sans_point").status
    assert status == 200


def test_dashboard_status_figures_use_the_table_filters(login):
    page = login("lecteur.paa")
    page.goto(f"/ctg/{PAA}/tableau-de-bord/")
    links = page.locator("a[href*='/suivi/?statut=']")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert f"/ctg/{PAA}/suivi/?statut=en_cours" in hrefs
    assert f"/ctg/{PAA}/suivi/?statut=sans_point" in hrefs


def test_timeline_renders_and_prints_without_navigation(login):
    page = login("conseiller.caf")
    page.goto("/ctg/tarn-agout-2023-2026/calendrier/")
    assert page.get_by_role("heading", name="Calendrier des actions").is_visible()
    bars = page.locator(".mon-tl__bar")
    assert bars.count() > 10
    assert re.search(r"Prévue", bars.first.inner_text() + bars.first.text_content())
    screenshot(page, "timeline", full_page=False)
    page.emulate_media(media="print")
    assert not page.locator(".fr-header").is_visible()
    assert bars.first.is_visible()
    screenshot(page, "timeline_print", full_page=False)


def test_indicator_page_shows_chart_and_table(login):
    page = login("cooperation.paa")
    page.goto(f"/ctg/{PAA}/indicateurs/")
    page.locator("table a[href*='/indicateurs/']").first.click()
    page.wait_for_load_state()
    assert page.locator("svg[role='img'] title").count() == 1
    assert page.get_by_role("table", name=re.compile("Mesures et cibles")).is_visible()
    screenshot(page, "indicator", full_page=False)
