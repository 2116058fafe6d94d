"""The exports page in headless Chromium: every export is one click away and opens."""

import csv
import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from pilote.reports.opendata import HEADER

from .conftest import screenshot

pytestmark = pytest.mark.browser

SLUG = "provence-alpes-agglomeration-2026-2030"
EXPORTS = f"/ctg/{SLUG}/exports/"
DAY = r"\d{4}-\d{2}-\d{2}"


def download(page, link_name: str):
    """Click the link and return the download (name and bytes)."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    download = info.value
    return download.suggested_filename, download.path().read_bytes()


def test_a_reader_downloads_the_plan_in_one_click(login):
    page = login("lecteur.paa")
    page.goto(EXPORTS)
    assert page.get_by_role("heading", level=1).inner_text() == "Exports"
    page.evaluate("document.querySelector('h1').scrollIntoView()")
    screenshot(page, "exports_page", full_page=False)

    name, content = download(page, "Plan d’actions au format Excel (XLSX)")
    assert re.fullmatch(f"{SLUG}-plan-{DAY}.xlsx", name)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Chemin dans le plan", "Niveau", "Numéro", "Intitulé")
    assert len(rows) == 73  # the 72 elements of the PAA plan
    assert rows[1][0] == "Axe stratégique 1"

    name, content = download(page, "Plan d’actions au format Word (DOCX)")
    assert re.fullmatch(f"{SLUG}-plan-{DAY}.docx", name)
    document = Document(io.BytesIO(content))
    assert document.paragraphs[1].text == "CTG Provence-Alpes-Agglomération 2026-2030"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Axe stratégique 1 – Cohésion territoriale et gouvernance sociale"
    assert len([text for text in headings if text != "Indicateurs de la CTG"]) == 72


def test_the_open_data_schema_unfolds_and_its_file_downloads(login):
    page = login("conseiller.caf")
    page.goto(EXPORTS)
    page.get_by_role("button", name=re.compile("Schéma du fichier")).click()
    schema = page.get_by_role("table", name="Colonnes du fichier de données ouvertes, dans l’ordre")
    schema.wait_for()
    assert schema.locator("tbody tr").count() == len(HEADER)
    page.locator("#export-donnees-ouvertes").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('export-donnees-ouvertes').scrollIntoView()")
    screenshot(page, "exports_open_data", full_page=False)

    name, content = download(
        page, "Données ouvertes : Toutes les CTG que vous pouvez consulter (3, CSV)"
    )
    assert re.fullmatch(f"ctg-donnees-ouvertes-{DAY}.csv", name)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER
    assert {row[0] for row in rows[1:]} == {
        "pays-salonais-2025-2028",
        "tarn-agout-2023-2026",
        SLUG,
    }
