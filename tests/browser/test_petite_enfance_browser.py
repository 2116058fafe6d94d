"""Browser tests of the petite-enfance pages on the demo CTG of seed 003: the récapitulatif of the
autorités organisatrices, a schéma's table and its edition, the checklist and the bonus block."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PAA = "provence-alpes-agglomeration-2026-2030"
# load_demo loads the petite-enfance tables of seed 003 with the rest of the demo CTG.


def test_a_reader_sees_the_recapitulatif_of_the_autorites_organisatrices(login):
    page = login("lecteur.paa")
    page.goto(f"/ctg/{PAA}/petite-enfance/")
    assert page.get_by_role(
        "heading", name="Petite enfance : autorités organisatrices"
    ).is_visible()
    table = page.get_by_role("table", name="Compétences d’autorité organisatrice par commune")
    rows = table.locator("tbody tr")
    assert rows.count() == 4
    assert rows.nth(0).locator("th").inner_text().startswith("Château-Arnoux-Saint-Auban")
    epci = page.locator("#ao-epci")
    assert "38\u202f193" in epci.inner_text()
    assert epci.get_by_text("Transférée par certaines communes à l'EPCI").count() == 4
    assert page.get_by_role("link", name="Créer un schéma").count() == 0
    page.locator("#recapitulatif").scroll_into_view_if_needed()
    screenshot(page, "petite_enfance_recapitulatif", full_page=False)
    page.get_by_role("button", name="Les 43 communes qui ont transféré").click()
    from playwright.sync_api import expect

    expect(page.get_by_text("Digne-les-Bains : 18\u00a0547 hab. (2022)")).to_be_visible()


def test_a_reader_reads_a_schema_and_its_verdict(login):
    page = login("referent.digne")
    page.goto(f"/ctg/{PAA}/petite-enfance/")
    page.locator("#schemas").get_by_role("link", name="CA Provence-Alpes-Agglomération").click()
    page.wait_for_load_state()
    table = page.locator("#tableau-schema")
    assert "Audit sur les besoins petite enfance" in table.inner_text()
    assert page.get_by_role(
        "heading", name="La CTG ne peut pas encore tenir lieu de schéma"
    ).is_visible()
    assert page.get_by_role("link", name="Modifier le tableau").count() == 0
    table.scroll_into_view_if_needed()
    screenshot(page, "petite_enfance_schema", full_page=False)
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter pour le CDSF (PDF)").click()
    assert download.value.suggested_filename == (
        "schema-ca-provence-alpes-agglomeration-2026-2030.pdf"
    )


def test_the_coordinator_edits_a_table_and_confirms_the_checklist(login):
    page = login("cooperation.paa")
    page.goto(f"/ctg/{PAA}/petite-enfance/")
    page.locator("#schemas").get_by_role("link", name="Peyruis").click()
    page.get_by_role("link", name="Modifier le tableau").click()
    page.wait_for_load_state()
    screenshot(page, "petite_enfance_schema_lines", full_page=False)
    # The MAM of Peyruis opens four more places in 2028.
    page.get_by_label("2028").nth(1).fill("12")
    page.get_by_label("Projets d'investissement").nth(1).fill("Extension de la MAM en 2028.")
    page.get_by_label("2029").nth(1).fill("-1")
    page.get_by_role("button", name="Enregistrer le tableau").click()
    page.wait_for_load_state()
    assert (
        page.get_by_role("alert").get_by_text("La valeur ne peut pas être négative.").is_visible()
    )
    page.get_by_label("2029").nth(1).fill("12")
    page.get_by_role("button", name="Enregistrer le tableau").click()
    page.wait_for_load_state()
    assert page.get_by_text("Le tableau du schéma a été enregistré.").is_visible()
    assert "Extension de la MAM en 2028." in page.locator("#tableau-schema").inner_text()

    page.get_by_role("link", name="Confirmer les contenus").click()
    page.wait_for_load_state()
    assert page.get_by_label("Traité dans la CTG").first.is_checked()  # proposed: inventory
    screenshot(page, "petite_enfance_checklist", full_page=False)
    boxes = page.get_by_label("Traité dans la CTG")
    for index in range(boxes.count()):
        boxes.nth(index).check(force=True)
    page.get_by_role("button", name="Enregistrer les contenus").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="La CTG peut tenir lieu de schéma").is_visible()


def test_the_coordinator_fills_in_the_bonus_trajectoire(login):
    page = login("cooperation.paa")
    page.goto(f"/ctg/{PAA}/petite-enfance/reglages/")
    page.get_by_label("places de crèche cofinancées en 2023").fill("238")
    page.get_by_label("places de crèche prévues en 2027").fill("249")
    page.get_by_label("places PSU bénéficiant du bonus territoire").fill("238")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    page.wait_for_load_state()
    bonus = page.locator("#bonus-trajectoire")
    assert "+4,62\u00a0%" in bonus.inner_text()
    assert "+100\u00a0€ par place et par an" in bonus.inner_text()
    assert "23\u202f800\u00a0€" in bonus.inner_text()
    bonus.scroll_into_view_if_needed()
    screenshot(page, "petite_enfance_bonus", full_page=False)
