"""Reading documents: every format by its content, and a French message for what cannot be read."""

import io
import zipfile

import pytest

from pilote.imports.exceptions import DocumentError
from pilote.imports.extract import read_document

from .builders import docx_bytes, encrypted_pdf, image_only_pdf, pdf_bytes, pdf_pages


def texts(document) -> list[str]:
    return [block.text for block in document.blocks if block.text]


# ------------------------------------------------------------------ formats


def test_a_word_document_gives_its_paragraphs_headings_bold_and_table_rows():
    data = docx_bytes(
        ("Heading 1", "Axe 1 : Petite enfance"),
        ("bold", "Fiche action 1 — Coordination"),
        "Objectif : clarifier les rôles.",
        [["N°", "Action", "Échéance"], ["1.1", "Actualiser le projet social", "2026"]],
    )
    document = read_document(data, "plan.docx")

    assert document.format == "docx"
    heading, fiche, objective = document.blocks[:3]
    assert (heading.text, heading.heading) == ("Axe 1 : Petite enfance", 1)
    assert fiche.bold
    assert not objective.bold
    rows = [block for block in document.blocks if block.is_row]
    assert [[span.text for span in cell] for cell in rows[1].cells] == [
        ["1.1"],
        ["Actualiser le projet social"],
        ["2026"],
    ]
    assert rows[0].table == rows[1].table == 1


def test_word_automatic_numbering_is_written_in_front_of_the_paragraphs():
    data = docx_bytes(
        ("List Number", "Créer une micro-crèche"),
        ("List Number", "Ouvrir un relais petite enfance"),
        ("List Bullet", "Avec la PMI"),
    )
    document = read_document(data, "plan.docx")

    assert texts(document) == [
        "1. Créer une micro-crèche",
        "2. Ouvrir un relais petite enfance",
        "Avec la PMI",
    ]
    assert document.blocks[2].bullet


def test_a_pdf_with_a_text_layer_gives_its_lines_without_page_numbers():
    data = pdf_bytes(["Fiche action 1 — Coordination", "1.1 Actualiser le projet social", "3"])
    document = read_document(data, "plan.pdf")

    assert document.format == "pdf"
    assert document.pages == 1
    assert texts(document) == ["Fiche action 1 — Coordination", "1.1 Actualiser le projet social"]


def test_headers_repeated_on_every_pdf_page_are_dropped():
    themes = ["Coordination", "Accès aux droits", "Parentalité", "Logement"]
    pages = [
        [f"Fiche action {n} — {theme}", "Objectif :", f"Agir pour : {theme.lower()}."]
        for n, theme in enumerate(themes, 1)
    ]
    header, footer = "CTG Provence-Alpes-Agglomération", "Page {page} / 4"
    data = pdf_pages([[header, *body, footer] for body in pages])
    document = read_document(data, "plan.pdf")

    assert texts(document) == [line for body in pages for line in body]


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("1. Accès aux droits\n".encode("cp1252"), "Windows-1252"),
        (b"\xef\xbb\xbf" + "1. Accès aux droits\n".encode(), "UTF-8 (avec BOM)"),
        ("1. Accès aux droits\n".encode(), "UTF-8"),
        ("1. Accès aux droits\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_text_files_in_every_usual_encoding(raw, encoding):
    document = read_document(raw, "plan.txt")

    assert document.encoding == encoding
    assert texts(document) == ["1. Accès aux droits"]


def test_tab_separated_lines_are_table_rows_and_html_fragments_become_paragraphs():
    line = "<b>PETITE ENFANCE</b>\t<p>1- Créer un EAJE</p> <p>2- Rénover la crèche</p>\t2026"
    document = read_document(line.encode(), "plan.txt")

    (row,) = document.blocks
    group, actions, year = row.cells
    assert group[0].text == "PETITE ENFANCE"
    assert group[0].bold
    assert [span.text for span in actions] == ["1- Créer un EAJE", "2- Rénover la crèche"]
    assert year[0].text == "2026"


def test_markdown_headings_and_bold_are_read():
    document = read_document("## Axe 2\n\n4. Garantir la **continuité éducative**\n".encode())

    assert (document.blocks[0].text, document.blocks[0].heading) == ("Axe 2", 2)
    assert texts(document)[1] == "4. Garantir la continuité éducative"


def test_the_format_comes_from_the_content_and_a_wrong_extension_is_noted():
    document = read_document(docx_bytes("1. Créer un relais"), "plan.pdf")

    assert document.format == "docx"
    assert "ne correspond pas à son contenu" in document.notes[0]


# ------------------------------------------------------------------ refusals


def refusal(data: bytes, filename: str = "plan.docx") -> str:
    with pytest.raises(DocumentError) as error:
        read_document(data, filename)
    return error.value.message


def test_an_empty_file_is_refused():
    assert refusal(b"") == "Le fichier est vide."
    assert refusal(b"  \n\n ") == "Le fichier est vide."


def test_a_truncated_word_document_is_refused():
    data = docx_bytes("1. Créer un relais petite enfance")
    assert "endommagée ou tronquée" in refusal(data[: len(data) // 2])


def test_a_word_document_with_a_corrupted_member_is_refused():
    data = bytearray(docx_bytes("1. Créer un relais petite enfance"))
    position = bytes(data).find(b"word/document.xml") + 60
    data[position : position + 40] = b"\x00" * 40
    assert "endommagé" in refusal(bytes(data))


def test_a_truncated_pdf_is_refused():
    data = pdf_bytes(["Fiche action 1 — Coordination"])
    assert "tronqué" in refusal(data[: len(data) // 2], "plan.pdf")


def test_a_password_protected_pdf_is_refused():
    data = encrypted_pdf(pdf_bytes(["Fiche action 1 — Coordination"]))
    assert "protégé par un mot de passe" in refusal(data, "plan.pdf")


def test_a_pdf_protected_only_against_editing_is_read():
    data = encrypted_pdf(pdf_bytes(["Fiche action 1 — Coordination"]), user_password="")
    assert texts(read_document(data, "plan.pdf")) == ["Fiche action 1 — Coordination"]


def test_a_pdf_whose_body_is_garbage_is_refused_as_damaged():
    data = b"%PDF-1.7\n" + b"\x13\x37 not an object " * 200 + b"\n%%EOF\n"
    assert "endommagé" in refusal(data, "plan.pdf")


def test_a_pdf_over_the_page_limit_is_refused_before_its_text_is_read(monkeypatch):
    monkeypatch.setattr("pilote.imports.pdf_reader.MAX_PDF_PAGES", 2)
    data = pdf_pages([["Fiche action 1 — Coordination"]] * 3)
    assert "Le PDF compte 3 pages" in refusal(data, "plan.pdf")


def test_the_cells_of_a_drawn_table_are_read_apart_in_a_pdf():
    from reportlab.platypus import SimpleDocTemplate, Table

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build(
        [
            Table(
                [["1.1 Créer un relais petite enfance", "Caf", "2026"]] * 3, colWidths=[250, 80, 60]
            )
        ]
    )
    lines = texts(read_document(buffer.getvalue(), "plan.pdf"))
    assert lines[:3] == ["1.1 Créer un relais petite enfance", "Caf", "2026"]


def test_an_image_only_pdf_is_refused_as_a_scan():
    assert "ce PDF ne contient pas de texte" in refusal(image_only_pdf(), "plan.pdf").replace(
        "Ce PDF", "ce PDF"
    )


def test_a_password_protected_word_document_is_refused():
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le")
    )
    assert "protégé par un mot de passe" in refusal(ole)


def test_an_old_word_97_document_is_refused_with_what_to_do():
    assert "enregistrez-le au format .docx" in refusal(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "une image PNG"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 40, "une image JPEG"),
        (b"{\\rtf1\\ansi plan}", "format RTF"),
        (b"\x01\x02\x03\x00\x04" * 50, "données binaires"),
    ],
)
def test_files_that_are_not_documents_are_refused(data, expected):
    assert expected in refusal(data, "plan.pdf")


def test_a_spreadsheet_is_refused_as_not_a_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "classeur" in refusal(buffer.getvalue())


def test_a_file_over_the_size_limit_is_refused_before_reading(settings):
    settings.IMPORT_MAX_BYTES = 1_000_000
    message = refusal(b"1. Axe\n" * 200_000, "plan.txt")
    assert message.startswith(
        "Le fichier est trop volumineux (1,4\u00a0Mo) : la limite est de 1\u00a0Mo."
    )


def test_a_50_megabyte_file_is_refused_with_the_default_limit():
    assert "trop volumineux (50\u00a0Mo)" in refusal(b"a" * 50_000_000, "plan.txt")
