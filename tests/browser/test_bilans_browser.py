"""A bilan in headless Chromium: prepared, written, downloaded, frozen, downloaded again."""

import io
import re

import pytest
from pypdf import PdfReader

from .conftest import screenshot

pytestmark = pytest.mark.browser

SLUG = "pays-salonais-2025-2028"
REVIEWS = f"/ctg/{SLUG}/bilans/"


def _download(page, name: str) -> tuple[str, bytes]:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("link", name=name).click()
    download = info.value
    return download.suggested_filename, download.path().read_bytes()


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_coordinator_prepares_downloads_and_freezes_a_bilan(login):
    page = login("cooperation.salonais")
    page.goto(REVIEWS)
    page.get_by_label("Type de bilan").select_option(label="Bilan annuel")
    page.get_by_label("Année").select_option("2025")
    page.get_by_role("button", name="Préparer ce bilan").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Bilan annuel 2025"

    page.get_by_label("Synthèse").fill("Première année de la convention : le plan est lancé.")
    page.get_by_role("button", name="Enregistrer les textes").click()
    page.wait_for_load_state()
    assert "Les textes du bilan ont été enregistrés." in page.content()
    screenshot(page, "bilan_draft")

    name, data = _download(page, "PDF")
    assert name == f"bilan-annuel-2025-{SLUG}.pdf"
    text = _pdf_text(data)
    assert "Première année de la convention" in text
    assert "Document de travail" in text

    page.get_by_role("link", name="Figer le bilan…").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Figer le bilan").click()
    page.wait_for_load_state()
    assert re.search(r"Bilan figé le \d+ \w+ \d{4}", page.content())
    assert page.get_by_role("button", name="Enregistrer les textes").count() == 0
    screenshot(page, "bilan_closed")

    name, data = _download(page, "Diaporama pour le COPIL (PPTX)")
    assert name == f"bilan-annuel-2025-{SLUG}.pptx"
    assert data[:2] == b"PK"
    _, data = _download(page, "PDF")
    assert "Bilan figé le" in _pdf_text(data)

    page.goto(REVIEWS)
    assert page.get_by_role("table", name="Bilans de la CTG").locator("tbody tr").count() == 1
