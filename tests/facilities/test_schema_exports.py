"""The schéma of Provence-Alpes-Agglomération (seed 003) exported for the CDSF: XLSX read back with
openpyxl, PDF text read back with pypdf."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from pilote.accounts.enums import Role
from pilote.facilities.models import Schema
from pilote.facilities.petite_enfance.exports import pdf_text, winansi
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, paa):
    client.force_login(user_with_role(Role.READER, convention=paa))
    return client


def _export(client, convention, name: str, schema: Schema):
    return client.get(
        reverse(f"facilities:{name}", kwargs={"slug": convention.slug, "pk": schema.pk})
    )


def test_the_xlsx_holds_the_table_of_seed_003(reader, paa):
    schema = Schema.objects.get(convention=paa, commune=None)
    response = _export(reader, paa, "schema_export_xlsx", schema)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        'filename="schema-ca-provence-alpes-agglomeration-2026-2030.xlsx"'
        in (response["Content-Disposition"])
    )
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook["Schéma"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0].startswith("Schéma pluriannuel de maintien et de développement")
    assert rows[1][0] == "Autorité organisatrice : CA Provence-Alpes-Agglomération"
    assert rows[2][0] == f"{paa.name} – période 2026–2030"
    assert rows[4][0] == f"Généré par Pilote CTG le {datetime.date.today():%d/%m/%Y}"
    header = rows[6]
    assert header[:10] == [
        "Mode d'accueil ou dispositif",
        "Précision",
        "Nombre de structures",
        "Unité",
        "Places ou ETP actuels",
        "2026",
        "2027",
        "2028",
        "2029",
        "2030",
    ]
    eaje, micro, mam, childminders, rpe, bridges = rows[7:13]
    assert eaje[:10] == ["EAJE PSU", None, 8, "places", 189, 189, 200, 200, 200, 200]
    assert eaje[10] == "3 ETP vacants\n2 ETP à créer"
    assert "crèche Premiers Pas" in eaje[12]
    assert eaje[14].startswith("Ingénierie PAA.")
    assert micro[:6] == ["Micro-crèche PAJE", None, 2, "places", 20, 20]
    assert mam[4] == 8
    assert childminders[2:5] == [54, "places", 225]
    assert rpe[3:10] == ["ETP", 1.7, 1.7, 1.7, 1.7, 1.7, 1.7]
    assert bridges[:3] == ["Dispositifs passerelles", "3 sur Digne, 1 sur Malijai", 4]

    checks = [list(row) for row in workbook["Contenus D. 214-10-1"].iter_rows(values_only=True)]
    assert checks[1][0] == (
        "6 contenu(s) sur 11 traité(s) : la CTG ne peut pas encore tenir lieu de schéma "
        "pluriannuel."
    )
    assert checks[4] == [
        "État des lieux de l'offre d'accueil existante",
        "Oui",
        "Annexe 2 et tableau du schéma",
    ]
    assert ["Zones où l'offre est insuffisante", "Non", None] in checks


def test_formulas_typed_in_a_text_stay_text(reader, paa):
    schema = Schema.objects.get(convention=paa, commune_id="04149")
    line = schema.lines.first()
    line.jobs_needs = '=HYPERLINK("http://example.org")'
    line.save()
    workbook = load_workbook(BytesIO(_export(reader, paa, "schema_export_xlsx", schema).content))
    cell = workbook["Schéma"]["K8"]
    assert cell.value == "'" + '=HYPERLINK("http://example.org")'
    assert cell.data_type == "s"


def test_the_pdf_holds_the_title_the_table_and_the_checklist(reader, paa):
    schema = Schema.objects.get(convention=paa, commune_id="04049")
    response = _export(reader, paa, "schema_export_pdf", schema)
    assert response["Content-Type"] == "application/pdf"
    assert "schema-chateau-arnoux-saint-auban-2026-2030.pdf" in response["Content-Disposition"]
    pdf = PdfReader(BytesIO(response.content))
    page = pdf.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    # Wrapped cells come out line by line: compare with single spaces.
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Schéma pluriannuel de maintien et de développement" in text
    assert "Autorité organisatrice : Château-Arnoux-Saint-Auban" in text
    assert "période de la CTG : 2026–2030" in text
    assert "RPE ETP 0,15 0,15 0,15 0,15 0,15 0,15" in text
    assert "Faire face au référentiel bâtimentaire des EAJE." in text
    assert "« La Passerelle »" in text
    assert "Animateur·trice d'éveil" in text
    assert "Non évaluable à ce jour." in text
    assert "Contenus attendus du schéma (article D. 214-10-1 du CASF)" in text
    assert "0 contenu(s) sur 11 traité(s)" in text
    assert f"Généré par Pilote CTG le {datetime.date.today():%d/%m/%Y}" in text
    assert pdf.metadata.title == "Schéma pluriannuel – Château-Arnoux-Saint-Auban"


def test_the_pdf_prints_french_and_replaces_what_helvetica_lacks():
    assert winansi("œuvre « é è à ç » ’ €") == "œuvre « é è à ç » ’ €"
    assert winansi("≥ 4\u202f% − 1") == ">= 4\u00a0% - 1"
    assert winansi("日") == "?"
    assert pdf_text("A & B <br>\nC") == "A &amp; B &lt;br&gt;<br/>C"
