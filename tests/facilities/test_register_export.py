"""Exporting the facilities register (CSV, XLSX) and its import template; both read back as is."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.facilities.enums import CapacityUnit, FacilityKind, FundingMode
from pilote.facilities.models import Facility
from pilote.facilities.register.exports import register_csv, register_xlsx, template_xlsx
from pilote.facilities.register.imports import import_register_file
from pilote.facilities.register.services import FacilityData, update_facility
from pilote.plans.models import PlanNode
from tests.facilities.demo import PAA, import_demo
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

HEADERS = [
    "Gestionnaire",
    "Nom",
    "Type",
    "Sous-type",
    "Code commune (INSEE)",
    "Commune",
    "Capacité",
    "Unité",
    "Âge min",
    "Âge max",
    "Financement",
    "Statut",
    "Année d'ouverture",
    "Bonus 2026",
    "Bonus 2027",
    "Bonus 2028",
    "Bonus 2029",
    "Bonus 2030",
    "Actions",
    "Observations",
]


@pytest.fixture
def paa(paa):
    """Seed 003's CTG with its annexe 2, and what the Caf knows of one crèche and one RPE."""
    nodes = {n.number: n for n in PlanNode.objects.filter(convention=paa, number__contains=".")}
    crèche = Facility.objects.get(convention=paa, name="Les Premiers Pas")
    data = FacilityData.from_facility(crèche)
    data.capacity, data.age_min, data.age_max = Decimal(40), 0, 3
    data.funding, data.opening_year = FundingMode.PSU, 2012
    data.bonuses = {2026: Decimal("52000"), 2027: Decimal("53000.5")}
    data.actions = [nodes["3.1"], nodes["3.7"]]
    data.notes = "=Agrément PMI à renouveler\nContact : mairie; 2e étage"  # like a formula
    update_facility(crèche, data)
    rpe = Facility.objects.get(convention=paa, name="RPE Les Frimousses")
    data = FacilityData.from_facility(rpe)
    data.capacity, data.capacity_unit = Decimal("1.5"), CapacityUnit.FTE
    data.bonuses = {2030: Decimal(9000)}
    update_facility(rpe, data)
    return paa


def xlsx_rows(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.values)


def csv_lines(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_is_utf8_with_bom_semicolons_and_french_headers(paa):
    lines = csv_lines(register_csv(paa, Facility.objects.filter(convention=paa)))

    assert lines[0] == HEADERS
    assert len(lines) == 77
    row = dict(
        zip(HEADERS, next(line for line in lines if line[1] == "Les Premiers Pas"), strict=True)
    )
    assert row == {
        **row,
        "Gestionnaire": "CA PROVENCE-ALPES-AGGLOMERATION",
        "Type": "Établissement d'accueil du jeune enfant (EAJE)",
        "Sous-type": "Multi-accueil",
        "Code commune (INSEE)": "04070",
        "Commune": "Digne-les-Bains",
        "Capacité": "40",
        "Unité": "places",
        "Âge min": "0",
        "Âge max": "3",
        "Financement": "PSU (prestation de service unique)",
        "Statut": "Existant",
        "Année d'ouverture": "2012",
        "Bonus 2026": "52000",
        "Bonus 2027": "53000,5",
        "Bonus 2028": "",
        "Actions": "3.1, 3.7",
        "Observations": "'=Agrément PMI à renouveler\nContact : mairie; 2e étage",
    }
    rpe = dict(
        zip(HEADERS, next(line for line in lines if line[1] == "RPE Les Frimousses"), strict=True)
    )
    assert (rpe["Capacité"], rpe["Unité"], rpe["Bonus 2030"]) == ("1,5", "ETP", "9000")


def test_the_xlsx_has_a_styled_header_widths_and_numbers(paa):
    workbook = openpyxl.load_workbook(
        io.BytesIO(register_xlsx(paa, Facility.objects.filter(convention=paa)))
    )
    sheet = workbook.active

    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet["A1"].font.bold
    assert sheet["A1"].fill.fgColor.rgb.endswith("E3E3FD")
    assert sheet.column_dimensions["B"].width == 40
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 77
    row = next(
        r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "Les Premiers Pas"
    )
    assert row[4] == "04070"  # the INSEE code stays text
    assert (row[6], row[13], row[14]) == (40, 52000, 53000.5)
    notes = next(c for c in sheet["T"] if c.value and str(c.value).startswith("'="))
    assert notes.data_type == "s"  # text after the apostrophe of pilote.core.formulas


@pytest.mark.parametrize(
    ("export", "filename"),
    [(register_csv, "export.csv"), (register_xlsx, "export.xlsx")],
    ids=["csv", "xlsx"],
)
def test_an_export_imports_as_is_into_another_ctg_and_exports_the_same(paa, export, filename):
    content = export(paa, Facility.objects.filter(convention=paa))
    copy = import_demo(slug="copie-paa", without=("facilities",))  # an empty register

    report = import_register_file(copy, content, filename)

    assert (report.created, report.updated, report.unchanged) == (76, 0, 0)
    again = export(copy, Facility.objects.filter(convention=copy))
    if filename.endswith(".csv"):
        assert again == content
    else:
        assert xlsx_rows(again) == xlsx_rows(content)


def test_an_export_imported_back_into_its_ctg_changes_nothing(paa):
    content = register_csv(paa, Facility.objects.filter(convention=paa))

    report = import_register_file(paa, content, "export.csv")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 76)


def test_the_export_page_sends_the_filtered_register(client, paa):
    client.force_login(user_with_role(Role.READER, convention=paa))
    url = reverse("facilities:register_export", kwargs={"slug": paa.slug})

    response = client.get(url, {"format": "csv", "kind": FacilityKind.RPE})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="equipements-{PAA}.csv"'
    names = [line[1] for line in csv_lines(response.content)[1:]]
    assert names == ["RPE Les Frimousses", "RPE des Fruits de la Passion"]
    response = client.get(url, {"format": "xlsx", "commune": "04205"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Seyne"] * 6
    assert client.get(url, {"format": "pdf"}).status_code == 404


def test_the_template_lists_the_columns_choices_communes_and_actions_of_the_ctg(client, paa):
    client.force_login(user_with_role(Role.COORDINATOR, convention=paa))

    response = client.get(reverse("facilities:register_template", kwargs={"slug": paa.slug}))

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Équipements", "Listes", "Communes", "Actions", "Aide"]
    sheet = workbook["Équipements"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.max_row == 1
    lists = {str(rule.sqref).split(":")[0] for rule in sheet.data_validations.dataValidation}
    assert lists == {"C2", "H2", "K2", "L2"}  # type, unit, funding, status
    assert workbook["Communes"].max_row == 47
    references = [row[0] for row in workbook["Actions"].iter_rows(min_row=2, values_only=True)]
    assert {"3.1", "Fiche action 1"} <= set(references)


def test_a_filled_template_imports(paa):
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx(paa)))
    workbook["Équipements"].append(
        [
            "Commune de Thoard",
            "Les P'tits Loups",
            "Maison d'assistants maternels (MAM)",
            None,
            "04217",
            None,
            12,
            "places",
            0,
            3,
            None,
            "En projet",
            2027,
            None,
            1000,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = import_register_file(paa, buffer.getvalue(), "modele.xlsx")

    assert report.created == 1
    mam = Facility.objects.get(name="Les P'tits Loups")
    assert (mam.kind, mam.commune.name, mam.status) == (FacilityKind.MAM, "Thoard", "projet")
    assert mam.bonuses.get().year == 2027
