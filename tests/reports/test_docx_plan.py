"""The plan of the demo CTGs as a Word document, read back with python-docx."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from pilote.conventions.models import Convention, Signatory
from pilote.reports.docx_plan import french_date, plan_document
from pilote.reports.plan_rows import read_plan

from .conftest import PAA, TARN_AGOUT

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOTES = "Négociation en cours avec la commune de Digne sur le financement du RPE."


def download(client, user, slug) -> Document:
    client.force_login(user)
    response = client.get(reverse("reports:plan_docx", kwargs={"slug": slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == (
        f'attachment; filename="{slug}-plan-{timezone.localdate().isoformat()}.docx"'
    )
    return Document(io.BytesIO(response.content))


def headings(document) -> list[tuple[int, str]]:
    return [
        (int(paragraph.style.name.removeprefix("Heading ")), paragraph.text)
        for paragraph in document.paragraphs
        if paragraph.style.name.startswith("Heading ")
    ]


def test_every_element_is_a_heading_of_its_depth_in_plan_order(client, paa, demo_user):
    document = download(client, demo_user("lecteur.paa"), PAA)

    rows = read_plan(paa).rows
    found = headings(document)
    assert found[: len(rows)] == [
        (row.depth + 1, f"{row.level} {row.number} – {row.title}")
        if row.number
        else (row.depth + 1, f"{row.level} – {row.title}")
        for row in rows
    ]
    assert found[len(rows) :] == [(1, "Indicateurs de la CTG")]
    assert found[0] == (1, "Axe stratégique 1 – Cohésion territoriale et gouvernance sociale")


def test_the_title_page_gives_the_ctg_its_period_territory_and_signatories(client, paa, demo_user):
    document = download(client, demo_user("referent.digne"), PAA)
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)

    assert document.paragraphs[1].text == paa.name
    assert document.paragraphs[1].style.name == "Title"
    assert "Du 1ᵉʳ janvier 2026 au 31 décembre 2030" in text
    assert "EPCI : CA Provence-Alpes-Agglomération (SIREN 200067437)" in text
    assert "Territoire : 46 communes : Aiglun, Archail, " in text
    signatories = [row.cells[0].text for row in document.tables[0].rows[1:]]
    assert signatories == list(paa.signatories.values_list("organisation", flat=True))
    assert len(signatories) == 13
    assert document.core_properties.language == "fr-FR"
    language = document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang")[0]
    assert language.get(qn("w:val")) == "fr-FR"


def test_a_fiche_shows_its_fields_as_labelled_paragraphs_and_its_latest_update(
    client, paa, demo_user
):
    document = download(client, demo_user("cooperation.paa"), PAA)
    texts = [paragraph.text for paragraph in document.paragraphs]

    start = next(i for i, text in enumerate(texts) if text.startswith("Fiche action 2 – "))
    section = texts[start + 1 : start + 12]
    assert any(text.startswith("Objectif : Garantir à tous les habitants") for text in section)
    assert any(
        text.startswith("Résultat attendu : Un territoire plus inclusif") for text in section
    )
    assert "Territoire concerné : Tout le territoire de la CTG" in section
    updated = next(row for row in read_plan(paa).rows if row.latest)
    start = texts.index(f"{updated.level} – {updated.title}")
    latest = updated.latest
    assert (
        f"Dernier point de suivi : {latest.status_label}, {latest.progress}\u00a0% "
        f"({latest.period_label}, saisi le {french_date(updated.latest_date)})"
    ) in texts[start + 1 : start + 6]
    assert f"Ce qui a été fait : {latest.done}" in texts[start + 1 : start + 8]


def test_internal_notes_go_to_the_caf_and_the_coordinator_only(client, paa, demo_user):
    Convention.objects.filter(pk=paa.pk).update(internal_notes=NOTES)

    for username in ("cooperation.paa", "caf04"):
        text = "\n".join(p.text for p in download(client, demo_user(username), PAA).paragraphs)
        assert NOTES in text, username
    for username in ("referent.digne", "lecteur.paa"):
        text = "\n".join(p.text for p in download(client, demo_user(username), PAA).paragraphs)
        assert NOTES not in text, username
        assert "Notes internes" not in text, username


def test_a_ctg_without_plan_signatories_or_epci_still_gives_a_document(demo):
    convention = demo[TARN_AGOUT]
    convention.plan_nodes.all().delete()
    Signatory.objects.filter(convention=convention).delete()
    convention.epci = None

    document = Document(io.BytesIO(plan_document(convention)))

    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "Le plan d’actions de cette CTG est vide." in texts
    assert not document.tables
    assert not any(text.startswith("EPCI") for text in texts)


def test_dates_are_written_the_french_way():
    assert french_date(datetime.date(2026, 1, 1)) == "1ᵉʳ janvier 2026"
    assert french_date(datetime.date(2030, 12, 31)) == "31 décembre 2030"
    assert french_date(datetime.date(2026, 8, 11)) == "11 août 2026"
    assert french_date(None) == ""
