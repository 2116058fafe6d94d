"""The OpenDocument text of a bilan (bilan_odt), read back with odfdo and lxml.

The same hand-made blocks and demo bilans as the Word document's tests (test_bilan_docx).
"""

import io
import zipfile

import pytest
from lxml import etree
from odfdo import Document

from pilote.reports.bilans.blocks import Chart, Heading, KeyFigures, Table
from pilote.reports.bilans.odt_writer import TOC_NOTE, write_odt
from pilote.reports.bilans.outline.document import build_blocks

from .test_bilan_docx import (
    LONG_ROWS,
    TEXTS,
    TITLE,
    final_content,
    heading_blocks,
    paa_content,
    sample_blocks,
)

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}


class Odt:
    """The parts of an ODT file, parsed."""

    def __init__(self, data: bytes):
        self.data = data
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            assert package.testzip() is None
            self.infos = package.infolist()
            self.parts = {name: package.read(name) for name in package.namelist()}
        self.content = etree.fromstring(self.parts["content.xml"])
        self.styles = etree.fromstring(self.parts["styles.xml"])
        self.meta = etree.fromstring(self.parts["meta.xml"])
        self.manifest = etree.fromstring(self.parts["META-INF/manifest.xml"])
        self.body = self.content.find("office:body/office:text", NS)

    def xpath(self, path: str, root=None):
        return (self.body if root is None else root).xpath(path, namespaces=NS)

    def headings(self) -> list[tuple[int, str]]:
        return [
            (int(h.get(f"{{{NS['text']}}}outline-level")), text(h)) for h in self.xpath("text:h")
        ]

    def tables(self):
        return self.xpath("table:table")

    def rows(self, table) -> list[list[str]]:
        """The cells' text of the table's rows, the header rows first."""
        return [
            ["\n".join(text(p) for p in cell.xpath("text:p", namespaces=NS)) for cell in row]
            for row in table.xpath(".//table:table-row", namespaces=NS)
        ]


def text(element) -> str:
    """The text of a paragraph, its line breaks as "\n"."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{{{NS['text']}}}line-break":
            parts.append("\n")
        else:
            parts.append(text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def style_of(element) -> str:
    return element.get(f"{{{NS['text']}}}style-name") or element.get(f"{{{NS['table']}}}style-name")


@pytest.fixture(scope="module")
def sample():
    blocks = sample_blocks()
    return blocks, Odt(write_odt(blocks, title=TITLE, author="Coordination CTG"))


# --- Hand-made blocks -------------------------------------------------------------------------


def test_the_file_is_a_sound_opendocument_package_odfdo_reopens(sample):
    blocks, odt = sample
    first = odt.infos[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert odt.parts["mimetype"] == b"application/vnd.oasis.opendocument.text"
    entries = {
        entry.get(f"{{{NS['manifest']}}}full-path"): entry.get(f"{{{NS['manifest']}}}media-type")
        for entry in odt.manifest
    }
    assert entries["Pictures/graphique-1.png"] == "image/png"
    assert odt.parts["Pictures/graphique-1.png"] == next(
        block.png for block in blocks if isinstance(block, Chart)
    )
    assert all(name in odt.parts for name in entries if not name.endswith("/"))
    assert not any(name.startswith("Thumbnails/") for name in odt.parts)
    document = Document(io.BytesIO(odt.data))
    assert document.get_type() == "text"
    assert [header.text_recursive for header in document.body.get_headers()] == [
        block.text for block in blocks if isinstance(block, Heading)
    ]
    assert len(document.body.get_tables()) == 4


def test_the_metadata_page_and_footer(sample):
    _, odt = sample
    meta = odt.meta.find("office:meta", NS)
    assert meta.findtext("dc:title", namespaces=NS) == TITLE
    assert meta.findtext("dc:subject", namespaces=NS) == (
        "Bilan de convention territoriale globale (CTG)"
    )
    assert meta.findtext("dc:language", namespaces=NS) == "fr-FR"
    assert meta.findtext("meta:initial-creator", namespaces=NS) == "Coordination CTG"
    layout = odt.styles.xpath(
        "//style:page-layout[@style:name='Mpm1']/style:page-layout-properties", namespaces=NS
    )[0]
    fo = f"{{{NS['fo']}}}"
    assert (layout.get(f"{fo}page-width"), layout.get(f"{fo}page-height")) == ("21cm", "29.7cm")
    assert layout.get(f"{fo}margin-left") == layout.get(f"{fo}margin-right") == "2cm"
    footer = odt.styles.xpath(
        "//style:master-page[@style:name='Standard']/style:footer/text:p", namespaces=NS
    )[0]
    assert text(footer) == f"{TITLE} – page 1"
    assert footer.xpath("text:page-number/@text:select-page", namespaces=NS) == ["current"]
    # The headings are not numbered "1.", "1.1." by the outline style.
    assert set(odt.styles.xpath("//text:outline-level-style/@style:num-format", namespaces=NS)) == {
        ""
    }


def test_the_cover_then_a_table_of_contents_of_the_headings(sample):
    blocks, odt = sample
    paragraphs = odt.xpath("text:p")
    assert [(style_of(p), text(p)) for p in paragraphs[:4]] == [
        ("Title", "Bilan annuel 2026"),
        ("Subtitle", "CTG de Digne-les-Bains"),
        ("Subtitle", "Convention 2026 – 2030 · 04 – Alpes-de-Haute-Provence"),
        ("P_status", "Document de travail – bilan non figé (état au 23 novembre 2026)"),
    ]
    toc = odt.xpath("text:table-of-content")[0]
    assert toc.xpath("text:table-of-content-source/@text:outline-level", namespaces=NS) == ["3"]
    templates = toc.xpath(".//text:table-of-content-entry-template", namespaces=NS)
    assert [len(template) for template in templates] == [5, 5, 5]
    entries = toc.xpath("text:index-body/text:p", namespaces=NS)
    assert [text(entry) for entry in entries] == [TOC_NOTE] + [
        block.text for block in blocks if isinstance(block, Heading)
    ]
    assert "Mettre à jour l’index" in TOC_NOTE


def test_headings_have_outline_levels_and_parts_start_a_page_without_blank_pages(sample):
    blocks, odt = sample
    assert odt.headings() == heading_blocks(blocks)
    broken = [text(h) for h in odt.xpath("text:h[@text:style-name='H1_break']")]
    assert broken == ["Synthèse", "Tableau des actions", "Décisions des instances", "Annexes"]
    assert {style_of(h) for h in odt.xpath("text:h[@text:outline-level!='1']")} == {
        "Heading_20_2",
        "Heading_20_3",
    }
    # The only page-break paragraph is the one between the cover and the table of contents.
    breaks = odt.xpath("*[@text:style-name='P_break']")
    assert len(breaks) == 1
    assert breaks[0].getnext().tag == f"{{{NS['text']}}}table-of-content"


def test_tables_repeat_their_header_set_group_rows_apart_and_align_figures(sample):
    _, odt = sample
    figures, axes, actions, decisions = odt.tables()
    for table in (axes, actions, decisions):
        assert len(table.xpath("table:table-header-rows/table:table-row", namespaces=NS)) == 1
    assert odt.rows(axes) == [
        ["Axe", "Actions", "Avancement"],
        ["Petite enfance", "12", "40\u00a0%"],
        ["Jeunesse", "3", "—"],
    ]
    widths = [
        float(
            odt.content.xpath(
                f"//style:style[@style:name='{style}']/style:table-column-properties"
                "/@style:column-width",
                namespaces=NS,
            )[0].removesuffix("cm")
        )
        for style in axes.xpath("table:table-column/@table:style-name", namespaces=NS)
    ]
    assert widths == pytest.approx([17 * 4 / 6, 17 / 6, 17 / 6], abs=0.001)
    rows = actions.xpath("table:table-row", namespaces=NS)
    assert len(rows) == LONG_ROWS
    group, action = rows[0], rows[1]
    assert [style_of(cell) for cell in group] == ["ce_em"] * 4
    assert [style_of(cell[0]) for cell in group] == ["P_em", "P_em", "P_em", "P_em_num"]
    assert [style_of(cell[0]) for cell in action] == [
        "Table_20_Contents",
        "Table_20_Contents",
        "Table_20_Contents",
        "P_num",
    ]
    assert odt.rows(actions)[2][1] == (
        "Créer 1 places d’accueil à Sainte-Tulle\nPilotes : Caf, Mairie"
    )
    header = actions.xpath(
        "table:table-header-rows/table:table-row/table:table-cell", namespaces=NS
    )
    assert [style_of(cell[0]) for cell in header][-1] == "P_head_num"
    assert odt.rows(decisions) == [["Date", "Décision"]]
    caption = actions.getprevious()
    assert (style_of(caption), text(caption)) == ("P_caption_above", "Les actions du plan")
    assert odt.rows(figures) == [
        [
            "59\nactions suivies",
            "54\u00a0%\navancement moyen",
            "2\nréalisées",
            "0\nen retard",
            "7\nsans point de suivi",
        ],
        ["12\u00a0500 €\nbudget prévu", "", "", "", ""],
    ]


def test_the_chart_is_embedded_scaled_with_its_alternative_and_caption(sample):
    _, odt = sample
    frames = odt.xpath("//draw:frame")
    assert len(frames) == 1
    frame = frames[0]
    svg = f"{{{NS['svg']}}}"
    assert (frame.get(f"{svg}width"), frame.get(f"{svg}height")) == ("17.00cm", "3.40cm")
    assert frame.xpath("draw:image/@xlink:href", namespaces=NS) == ["Pictures/graphique-1.png"]
    assert frame.findtext("svg:desc", namespaces=NS) == (
        "Répartition des 10 actions : en cours 5, réalisées 3."
    )
    caption = frame.getparent().getnext()
    assert (style_of(caption), text(caption)) == ("Caption", "Statuts")


def test_paragraph_styles_bullets_and_pasted_control_characters(sample):
    _, odt = sample
    styled = {(style_of(p), text(p)) for p in odt.xpath("text:p")}
    assert ("Chapeau", "Une année d’élan : la crèche « Les Pitchouns » a ouvert.") in styled
    assert ("Note", "Texte collé\nde Word avec une note.") in styled
    assert ("Text_20_body", "Aucune décision n’a été prise pendant la période.") in styled
    items = odt.xpath("text:list/text:list-item/text:p")
    assert [text(item) for item in items] == ["Premier point : réalisé", "Deuxième point – à venir"]


# --- The real outline of the demo CTGs ----------------------------------------------------------


@pytest.fixture(scope="module")
def paa_bilan(demo_loaded, django_db_blocker):
    content = paa_content(django_db_blocker)
    blocks = build_blocks(content)
    return content, blocks, Odt(write_odt(blocks, title=content["title"]))


@pytest.mark.django_db
def test_the_demo_bilan_has_the_outline_s_headings_tables_and_charts(paa_bilan):
    content, blocks, odt = paa_bilan
    assert odt.meta.findtext("office:meta/dc:title", namespaces=NS) == content["title"]
    assert odt.headings() == heading_blocks(blocks)
    charts = [block for block in blocks if isinstance(block, Chart)]
    assert charts
    assert odt.xpath("//draw:frame/svg:desc/text()") == [chart.alt for chart in charts]
    for index, chart in enumerate(charts, start=1):
        assert odt.parts[f"Pictures/graphique-{index}.png"] == chart.png
    tables = [block for block in blocks if isinstance(block, Table | KeyFigures)]
    assert len(odt.tables()) == len(tables)


@pytest.mark.django_db
def test_the_demo_bilan_lists_every_tracked_action_and_the_key_figures(paa_bilan):
    content, _, odt = paa_bilan
    actions = next(table for table in odt.tables() if odt.rows(table)[0][:2] == ["N°", "Action"])
    rows = odt.rows(actions)[1:]
    assert len(rows) == len(content["plan"])
    for row, element in zip(rows, content["plan"], strict=True):
        assert row[0] == element["number"]
        assert element["title"] in row[1]
    totals = content["totals"]
    assert odt.rows(odt.tables()[0])[0][:2] == [
        f"{totals['actions']}\nactions suivies",
        f"{totals['mean_progress']}\u00a0%\navancement moyen",
    ]
    all_text = "\n".join(text(p) for p in odt.xpath("//text:p"))
    for written in TEXTS.values():
        assert written in all_text
    for indicator in content["indicators"]:
        assert indicator["name"] in all_text


@pytest.mark.django_db
def test_a_final_bilan_compared_with_the_previous_one(demo_loaded, django_db_blocker):
    content = final_content(django_db_blocker)
    blocks = build_blocks(content)
    odt = Odt(write_odt(blocks, title=content["title"]))
    assert (1, "Ce qui a changé depuis le bilan précédent") in odt.headings()
    assert odt.headings() == heading_blocks(blocks)
