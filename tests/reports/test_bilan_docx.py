"""The Word document of a bilan (bilan_docx), read back with python-docx.

First on hand-made blocks (every kind of block, a long table, an empty one, accents, a chart),
then on the real outline of the demo CTGs' bilans.
"""

import datetime
import io
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from pilote.conventions.models import Convention
from pilote.governance.bilans.content import (
    NEVER_UPDATED,
    NEVER_UPDATED_LABEL,
    STATUS_LABELS,
    build_bilan,
)
from pilote.reports.bilans import charts as bilan_charts
from pilote.reports.bilans.blocks import (
    Block,
    Bullets,
    Chart,
    Cover,
    Heading,
    KeyFigures,
    PageBreak,
    Paragraph,
    Table,
)
from pilote.reports.bilans.docx_writer import TOC_NOTE, write_docx
from pilote.reports.bilans.outline.document import build_blocks

from .conftest import PAA, TARN_AGOUT

TITLE = "Bilan annuel 2026 – CTG de Digne-les-Bains « Été »"
STATUS_PNG_LABELS = {**STATUS_LABELS, NEVER_UPDATED: NEVER_UPDATED_LABEL}
LONG_ROWS = 150
TEXTS = {
    "summary": "Une année d’élan : la crèche « Les Pitchouns » a ouvert à Château-Arnoux.",
    "highlights": "Le relais petite enfance itinérant dessert désormais 12 communes.",
    "difficulties": "Le recrutement d’éducatrices de jeunes enfants reste difficile.",
    "outlook": "Évaluer le schéma d’accueil en 2027.",
}
NOW = datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC)


def sample_blocks() -> list[Block]:
    """Blocks of every kind: a cover, three heading levels, a long table with group rows, an
    empty table, key figures on two rows, a chart wider than the page, pasted control characters."""
    png = bilan_charts.status_bar(
        {"en_cours": 5, "realisee": 3, NEVER_UPDATED: 2}, STATUS_PNG_LABELS
    )
    long_rows = tuple(
        (f"Axe {number // 10 + 1}", f"Axe {number // 10 + 1} – Accueil du jeune enfant", "", "")
        if number % 10 == 0
        else (
            f"{number // 10 + 1}.{number % 10}",
            f"Créer {number} places d’accueil à Sainte-Tulle\nPilotes : Caf, Mairie",
            "En cours\nen retard" if number % 7 == 0 else "Réalisée",
            f"{number % 100}\u00a0%",
        )
        for number in range(LONG_ROWS)
    )
    return [
        Cover(
            "Bilan annuel 2026",
            ("CTG de Digne-les-Bains", "Convention 2026 – 2030 · 04 – Alpes-de-Haute-Provence"),
            "Document de travail – bilan non figé (état au 23 novembre 2026)",
        ),
        PageBreak(),
        Heading("Synthèse", 1),
        Paragraph("Une année d’élan : la crèche « Les Pitchouns » a ouvert.", "lead"),
        KeyFigures(
            (
                ("59", "actions suivies"),
                ("54\u00a0%", "avancement moyen"),
                ("2", "réalisées"),
                ("0", "en retard"),
                ("7", "sans point de suivi"),
                ("12\u00a0500 €", "budget prévu"),
            )
        ),
        Chart(png, 30.0, 6.0, "Répartition des 10 actions : en cours 5, réalisées 3.", "Statuts"),
        Heading("Avancement par axe", 2),
        Table(
            ("Axe", "Actions", "Avancement"),
            (("Petite enfance", "12", "40\u00a0%"), ("Jeunesse", "3", "—")),
            widths=(4.0, 1.0, 1.0),
            caption="Avancement moyen par axe",
            numeric=frozenset({1, 2}),
        ),
        Heading("Tableau des actions", 1),
        Paragraph("Texte collé\x0bde Word\x01 avec une note.", "muted"),
        Table(
            ("N°", "Action", "Statut", "Avanc."),
            long_rows,
            widths=(1.0, 6.0, 2.0, 1.0),
            caption="Les actions du plan",
            emphasis=frozenset(range(0, LONG_ROWS, 10)),
            numeric=frozenset({3}),
        ),
        Heading("Détail d’un axe", 3),
        Bullets(("Premier point : réalisé", "Deuxième point – à venir")),
        Heading("Décisions des instances", 1),
        Table(("Date", "Décision"), ()),
        Paragraph("Aucune décision n’a été prise pendant la période."),
        PageBreak(),
        Heading("Annexes", 1),
        Paragraph("Sources : Caf, millésime 2024.", "muted"),
    ]


def read(data: bytes):
    return Document(io.BytesIO(data))


def headings(document) -> list[tuple[int, str]]:
    return [
        (int(paragraph.style.name.removeprefix("Heading ")), paragraph.text)
        for paragraph in document.paragraphs
        if paragraph.style.name.startswith("Heading ")
    ]


def heading_blocks(blocks) -> list[tuple[int, str]]:
    return [(block.level, block.text) for block in blocks if isinstance(block, Heading)]


def all_text(document) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def sample():
    blocks = sample_blocks()
    data = write_docx(blocks, title=TITLE, author="Coordination CTG")
    return blocks, data, read(data)


# --- Hand-made blocks -------------------------------------------------------------------------


def test_the_file_is_a_sound_word_package(sample):
    _, data, _ = sample
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        names = package.namelist()
    assert {"word/document.xml", "word/styles.xml", "docProps/core.xml"} <= set(names)
    assert [name for name in names if name.startswith("word/media/")] == ["word/media/image1.png"]


def test_the_properties_page_and_footer(sample):
    _, _, document = sample
    properties = document.core_properties
    assert properties.title == TITLE
    assert properties.author == "Coordination CTG"
    assert properties.subject == "Bilan de convention territoriale globale (CTG)"
    assert properties.language == "fr-FR"
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert {round(margin.cm, 1) for margin in (section.left_margin, section.right_margin)} == {2.0}
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith(f"{TITLE} – page ")
    assert footer._p.xpath("w:fldSimple/@w:instr") == ["PAGE"]
    assert document.styles.element.xpath("w:docDefaults//w:lang/@w:val") == ["fr-FR"]


def test_the_cover_then_a_table_of_contents_word_updates_on_opening(sample):
    _, _, document = sample
    paragraphs = [p for p in document.paragraphs if p.text]
    assert [(p.style.name, p.text) for p in paragraphs[:4]] == [
        ("Title", "Bilan annuel 2026"),
        ("Subtitle", "CTG de Digne-les-Bains"),
        ("Subtitle", "Convention 2026 – 2030 · 04 – Alpes-de-Haute-Provence"),
        ("Normal", "Document de travail – bilan non figé (état au 23 novembre 2026)"),
    ]
    assert paragraphs[3].runs[0].bold
    assert (paragraphs[4].style.name, paragraphs[4].text) == ("TOC Heading", "Sommaire")
    toc = paragraphs[5]._p
    assert toc.xpath("w:r/w:instrText/text()") == [' TOC \\o "1-3" \\h \\z \\u ']
    assert toc.xpath("w:r/w:fldChar/@w:fldCharType") == ["begin", "separate", "end"]
    assert paragraphs[5].text == TOC_NOTE
    assert "clic droit › Mettre à jour les champs" in TOC_NOTE
    assert document.settings.element.xpath("w:updateFields/@w:val") == ["true"]


def test_headings_use_word_styles_and_parts_start_a_page_without_blank_pages(sample):
    blocks, _, document = sample
    assert headings(document) == heading_blocks(blocks)
    # One break before the table of contents and before each part, none doubled by the
    # PageBreak blocks before "Synthèse" and "Annexes".
    breaks = [p.text for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert breaks == [
        "Sommaire",
        "Synthèse",
        "Tableau des actions",
        "Décisions des instances",
        "Annexes",
    ]
    assert not document.element.body.xpath(".//w:br[@w:type='page']")


def test_tables_repeat_their_header_set_group_rows_apart_and_align_figures(sample):
    _, _, document = sample
    _, axes, actions, decisions = document.tables
    assert [cell.text for cell in axes.rows[0].cells] == ["Axe", "Actions", "Avancement"]
    assert [cell.text for cell in axes.rows[1].cells] == ["Petite enfance", "12", "40\u00a0%"]
    assert axes.style.name == "Table Grid"
    widths = [int(width) for width in axes._tbl.xpath("w:tblGrid/w:gridCol/@w:w")]
    assert widths[0] == pytest.approx(4 * widths[1], abs=2)
    assert sum(widths) == pytest.approx(Cm(17).twips, abs=3)
    for table in (axes, actions, decisions):
        header = table.rows[0]._tr
        assert header.xpath("w:trPr/w:tblHeader"), "the header row is repeated on every page"
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert len(actions.rows) == 1 + LONG_ROWS
    group, action = actions.rows[1], actions.rows[2]
    assert group.cells[1].text == "Axe 1 – Accueil du jeune enfant"
    assert group.cells[1].paragraphs[0].runs[0].bold
    assert group.cells[0]._tc.xpath("w:tcPr/w:shd/@w:fill") == ["F0F0F0"]
    assert action.cells[1].text == "Créer 1 places d’accueil à Sainte-Tulle\nPilotes : Caf, Mairie"
    assert not action.cells[1].paragraphs[0].runs[0].bold
    assert action.cells[3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert action.cells[1].paragraphs[0].alignment is None
    assert actions.rows[0].cells[3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # An empty table keeps its header row.
    assert [[cell.text for cell in row.cells] for row in decisions.rows] == [["Date", "Décision"]]
    # Captions stand above their table, kept with it.
    caption = next(p for p in document.paragraphs if p.text == "Les actions du plan")
    assert caption.style.name == "Caption"
    assert caption.paragraph_format.keep_with_next


def test_key_figures_are_a_borderless_grid_of_values_and_labels(sample):
    _, _, document = sample
    figures = document.tables[0]
    assert figures.style is None or figures.style.name == "Normal Table"
    assert len(figures.rows) == 2
    assert len(figures.columns) == 5
    first = figures.rows[0].cells[0]
    assert [p.text for p in first.paragraphs] == ["59", "actions suivies"]
    assert first.paragraphs[0].runs[0].bold
    assert [p.text for p in figures.rows[1].cells[0].paragraphs] == [
        "12\u00a0500 €",
        "budget prévu",
    ]


def test_the_chart_is_scaled_to_the_page_with_its_alternative_and_caption(sample):
    _, _, document = sample
    assert len(document.inline_shapes) == 1
    shape = document.inline_shapes[0]
    assert shape.width == pytest.approx(Cm(17), rel=0.001)
    assert shape.height == pytest.approx(Cm(3.4), rel=0.001)
    assert shape._inline.docPr.get("descr") == (
        "Répartition des 10 actions : en cours 5, réalisées 3."
    )
    paragraphs = document.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p._p.xpath(".//pic:pic"))
    assert paragraphs[index].paragraph_format.keep_with_next
    assert (paragraphs[index + 1].style.name, paragraphs[index + 1].text) == ("Caption", "Statuts")


def test_paragraph_styles_bullets_and_pasted_control_characters(sample):
    _, _, document = sample
    styled = {(p.style.name, p.text) for p in document.paragraphs}
    assert ("Chapeau", "Une année d’élan : la crèche « Les Pitchouns » a ouvert.") in styled
    assert ("Note", "Texte collé\nde Word avec une note.") in styled
    assert ("List Bullet", "Deuxième point – à venir") in styled
    assert ("Normal", "Aucune décision n’a été prise pendant la période.") in styled


def test_blocks_without_headings_have_no_table_of_contents():
    document = read(write_docx([Paragraph("Seul paragraphe.")], title="Court"))
    assert [p.text for p in document.paragraphs] == ["Seul paragraphe."]
    assert not document.paragraphs[0].paragraph_format.page_break_before


# --- The real outline of the demo CTGs ----------------------------------------------------------


def demo_content(django_db_blocker, slug: str, **options) -> dict:
    with django_db_blocker.unblock():
        convention = Convention.objects.select_related("departement", "epci").get(slug=slug)
        return build_bilan(convention, now=NOW, **options)


def paa_content(django_db_blocker) -> dict:
    """The annual bilan of the largest demo CTG, with texts from the coordination."""
    return demo_content(django_db_blocker, PAA, kind="annuel", year=2026, texts=TEXTS)


def final_content(django_db_blocker) -> dict:
    """The final bilan of Tarn-Agout, compared with its 2025 bilan."""
    previous = demo_content(django_db_blocker, TARN_AGOUT, kind="annuel", year=2025)
    return demo_content(django_db_blocker, TARN_AGOUT, kind="final", year=2026, previous=previous)


@pytest.fixture(scope="module")
def paa_bilan(demo_loaded, django_db_blocker):
    content = paa_content(django_db_blocker)
    blocks = build_blocks(content)
    return content, blocks, read(write_docx(blocks, title=content["title"]))


@pytest.mark.django_db
def test_the_demo_bilan_has_the_outline_s_headings_and_charts(paa_bilan):
    content, blocks, document = paa_bilan
    assert document.core_properties.title == content["title"]
    cover = blocks[0]
    assert [p.text for p in document.paragraphs[1:3]] == [cover.title, cover.subtitle[0]]
    assert headings(document) == heading_blocks(blocks)
    charts = [block for block in blocks if isinstance(block, Chart)]
    assert charts
    assert len(document.inline_shapes) == len(charts)
    assert [shape._inline.docPr.get("descr") for shape in document.inline_shapes] == [
        chart.alt for chart in charts
    ]
    tables = [block for block in blocks if isinstance(block, Table | KeyFigures)]
    assert len(document.tables) == len(tables)


@pytest.mark.django_db
def test_the_demo_bilan_lists_every_tracked_action_and_the_key_figures(paa_bilan):
    content, _, document = paa_bilan
    actions = next(
        table
        for table in document.tables
        if [cell.text for cell in table.rows[0].cells][:2] == ["N°", "Action"]
    )
    # Every element of the plan in its order; each tracked action with its number and title.
    rows = [(row.cells[0].text, row.cells[1].text) for row in actions.rows[1:]]
    assert len(rows) == len(content["plan"])
    for (number, title), element in zip(rows, content["plan"], strict=True):
        assert number == element["number"]
        assert element["title"] in title
    assert sum(element["tracked"] for element in content["plan"]) == content["totals"]["actions"]
    text = all_text(document)
    totals = content["totals"]
    assert f"{totals['mean_progress']}\u00a0%" in text
    figures = [cell.paragraphs for cell in document.tables[0].rows[0].cells]
    assert [(value.text, label.text) for value, label in figures] == [
        (str(totals["actions"]), "actions suivies"),
        (f"{totals['mean_progress']}\u00a0%", "avancement moyen"),
        (str(totals["done"]), "réalisées"),
        (str(totals["late"]), "en retard"),
        (str(totals["statuses"][NEVER_UPDATED]), "sans point de suivi"),
    ]
    for name in TEXTS.values():
        assert name in text
    for indicator in content["indicators"]:
        assert indicator["name"] in text


@pytest.mark.django_db
def test_a_final_bilan_compared_with_the_previous_one(demo_loaded, django_db_blocker):
    content = final_content(django_db_blocker)
    blocks = build_blocks(content)
    data = write_docx(blocks, title=content["title"])
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
    document = read(data)
    assert (1, "Ce qui a changé depuis le bilan précédent") in headings(document)
    assert headings(document) == heading_blocks(blocks)
