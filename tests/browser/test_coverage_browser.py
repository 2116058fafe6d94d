"""Browser tests of the diagnostic and coverage pages, on the PAA demo CTG and its annexe 1."""

import re

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PAA = "provence-alpes-agglomeration-2026-2030"
# load_demo loads annexe 1's figures and annexe 2's register with the rest of the demo CTG.


def test_coverage_page_shows_every_commune_the_total_and_the_published_rate(login):
    page = login("cooperation.paa")
    page.goto(f"/ctg/{PAA}/couverture/")
    assert page.get_by_role(
        "heading", name="Taux de couverture petite enfance", level=1
    ).is_visible()
    assert page.locator("#taux-publie").inner_text().strip() == "58"
    # 46 places known in annexe 2 (Château-Arnoux-Saint-Auban, Peyruis) for 1 151 children.
    assert page.locator("#taux-ctg").inner_text().split() == ["4"]
    assert page.get_by_role("link", name="Renseigner les capacités manquantes").is_visible()
    table = page.get_by_role("table", name=re.compile("Places et taux de couverture par commune"))
    assert table.locator("tbody tr").count() >= 46
    assert "Ensemble de la CTG" in table.locator("tfoot").inner_text()
    assert "1\u202f151" in table.locator("tfoot").inner_text()
    flagged = table.locator("tbody .fr-badge", has_text="Aucun mode d’accueil")
    assert flagged.count() == 36  # the 14 EAJE of annexe 2 are in 10 of the 46 communes
    screenshot(page, "coverage", full_page=False)
    table.scroll_into_view_if_needed()
    screenshot(page, "coverage_table", full_page=False)


def test_diagnostic_page_lists_annexe_1_and_filters_it_for_a_reader(login):
    page = login("lecteur.paa")
    page.goto(f"/ctg/{PAA}/diagnostic/")
    assert page.get_by_role("heading", name="Diagnostic du territoire", level=1).is_visible()
    assert page.get_by_role("link", name="Ajouter un chiffre").count() == 0
    section = page.get_by_role("table", name=re.compile("CA Provence-Alpes-Agglomération"))
    assert "48\u202f726" in section.inner_text()
    screenshot(page, "diagnostic", full_page=False)
    page.get_by_label("Millésime").select_option("2022")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert "millesime=2022" in page.url
    assert "Naissances" in page.locator("table").first.inner_text()
    assert "Population" not in page.locator("table tbody th[scope='row']").all_inner_texts()
    screenshot(page, "diagnostic_filtered", full_page=False)


def test_a_coordinator_imports_a_figure_after_the_preview_then_deletes_it(login, tmp_path):
    page = login("cooperation.paa")
    page.goto(f"/ctg/{PAA}/diagnostic/importer/")
    csv = tmp_path / "chiffres-digne.csv"
    csv.write_bytes(
        "Échelle;Code;Territoire;Chiffre;Millésime;Valeur;Source\n"
        "Commune;04070;Digne-les-Bains;Familles monoparentales;2021;1 034;INSEE\n".encode("cp1252")
    )
    page.get_by_label(re.compile("Fichier des chiffres")).set_input_files(str(csv))
    page.get_by_role("button", name="Lire le fichier").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Aperçu avant import").is_visible()
    screenshot(page, "diagnostic_import_preview", full_page=False)
    page.get_by_role("button", name="Importer ces 1 chiffres").click()
    page.wait_for_load_state()
    assert "1 chiffre créé" in page.get_by_role("status").first.inner_text()
    digne = page.get_by_role("table", name=re.compile("Digne-les-Bains"))
    assert "1\u202f034" in digne.inner_text()
    digne.get_by_role("link", name=re.compile("Supprimer")).click()
    page.get_by_role("button", name="Supprimer").click()
    page.wait_for_load_state()
    assert page.get_by_role("table", name=re.compile("Digne-les-Bains")).count() == 0
