"""Hostile uploads (issue 13): zip bombs, lying zips, far cells are refused in French, at once.

The files are generated small (tests/hostile_files.py); what they would cost without the guards
(39 s and 3 GB for the DOCX bomb, a crash of the process for the far cell) and what they cost
now is measured by bench/hostile_uploads.py, not here.
"""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.conventions.models import Convention
from pilote.core.models import PendingImport
from pilote.core.tabular import TabularError, read_table
from pilote.facilities.models import Facility
from pilote.imports.exceptions import DocumentError
from pilote.imports.extract import read_document
from pilote.plans.models import PlanNode
from tests import hostile_files
from tests.factories import ConventionFactory, user_with_role

BOMB_MESSAGE = "une fois décompressé, au plus 100\u00a0Mo sont acceptés"


@pytest.fixture(scope="module")
def docx_bomb():
    return hostile_files.docx_bomb()


def test_the_docx_bomb_is_small_and_refused_from_its_directory(docx_bomb):
    assert len(docx_bomb) < 300_000
    with pytest.raises(
        DocumentError, match="Le document Word pèserait 15\\d(,\\d)?\u00a0Mo " + BOMB_MESSAGE
    ):
        read_document(docx_bomb, "plan.docx")


def test_a_docx_of_empty_paragraphs_is_refused_before_python_docx_parses_it():
    with pytest.raises(
        DocumentError, match="anormalement long ou complexe \\(60\u202f001 paragraphes"
    ):
        read_document(hostile_files.docx_empty_paragraphs(), "plan.docx")


def test_a_docx_of_a_few_thousand_paragraphs_is_still_read():
    document = read_document(hostile_files.docx_empty_paragraphs(5_000), "plan.docx")
    assert document.blocks[0].text == "Axe 1 : Petite enfance"


def test_a_member_that_inflates_beyond_its_declared_size_is_refused():
    with pytest.raises(DocumentError, match="ne correspond pas à ce qu'il annonce"):
        read_document(hostile_files.docx_lying(), "plan.docx")


def test_a_zip_of_thousands_of_members_is_refused():
    with pytest.raises(DocumentError, match="contient 5001 fichiers internes, au plus 2000"):
        read_document(hostile_files.zip_of_many_members(), "plan.docx")


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        # python-calamine would ask for 500 GB and abort the whole process.
        (hostile_files.xlsx_far_cell, "plan.xlsx", "plus de 50\u202f000 lignes"),
        (hostile_files.xlsx_bomb, "plan.xlsx", "Le classeur pèserait"),
        (hostile_files.ods_repeated, "plan.ods", "plus de 50\u202f000 lignes"),
    ],
    ids=["xlsx-far-cell", "xlsx-bomb", "ods-repeated-cells"],
)
def test_hostile_workbooks_are_refused_before_python_calamine_reads_them(make, name, message):
    with pytest.raises(TabularError, match=message):
        read_table(make(), name)


def test_a_wide_sheet_is_refused_by_its_number_of_cells():
    row = "".join(
        f'<c r="{column}1" t="inlineStr"><is><t>x</t></is></c>' for column in ("A", "XFD")
    )
    rows = "".join(
        f'<row r="{number}"><c r="XFD{number}" t="inlineStr"><is><t>x</t></is></c></row>'
        for number in range(2, 200)
    )
    with pytest.raises(TabularError, match="s'étend sur 199 lignes et 16\u202f384 colonnes"):
        read_table(hostile_files.xlsx_sheet(f'<row r="1">{row}</row>{rows}'), "registre.xlsx")


# --------------------------------------------------------------------------- the web pages


@pytest.mark.django_db
def test_the_plan_import_page_answers_the_bomb_in_french_and_writes_nothing(client, docx_bomb):
    ctg = ConventionFactory()
    client.force_login(user_with_role(Role.COORDINATOR, convention=ctg))
    before = Convention.objects.count(), PlanNode.objects.count()

    response = client.post(
        reverse("imports:upload", kwargs={"slug": ctg.slug}),
        {"file": SimpleUploadedFile("plan.docx", docx_bomb)},
    )

    assert response.status_code == 200
    assert BOMB_MESSAGE in html.unescape(response.content.decode())
    assert (Convention.objects.count(), PlanNode.objects.count()) == before
    assert not PendingImport.objects.exists()


@pytest.mark.django_db
def test_the_register_import_page_refuses_the_far_cell_and_writes_nothing(client):
    ctg = ConventionFactory()
    client.force_login(user_with_role(Role.COORDINATOR, convention=ctg))

    response = client.post(
        reverse("facilities:register_import", kwargs={"slug": ctg.slug}),
        {"file": SimpleUploadedFile("registre.xlsx", hostile_files.xlsx_far_cell())},
    )

    assert response.status_code == 200
    assert "plus de 50\u202f000 lignes" in html.unescape(response.content.decode())
    assert not Facility.objects.filter(convention=ctg).exists()
    assert not PendingImport.objects.exists()
