"""Bringing an existing plan in, in headless Chromium: a Caf adviser uploads the CTG of
Tarn-Agout (seed 001), reviews the proposed tree, renames a level, drops an element, and saves it
into a new CTG, then lands on its plan."""

import re

import pytest
from playwright.sync_api import expect

from tests.imports.builders import SEED_001

from .conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def seed_001():
    if not SEED_001.exists():
        pytest.skip(f"Seed 001 absente ({SEED_001}) : le dossier shared/seeds n'est pas là.")
    return SEED_001


def test_a_caf_adviser_reviews_a_document_and_saves_it_into_a_new_ctg(login, seed_001):
    page = login("conseiller.caf")
    page.goto("/ctg/importer-un-plan/")
    assert page.locator("h1").inner_text() == "Créer une CTG à partir de son plan d’actions"
    screenshot(page, "import_upload", full_page=False)

    page.set_input_files("input[type=file]", str(seed_001))
    page.get_by_role("button", name="Lire le fichier").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Relire le plan proposé"
    assert "Arbre proposé : 67 éléments" in page.locator("#titre-arbre").inner_text()
    screenshot(page, "import_review", full_page=False)

    # Rename a level: every element of that level follows (htmx, in place).
    page.get_by_label("Nom du niveau 4").fill("Action")
    page.get_by_role("button", name="Enregistrer les niveaux").click()
    status = page.locator("#relecture-statut")
    status.filter(has_text="devient « Action »").wait_for()
    assert "« Objectif opérationnel » devient « Action »" in status.inner_text()
    assert page.get_by_label("Niveau de « Action 1 »").count() == 1
    page.locator("#niveaux").scroll_into_view_if_needed()
    screenshot(page, "import_review_levels", full_page=False)

    # Drop a fiche with its two actions.
    page.get_by_role("button", name="Supprimer « Fiche action 1 » avec ses 2 sous-éléments").click()
    status.filter(has_text="a été retiré").wait_for()
    assert status.inner_text() == "« Fiche action 1 » a été retiré avec ses 2 sous-éléments."
    assert "Arbre proposé : 64 éléments" in page.locator("#titre-arbre").inner_text()
    # The live region says it; the keyboard focus goes to the next element.
    assert page.locator("#relecture-annonce").inner_text() == status.inner_text()
    expect(page.get_by_label("Intitulé de « Fiche action 2 »")).to_be_focused()
    page.locator("#titre-arbre").scroll_into_view_if_needed()
    screenshot(page, "import_review_dropped", full_page=False)

    page.get_by_role("link", name="Continuer vers l’enregistrement").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Créer la CTG et enregistrer son plan"
    assert page.locator("#id_start_date").input_value() == "2023-01-01"
    assert page.locator("#id_end_date").input_value() == "2026-12-31"
    page.get_by_label("Nom de la CTG").fill("CTG Tarn-Agout 2023-2026 (import)")
    page.get_by_label("Caf (département)").select_option(value="81")
    screenshot(page, "import_save", full_page=False)
    page.get_by_role("button", name="Créer la CTG et enregistrer le plan").click()
    page.wait_for_load_state()

    assert re.search(r"/ctg/ctg-tarn-agout-2023-2026-import[-\d]*/plan/$", page.url), page.url
    assert page.locator("h1").inner_text() == "Plan d’actions"
    message = page.locator(".fr-alert--success").inner_text()
    assert "64 éléments créés" in message
    counts = " ".join(page.locator(".plan-counts").inner_text().split())
    assert counts == "4 Axe 9 Orientation stratégique 15 Fiche action 36 Action"
    screenshot(page, "import_saved_plan", full_page=False)


def test_a_coordinator_previews_an_edited_spreadsheet_of_the_plan(login):
    """PAA's plan, downloaded as a spreadsheet, edited and sent back: the report of a wrong cell,
    then the preview of each element (new, updated, unchanged). Nothing is saved here."""
    import io

    import openpyxl

    page = login("cooperation.paa")
    paa = "/ctg/provence-alpes-agglomeration-2026-2030"
    page.goto(f"{paa}/importer-un-plan/")
    assert "Le plan de cette CTG contient déjà" in page.locator("main").inner_text()
    download = page.request.get(f"{paa}/importer-un-plan/modele.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.body()))
    sheet = workbook["Plan"]
    titles = {row[1].value: row[2] for row in sheet.iter_rows(min_row=2) if row[1].value}
    titles["1.1"].value = titles["1.1"].value + " (révisé)"
    sheet.append(["Action clé", "1.9", "Créer un guide des modes d'accueil", "", "", "", ""])
    sheet.cell(sheet.max_row, 11).value = "l'an prochain"  # « Début »

    def send(name: str) -> None:
        buffer = io.BytesIO()
        workbook.save(buffer)
        page.set_input_files(
            "input[type=file]",
            files=[
                {"name": name, "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}
            ],
        )
        page.get_by_role("button", name="Lire le fichier").click()
        page.wait_for_load_state()

    send("plan-paa.xlsx")
    report = page.locator("#erreurs-import")
    assert "l'an prochain" in report.inner_text()
    page.locator("#rapport-erreurs").scroll_into_view_if_needed()
    screenshot(page, "import_spreadsheet_errors", full_page=False)

    sheet.cell(sheet.max_row, 11).value = "2027"
    send("plan-paa.xlsx")
    assert page.locator("h1").inner_text() == "Relire le plan proposé"
    summary = " ".join(page.locator(".fr-callout").first.inner_text().split())
    assert "1 élément nouveau, 1 mis à jour" in summary
    assert "Aucun élément n’est supprimé" in summary
    page.locator("#titre-arbre").scroll_into_view_if_needed()
    screenshot(page, "import_spreadsheet_preview", full_page=False)
