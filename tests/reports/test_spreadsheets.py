"""The plan and the follow-up table of the demo CTGs downloaded as XLSX, ODS and CSV, read back."""

import csv
import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from odfdo import Document
from openpyxl import load_workbook

from pilote.core.table_writers import TableExport, clean_text, to_csv, to_ods, to_xlsx
from pilote.monitoring.followup import NO_UPDATE_LABEL
from pilote.monitoring.models import ActionUpdate
from pilote.plans.models import PlanNode
from pilote.reports.plan_rows import read_plan
from pilote.reports.spreadsheets import PLAN_COLUMNS, plan_table

from .conftest import PAA, SALONAIS

pytestmark = pytest.mark.django_db

PLAN_HEADERS = [header for header, _, _ in PLAN_COLUMNS]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"


def download(client, user, name, slug):
    client.force_login(user)
    response = client.get(reverse(f"reports:{name}", kwargs={"slug": slug}))
    assert response.status_code == 200
    return response


def read_xlsx(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    # openpyxl reads a date cell as a datetime at midnight.
    return [
        [value.date() if isinstance(value, datetime) else value for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def read_ods(content: bytes) -> list[list]:
    table = Document(io.BytesIO(content)).body.get_table(0)
    return [list(row) for row in table.get_values()]


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


READERS = {"xlsx": read_xlsx, "ods": read_ods, "csv": read_csv}


def column(rows, header):
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


@pytest.mark.parametrize("extension", ["xlsx", "ods", "csv"])
def test_the_plan_has_a_row_per_element_with_its_path_number_title_and_latest_status(
    client, paa, demo_user, extension
):
    response = download(client, demo_user("lecteur.paa"), f"plan_{extension}", PAA)
    rows = READERS[extension](response.content)

    assert rows[0] == PLAN_HEADERS
    expected = read_plan(paa).rows
    assert len(rows) == 1 + len(expected) == 73
    paths = column(rows, "Chemin dans le plan")
    numbers = [value or "" for value in column(rows, "Numéro")]
    titles = column(rows, "Intitulé")
    assert paths == [row.level_path for row in expected]
    assert numbers == [row.number for row in expected]
    assert titles == [row.title for row in expected]
    # Every action with an update shows its latest status; the others say they have none.
    statuses = dict(zip(paths, column(rows, "Dernier statut"), strict=True))
    for row in expected:
        if row.latest:
            assert statuses[row.level_path] == row.latest.status_label
        elif row.tracked:
            assert statuses[row.level_path] == NO_UPDATE_LABEL
    assert sum(1 for row in expected if row.latest) == 52


def test_the_plan_workbook_has_a_frozen_header_sized_columns_and_typed_cells(
    client, paa, demo_user
):
    response = download(client, demo_user("cooperation.paa"), "plan_xlsx", PAA)

    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == (
        f'attachment; filename="{PAA}-plan-{timezone.localdate().isoformat()}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width == 60  # Intitulé
    assert sheet["A1"].font.bold
    rows = read_xlsx(response.content)
    assert all(isinstance(value, int) for value in column(rows, "Avancement (%)") if value)
    assert any(isinstance(value, date) for value in column(rows, "Date du dernier point"))
    fiche = next(row for row in rows if row[0] == "Fiche action 2")
    assert fiche[rows[0].index("Objectif")].startswith("Garantir à tous les habitants")


def test_the_plan_ods_has_the_same_content_as_the_workbook(client, paa, demo_user):
    user = demo_user("caf04")
    xlsx = read_xlsx(download(client, user, "plan_xlsx", PAA).content)
    response = download(client, user, "plan_ods", PAA)

    assert response["Content-Type"] == ODS_TYPE
    assert response["Content-Disposition"].endswith(
        f'-plan-{timezone.localdate().isoformat()}.ods"'
    )
    ods = read_ods(response.content)
    assert [[value if value != "" else None for value in row] for row in ods] == xlsx


def test_the_plan_csv_is_french_excel_friendly(client, paa, demo_user):
    response = download(client, demo_user("referent.digne"), "plan_csv", PAA)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"\r\n" in response.content
    rows = read_csv(response.content)
    dates = [value for value in column(rows, "Date du dernier point") if value]
    assert dates
    assert all(len(value) == 10 and value[2] == "/" for value in dates)


@pytest.mark.parametrize("extension", ["xlsx", "ods", "csv"])
def test_the_follow_up_table_has_a_row_per_tracked_action(client, paa, demo_user, extension):
    response = download(client, demo_user("conseiller.caf"), f"suivi_{extension}", PAA)
    rows = READERS[extension](response.content)

    assert rows[0][:3] == ["Numéro", "Niveaux supérieurs", "Action"]
    tracked = PlanNode.objects.filter(convention=paa, level__tracked=True)
    assert sorted(column(rows, "Action")) == sorted(tracked.values_list("title", flat=True))
    updated = ActionUpdate.objects.filter(convention=paa).values("node").distinct().count()
    statuses = column(rows, "Dernier statut")
    assert len([status for status in statuses if status != NO_UPDATE_LABEL]) == updated
    assert response["Content-Disposition"].endswith(
        f'"{PAA}-suivi-{timezone.localdate().isoformat()}.{extension}"'
    )


def test_text_that_looks_like_a_formula_stays_text(demo):
    node = PlanNode.objects.get(pk=read_plan(demo[SALONAIS]).rows[0].pk)
    node.title = '=HYPERLINK("http://example.org") – accueil'
    node.description = "- première ligne\x0bseconde ligne\x01"
    node.save()
    table = plan_table(demo[SALONAIS])

    # One guard for every writer (pilote.core.formulas): the apostrophe in XLSX and ODS too.
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet["D2"].data_type == "s"
    assert sheet["D2"].value == "'" + node.title
    assert sheet["F2"].value == "'- première ligne\nseconde ligne"
    ods = read_ods(to_ods(table))
    assert ods[1][3] == "'" + node.title
    assert ods[1][5] == "'- première ligne\nseconde ligne"
    rows = read_csv(to_csv(table))
    assert rows[1][3] == "'" + node.title
    assert rows[1][5] == "'- première ligne\nseconde ligne"


def test_an_empty_plan_gives_a_header_row_only():
    table = TableExport(title="Vide", sheet="Plan", columns=PLAN_COLUMNS, rows=[])

    assert read_xlsx(to_xlsx(table)) == [PLAN_HEADERS]
    assert read_ods(to_ods(table)) == [PLAN_HEADERS]
    assert read_csv(to_csv(table)) == [PLAN_HEADERS]


def test_clean_text_drops_what_xml_cannot_hold():
    assert clean_text("a\x0bb\x0cc\x00d\ufffe") == "a\nb\ncd"
    assert clean_text("tab\tet\r\nligne") == "tab\tet\r\nligne"
