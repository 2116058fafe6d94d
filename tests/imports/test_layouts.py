"""Layouts the unseen set (tests/data/plans/unseen) taught the importer, one test each: compound
numbers "1.a" and "A-1", headings all of one level, Word text boxes, OpenDocument text, a row of
a spreadsheet printed to PDF, titles cut after an article."""

import io

import pytest

from pilote.imports.exceptions import DocumentError
from pilote.imports.extract import read_document
from pilote.imports.proposal import propose_plan

from .builders import odt_bytes, pdf_bytes, walk


def tree(data: bytes, filename: str) -> list[tuple[str, str, str]]:
    """Return (parent number, number, title) of each proposed element, in order."""
    rows = []

    def visit(nodes, parent=""):
        for node in nodes:
            rows.append((parent, node["number"], node["title"]))
            visit(node.get("children", []), node["number"])

    visit(propose_plan(data, filename).to_dict()["plan"])
    return rows


def test_objectives_numbered_with_a_letter_sit_under_their_axe():
    text = (
        "1. PETITE ENFANCE\n1.a Créer un relais petite enfance\n1.b Ouvrir un LAEP\n"
        "2. JEUNESSE\n2.a Ouvrir un point information jeunesse\n"
    )
    assert tree(text.encode(), "plan.txt") == [
        ("", "1", "PETITE ENFANCE"),
        ("1", "1.a", "Créer un relais petite enfance"),
        ("1", "1.b", "Ouvrir un LAEP"),
        ("", "2", "JEUNESSE"),
        ("2", "2.a", "Ouvrir un point information jeunesse"),
    ]


def test_fiches_numbered_after_the_letter_of_their_part_sit_under_it():
    text = (
        "A. PETITE ENFANCE\nA-1 Créer un relais petite enfance\nA-2 Ouvrir un LAEP\n"
        "B. JEUNESSE\nB-1 Ouvrir un point information jeunesse\n"
    )
    assert tree(text.encode(), "plan.txt") == [
        ("", "A", "PETITE ENFANCE"),
        ("A", "A-1", "Créer un relais petite enfance"),
        ("A", "A-2", "Ouvrir un LAEP"),
        ("", "B", "JEUNESSE"),
        ("B", "B-1", "Ouvrir un point information jeunesse"),
    ]


def test_a_letter_and_a_figure_in_prose_are_not_a_number():
    text = "Axe 1 : Petite enfance\nA-1 ans les enfants sont accueillis au relais\n"
    assert tree(text.encode(), "plan.txt") == [("", "1", "Petite enfance")]


def test_markdown_headings_of_one_level_nest_by_their_numbers():
    text = (
        "### Axe 1 – Petite enfance\n### 1.1 Adapter l'offre\n### 1.1.1 Créer un RPE\n"
        "### 1.2 Informer les familles\n### Axe 2 – Jeunesse\n### 2.1 Ouvrir un PIJ\n"
    )
    assert tree(text.encode(), "plan.md") == [
        ("", "1", "Petite enfance"),
        ("1", "1.1", "Adapter l'offre"),
        ("1.1", "1.1.1", "Créer un RPE"),
        ("1", "1.2", "Informer les familles"),
        ("", "2", "Jeunesse"),
        ("2", "2.1", "Ouvrir un PIJ"),
    ]


def test_a_heading_numbered_under_another_part_does_not_stay_in_the_open_one():
    text = "### Axe 1 – Petite enfance\n### 1.1 Adapter l'offre\n### 2.1 Ouvrir un PIJ\n"
    rows = tree(text.encode(), "plan.md")
    assert ("1", "2.1", "Ouvrir un PIJ") not in rows
    assert ("1", "1.1", "Adapter l'offre") in rows


def test_a_fiche_in_a_word_text_box_is_read_once_apart_from_its_anchor():
    from docx import Document
    from docx.oxml import parse_xml

    box = (
        '<w:txbxContent xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Fiche action n°1 : Créer un RPE</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Pilote : Caf</w:t></w:r></w:p></w:txbxContent>"
    )
    run = (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><w:txbx>{box}</w:txbx></w:drawing></mc:Choice>'
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )
    document = Document()
    document.add_paragraph("Axe 1 : Petite enfance", style="Heading 1")
    anchor = document.add_paragraph("Voir l'encadré.")
    anchor._p.append(parse_xml(run))
    buffer = io.BytesIO()
    document.save(buffer)
    blocks = [b.text for b in read_document(buffer.getvalue(), "plan.docx").blocks if b.text]
    assert blocks == [
        "Axe 1 : Petite enfance",
        "Voir l'encadré.",
        "Fiche action n°1 : Créer un RPE",
        "Pilote : Caf",
    ]
    plan = propose_plan(buffer.getvalue(), "plan.docx").to_dict()["plan"]
    assert [(n["number"], n["title"]) for n in walk(plan)] == [
        ("1", "Petite enfance"),
        ("1", "Créer un RPE"),
    ]
    assert plan[0]["children"][0]["pilots"] == ["Caf"]


def test_an_opendocument_text_is_read_with_headings_lists_and_tables():
    data = odt_bytes(
        ("h1", "Axe 1 : Petite enfance"),
        ("h2", "Objectif 1.1 : Adapter l'offre"),
        ("bold", "1.1.1. Créer un RPE"),
        ("item", "Un accueil itinérant"),
        [["N°", "Action"], ["1.1.2", "Ouvrir un LAEP"]],
    )
    document = read_document(data, "plan.odt")
    assert document.format == "odt"
    first, second, third, item = document.blocks[:4]
    assert (first.heading, second.heading, third.heading) == (1, 2, 0)
    assert third.bold
    assert not first.bold
    assert item.bullet
    (row,) = [b for b in document.blocks if b.is_row][1:]
    assert [[span.text for span in cell] for cell in row.cells] == [["1.1.2"], ["Ouvrir un LAEP"]]
    rows = tree(data, "plan.odt")
    assert rows[:3] == [
        ("", "1", "Petite enfance"),
        ("1", "1.1", "Adapter l'offre"),
        ("1.1", "1.1.1", "Créer un RPE"),
    ]


def test_a_damaged_opendocument_text_is_refused_in_french():
    data = odt_bytes("Axe 1 : Petite enfance").replace(b"content.xml", b"contenu.xml")
    with pytest.raises(DocumentError, match="OpenDocument est endommagé"):
        read_document(data, "plan.odt")


def test_a_spreadsheet_row_printed_to_pdf_puts_its_axe_cell_before_its_fiche():
    lines = [
        "N°", "Axe", "Fiche action", "Pilote",
        "1.1", "Axe 1 - Petite enfance", "Créer un relais petite enfance", "Caf",
        "1.2", "Axe 1 - Petite enfance", "Ouvrir un lieu d'accueil enfants-parents", "Commune",
        "2.1", "Axe 2 - Jeunesse", "Ouvrir un point information jeunesse", "Commune",
    ]  # fmt: skip
    assert tree(pdf_bytes(lines), "plan.pdf") == [
        ("", "1", "Petite enfance"),
        ("1", "1.1", "Créer un relais petite enfance"),
        ("1", "1.2", "Ouvrir un lieu d'accueil enfants-parents"),
        ("", "2", "Jeunesse"),
        ("2", "2.1", "Ouvrir un point information jeunesse"),
    ]


def test_a_pdf_number_alone_before_another_element_is_not_given_its_title():
    lines = ["Axe 1 - Petite enfance", "2.1", "Axe 3 - Jeunesse", "Ouvrir un PIJ"]
    numbers = [number for _, number, _ in tree(pdf_bytes(lines), "plan.pdf")]
    assert "2.1" not in numbers


def test_a_pdf_title_cut_after_an_article_goes_on_on_the_next_line():
    lines = [
        "Axe 1 - Petite enfance",
        "1.1 Renforcer la parentalité en lien avec le",
        "Département",
    ]
    assert tree(pdf_bytes(lines), "plan.pdf")[1] == (
        "1",
        "1.1",
        "Renforcer la parentalité en lien avec le Département",
    )


def test_the_column_titles_of_a_pdf_table_name_the_levels_of_its_rows():
    lines = [
        "N°", "Axe", "Fiche action", "Pilote", "Calendrier",
        "1.1", "Axe 1 - Petite enfance", "Créer un relais petite enfance", "Caf", "2026",
        "1.2", "Axe 1 - Petite enfance", "Ouvrir un lieu d'accueil enfants-parents", "Commune",
    ]  # fmt: skip
    proposal = propose_plan(pdf_bytes(lines), "plan.pdf").to_dict()
    assert proposal["convention"]["level_names"] == ["Axe", "Fiche action"]
    assert [n["kind"] for n in walk(proposal["plan"])] == ["Axe", "Fiche action", "Fiche action"]


def test_one_level_name_among_column_titles_names_no_level():
    lines = ["Axe 1 - Petite enfance", "1.1 Créer un relais", "Fiche action", "Pilote", "Caf"]
    proposal = propose_plan(pdf_bytes(lines), "plan.pdf").to_dict()
    assert proposal["convention"]["level_names"] == ["Axe", "Niveau 2"]
    assert [n["number"] for n in walk(proposal["plan"])] == ["1", "1.1"]
