"""The facilities register in headless Chromium: import annexe 2, filter, add a facility."""

import re

import pytest

from pilote.demo.services import DATA_DIR

from .conftest import screenshot

pytestmark = pytest.mark.browser

PAA = "/ctg/provence-alpes-agglomeration-2026-2030"
DEMO_CSV = DATA_DIR / "provence-alpes-agglomeration-2026-2030.equipements.csv"


def facility_count(page) -> int:
    page.goto(f"{PAA}/equipements/")
    heading = page.locator("#resultats").inner_text()
    match = re.match(r"(\d+) équipement", heading)
    return int(match.group(1)) if match else 0


def test_a_file_with_an_error_is_refused_then_the_corrected_file_is_imported(login):
    page = login("cooperation.paa")
    before = facility_count(page)
    assert before == 76  # annexe 2, loaded with the demo CTG
    page.get_by_role("link", name="Importer un fichier").click()
    assert "Pas de doublon" in page.locator("main").inner_text()
    page.evaluate("document.querySelector('h1').scrollIntoView()")
    screenshot(page, "register_import_form", full_page=False)

    content = DEMO_CSV.read_text(encoding="utf-8-sig").replace(";04205;Seyne;", ";04112;Seyne;", 1)
    content = content.replace("Les Canaillous;Établissement", "Les Canaillous;Crèche-garderie", 1)
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "annexe2.csv", "mimeType": "text/csv", "buffer": content.encode("cp1252")}],
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_load_state()
    report = page.locator("#erreurs-import")
    assert "rien n’a été enregistré" in page.locator("#rapport-erreurs").inner_text()
    lines = [row.locator("td").first.inner_text() for row in report.locator("tbody tr").all()]
    assert lines == ["70", "77"]
    assert "Manosque (04112) n'est pas dans le territoire" in report.inner_text()
    page.locator("#rapport-erreurs").scroll_into_view_if_needed()
    screenshot(page, "register_import_errors", full_page=False)
    assert facility_count(page) == before

    page.goto(f"{PAA}/equipements/importer/")
    page.set_input_files("input[type=file]", str(DEMO_CSV))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_load_state()
    # The demo already holds annexe 2: its example file changes nothing.
    assert "est prêt à être importé" in page.locator("main").inner_text()
    preview = " ".join(page.get_by_role("status").first.inner_text().split())
    assert re.search(r"\b0 équipements? à créer, 0 à mettre à jour, 76 inchangés\.", preview)
    assert "2 avertissements" in page.locator("main").inner_text()
    screenshot(page, "register_import_preview", full_page=False)
    page.get_by_role("button", name="Confirmer l’import").click()
    page.wait_for_load_state()
    message = page.locator(".fr-alert--success").inner_text()
    assert message.endswith(
        "Import de « provence-alpes-agglomeration-2026-2030.equipements.csv » terminé : "
        "0 équipement créé, 0 mis à jour, 76 inchangés."
    )
    assert facility_count(page) == before


def test_the_register_filters_by_type_and_commune(login):
    page = login("lecteur.paa")
    page.goto(f"{PAA}/equipements/")
    assert page.get_by_role("link", name="Ajouter un équipement").count() == 0
    page.evaluate("document.getElementById('resultats').scrollIntoView()")
    screenshot(page, "register_list", full_page=False)

    page.get_by_label("Type", exact=True).select_option(label="Relais petite enfance (RPE)")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    rows = page.locator("#registre tbody tr")
    assert rows.count() == 2
    assert "2 équipements ou services sur" in page.locator("#resultats").inner_text()

    page.get_by_label("Type", exact=True).select_option(label="Tous les types")
    page.get_by_label("Commune").select_option(label="Seyne")
    page.get_by_label("Rechercher").fill("guzu")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert [r.locator("td").first.inner_text() for r in rows.all()] == [
        "Extrascolaire - Association GUZU",
        "Périscolaire - Association GUZU",
        "Jeunes en Seyne",  # GUZU manages it
    ]
    page.evaluate("document.querySelector('form[role=search]').scrollIntoView()")
    screenshot(page, "register_filtered", full_page=False)


def test_a_coordinator_adds_a_facility_linked_to_an_action(login):
    page = login("cooperation.paa")
    page.goto(f"{PAA}/equipements/")
    page.get_by_role("link", name="Ajouter un équipement").click()
    page.get_by_label("Nom de l'équipement ou du service").fill("MAM Les P'tits Loups")
    page.get_by_label("Gestionnaire").fill("Association Les P'tits Loups")
    page.get_by_role("combobox", name="Type", exact=True).select_option(
        label="Maison d'assistants maternels (MAM)"
    )
    page.get_by_label("Commune", exact=True).select_option(label="Thoard (04217)")
    page.get_by_label("Statut").select_option(label="En projet")
    page.get_by_label("Capacité").fill("16")
    page.get_by_label("Âge minimum (ans)").fill("0")
    page.get_by_label("Âge maximum (ans)").fill("3")
    screenshot(page, "register_add_form_top", full_page=False)
    for year in range(2026, 2031):  # the list shows this year's bonus
        page.get_by_label(f"Bonus territoire {year} (€)").fill("2600")
    page.locator("label", has_text="Action clé 3.7 –").click()  # the DSFR box is its label
    page.get_by_label("Bonus territoire 2027 (€)").scroll_into_view_if_needed()
    screenshot(page, "register_add_form", full_page=False)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()

    assert "« MAM Les P'tits Loups » a été ajouté au registre." in page.locator("main").inner_text()
    page.get_by_label("Rechercher").fill("P'tits Loups")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    row = page.locator("#registre tbody tr").first
    assert "Thoard" in row.inner_text()
    assert "EN PROJET" in row.inner_text().upper()
    assert "2 600 €" in row.inner_text().replace("\u202f", " ").replace("\u00a0", " ")
    row.get_by_role("link", name=re.compile(r"^3\.7")).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Créer de nouvelles places AVIP")
