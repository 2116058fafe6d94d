"""Login and the CTG list in headless Chromium, on the demo data."""

import re

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_anonymous_visitor_is_sent_to_the_login_page(page):
    page.goto("/ctg/")
    assert "/connexion/" in page.url
    assert page.get_by_role("heading", name="Connexion à Pilote CTG").is_visible()


def test_wrong_password_gets_a_french_message(page):
    page.goto("/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("cooperation.paa")
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_text("Identifiant ou mot de passe incorrect").is_visible()
    screenshot(page, "login_error")


def test_caf_adviser_sees_the_three_demo_ctgs_and_filters_them(login):
    page = login("conseiller.caf")
    assert page.url.endswith("/ctg/")
    table = page.locator("table")
    for name in ("Pays salonais", "Tarn-Agout", "Provence-Alpes-Agglomération"):
        assert table.get_by_role("link", name=re.compile(name)).count() == 1
    screenshot(page, "ctg_list")
    page.get_by_label("Département").select_option("81")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "Tarn-Agout" in rows.first.inner_text()


def test_coordinator_sees_only_his_ctg_and_not_the_others_urls(login):
    page = login("cooperation.tarnagout")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    response = page.goto("/ctg/provence-alpes-agglomeration-2026-2030/")
    assert response.status == 404


def test_summary_page_shows_signatories_territory_and_plan(login):
    page = login("cooperation.paa")
    page.goto("/ctg/provence-alpes-agglomeration-2026-2030/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("CTG Provence-Alpes")
    body = page.locator("main").inner_text()
    assert "AUDRAN" in body
    assert "Digne-les-Bains" in body
    assert "Action clé" in body
    screenshot(page, "ctg_summary_paa")


def test_signatories_are_added_in_place_and_saved_in_one_round_trip(login):
    # Issue 14: the 13 signatories of a convention took 7 saves (two empty rows per page).
    page = login("cooperation.salonais")
    page.goto("/ctg/pays-salonais-2025-2028/signataires/")
    total = page.locator("#id_signataires-TOTAL_FORMS")
    before = int(total.input_value())
    add = page.get_by_role("button", name="Ajouter un signataire")
    for _ in range(3):
        add.click()
    assert int(total.input_value()) == before + 3
    names = [f"Commune nouvelle {n}" for n in range(4)]
    for offset, name in enumerate(names):
        page.locator(f"#id_signataires-{before - 1 + offset}-organisation").fill(name)
    screenshot(page, "signatories_added_in_place")

    page.get_by_role("button", name="Enregistrer les signataires").click()
    page.wait_for_load_state()

    page.goto("/ctg/pays-salonais-2025-2028/signataires/")
    values = [
        page.locator(f"#id_signataires-{n}-organisation").input_value()
        for n in range(int(page.locator("#id_signataires-TOTAL_FORMS").input_value()))
    ]
    assert set(names) <= set(values)
