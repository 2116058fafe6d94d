"""A bilan as a Word document (python-docx), from the blocks of pilote.reports.bilans.outline.

The document is meant to be reworked before it is sent: every part uses Word's own styles
(Titre, Titre 1/2/3, Légende, Liste à puces…) so that the navigation pane, the table of contents
and the style gallery work; the tables are real tables with their header row repeated on every
page; the charts are pictures with their text alternative.

The table of contents is a TOC field placed after the cover: Word fills it when the document is
opened (the settings ask it to update the fields); until then it reads as a note telling how to
update it, which is what LibreOffice shows (Outils › Mettre à jour › Tout mettre à jour).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from pilote.core.table_writers import clean_text

from ..docx_plan import _page_number, _Styles
from .blocks import (
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

PAGE_WIDTH_CM = 21.0
PAGE_HEIGHT_CM = 29.7
MARGIN_CM = 2.0
TEXT_WIDTH_CM = PAGE_WIDTH_CM - 2 * MARGIN_CM
MAX_IMAGE_HEIGHT_CM = 21.0  # leaves room for the caption on the page
MAX_HEADING_LEVEL = 3
KEY_FIGURES_PER_ROW = 5
BLUE = RGBColor(0x00, 0x00, 0x91)  # DSFR "bleu France"
GREY = RGBColor(0x66, 0x66, 0x66)
HEADER_FILL = "E3E3FD"
EMPHASIS_FILL = "F0F0F0"
SUBJECT = "Bilan de convention territoriale globale (CTG)"
PARAGRAPH_STYLES = {"muted": "Note", "lead": "Chapeau"}  # the others: the body text
TOC_NOTE = (
    "Mettez à jour la table des matières (clic droit › Mettre à jour les champs) "
    "pour la faire apparaître."
)
# The settings elements that come after w:updateFields in the schema's sequence.
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def write_docx(blocks: Iterable[Block], *, title: str, author: str = "Pilote CTG") -> bytes:
    """Return the DOCX file of a bilan laid out as these blocks."""
    document = Document()
    _setup(document, title=title, author=author)
    _Writer(document, blocks).write_all()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _setup(document, *, title: str, author: str) -> None:
    """Set the page (A4, 2 cm margins), the properties, the styles and the footer."""
    properties = document.core_properties
    properties.title = clean_text(title)
    properties.author = clean_text(author)
    properties.subject = SUBJECT
    properties.keywords = "CTG, bilan, Caf"
    properties.language = "fr-FR"
    properties.comments = ""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    styles = document.styles
    # Arial: on every office computer, and metric-compatible with Liberation Sans where it is not;
    # table columns are sized for a sans-serif font (pdf_writer.column_widths).
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(10)
    styles["Footer"].font.size = Pt(8)
    styles["Footer"].font.color.rgb = GREY
    # French spelling and hyphenation (the template's default language is en-US).
    for language in styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
        language.set(qn("w:val"), "fr-FR")
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        styles[name].font.color.rgb = BLUE
    note = styles.add_style("Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Normal"]
    note.font.size = Pt(8.5)
    note.font.italic = True
    note.font.color.rgb = GREY
    lead = styles.add_style("Chapeau", WD_STYLE_TYPE.PARAGRAPH)
    lead.base_style = styles["Normal"]
    lead.font.size = Pt(11.5)
    lead.font.bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.style = styles["Footer"]
    footer.add_run(clean_text(f"{title} – page "))
    _page_number(footer)
    # Ask Word to update the fields (the table of contents) when the document is opened.
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    following = [settings.find(qn(f"w:{name}")) for name in _AFTER_UPDATE_FIELDS]
    following = [element for element in following if element is not None]
    if following:
        following[0].addprevious(update)
    else:
        settings.append(update)


class PagedWriter:
    """Walks the blocks of a bilan for an editable, paged document (this one and odt_writer).

    Both follow the same rules: a table of contents after the cover when there are headings;
    each part (a level-1 heading) starts a page; a page break (a PageBreak block, the end of the
    cover or of the table of contents, a part) is kept pending and put on whatever comes next,
    so that two breaks in a row never leave a blank page. Subclasses write each kind of block.
    """

    def __init__(self, blocks: Iterable[Block]):
        self.blocks = list(blocks)
        self.headings = [block for block in self.blocks if isinstance(block, Heading)]
        self.started = False  # anything written yet
        self.break_pending = False

    def write_all(self) -> None:
        toc_pending = bool(self.headings)
        for block in self.blocks:
            if toc_pending and not isinstance(block, Cover):
                toc_pending = False
                self.table_of_contents()
                self.page_break()
            match block:
                case Cover():
                    self.cover(block)
                    self.page_break()
                case Heading():
                    level = heading_level(block)
                    if level == 1:
                        self.page_break()
                    self.heading(block.text, level)
                case Paragraph():
                    self.paragraph(block.text, block.style)
                case Bullets():
                    if block.items:
                        self.bullets(block.items)
                case KeyFigures():
                    if block.items:
                        self.key_figures(block.items)
                case Table():
                    self.table(block, column_widths_cm(block))
                case Chart():
                    self.chart(block, *chart_size_cm(block))
                case PageBreak():
                    self.page_break()

    def page_break(self) -> None:
        if self.started:
            self.break_pending = True

    def table_of_contents(self) -> None:
        raise NotImplementedError

    def cover(self, block: Cover) -> None:
        raise NotImplementedError

    def heading(self, text: str, level: int) -> None:
        raise NotImplementedError

    def paragraph(self, text: str, style: str) -> None:
        raise NotImplementedError

    def bullets(self, items: tuple[str, ...]) -> None:
        raise NotImplementedError

    def key_figures(self, items: tuple[tuple[str, str], ...]) -> None:
        raise NotImplementedError

    def table(self, block: Table, widths_cm: list[float]) -> None:
        raise NotImplementedError

    def chart(self, block: Chart, width_cm: float, height_cm: float) -> None:
        raise NotImplementedError


def heading_level(block: Heading) -> int:
    return min(max(block.level, 1), MAX_HEADING_LEVEL)


def column_widths_cm(block: Table) -> list[float]:
    """Return the widths of the table's columns, filling the text width."""
    # The PDF's rule, so that the editable documents do not cut words either (the proportions
    # carry over: same fonts sizes within a point).
    from .pdf_styles import register_fonts
    from .pdf_writer import column_widths

    register_fonts()
    widths = column_widths(block.headers, list(block.rows), block.widths)
    total = sum(widths) or 1.0
    return [TEXT_WIDTH_CM * width / total for width in widths]


def chart_size_cm(block: Chart) -> tuple[float, float]:
    """Return the size of the chart on the page: its own, scaled down to fit the page."""
    scale = min(1.0, TEXT_WIDTH_CM / block.width_cm, MAX_IMAGE_HEIGHT_CM / block.height_cm)
    return block.width_cm * scale, block.height_cm * scale


class _Writer(PagedWriter):
    """Adds the blocks to the Word document; a pending page break becomes the "saut de page
    avant" of the next paragraph."""

    def __init__(self, document, blocks: Iterable[Block]):
        super().__init__(blocks)
        self.document = document
        self.styles = _Styles(document)
        self.grid_style = document.styles["Table Grid"].style_id

    # --- Paragraphs -----------------------------------------------------------------------------

    def _paragraph(self, text: str, style: str):
        paragraph = self.styles.add(text, style)
        if self.break_pending:
            paragraph.paragraph_format.page_break_before = True
            self.break_pending = False
        self.started = True
        return paragraph

    def _before_table(self) -> None:
        """A table cannot start a page by itself: an empty paragraph carries the break."""
        if self.break_pending:
            self._paragraph("", "Normal")

    def heading(self, text: str, level: int) -> None:
        self._paragraph(text, f"Heading {level}")

    def paragraph(self, text: str, style: str) -> None:
        self._paragraph(text, PARAGRAPH_STYLES.get(style, "Normal"))

    def bullets(self, items: tuple[str, ...]) -> None:
        for item in items:
            self._paragraph(item, "List Bullet")

    def cover(self, block: Cover) -> None:
        first = self._paragraph("", "Normal")
        first.paragraph_format.space_before = Pt(120)
        self._paragraph(block.title, "Title")
        for line in block.subtitle:
            self._paragraph(line, "Subtitle")
        if block.status:
            status = self._paragraph("", "Normal")
            status.paragraph_format.space_before = Pt(24)
            status.add_run(clean_text(block.status)).bold = True

    def table_of_contents(self) -> None:
        self._paragraph("Sommaire", "TOC Heading")
        paragraph = self._paragraph("", "Normal")
        for kind, text in (
            ("begin", None),
            ("instr", f' TOC \\o "1-{MAX_HEADING_LEVEL}" \\h \\z \\u '),
            ("separate", None),
            ("text", TOC_NOTE),
            ("end", None),
        ):
            run = OxmlElement("w:r")
            if kind == "instr":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            elif kind == "text":
                element = OxmlElement("w:t")
                element.text = text
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            run.append(element)
            paragraph._p.append(run)

    # --- Tables ---------------------------------------------------------------------------------

    def _new_table(self, rows: int, widths_cm: list[float]):
        """Add a table of these column widths; its rows take the widths of the columns."""
        self._before_table()
        table = self.document.add_table(rows=0, cols=len(widths_cm))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths_cm, strict=True):
            column.width = Cm(width)
        for _ in range(rows):
            table.add_row()
        self.started = True
        return table

    def table(self, block: Table, widths_cm: list[float]) -> None:
        if block.caption:
            caption = self._paragraph(block.caption, "Caption")
            caption.paragraph_format.keep_with_next = True
        self._before_table()
        table = parse_xml(_table_xml(block, widths_cm, self.grid_style))
        self.document.element.body._insert_tbl(table)
        self.started = True
        self._spacer()

    def key_figures(self, items: tuple[tuple[str, str], ...]) -> None:
        columns = min(len(items), KEY_FIGURES_PER_ROW)
        rows = -(-len(items) // columns)
        table = self._new_table(rows, [TEXT_WIDTH_CM / columns] * columns)
        cells = [cell for row in table.rows for cell in row.cells]
        for cell, (value, label) in zip(cells, items, strict=False):
            value_paragraph = cell.paragraphs[0]
            value_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            value_paragraph.paragraph_format.space_after = Pt(0)
            run = value_paragraph.add_run(clean_text(value))
            run.bold = True
            run.font.size = Pt(18)
            run.font.color.rgb = BLUE
            label_paragraph = cell.add_paragraph()
            label_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            label_paragraph.add_run(clean_text(label)).font.size = Pt(9)
        self._spacer()

    def _spacer(self) -> None:
        """An empty paragraph after a table, or the next table would glue to it."""
        paragraph = self._paragraph("", "Normal")
        paragraph.paragraph_format.space_after = Pt(4)

    # --- Charts ---------------------------------------------------------------------------------

    def chart(self, block: Chart, width_cm: float, height_cm: float) -> None:
        paragraph = self._paragraph("", "Normal")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = bool(block.caption)
        run = paragraph.add_run()
        shape = run.add_picture(io.BytesIO(block.png), width=Cm(width_cm), height=Cm(height_cm))
        properties = shape._inline.docPr
        properties.set("descr", clean_text(block.alt))
        if block.caption:
            properties.set("title", clean_text(block.caption))
            self._paragraph(block.caption, "Caption")


# A table is written as XML text and parsed once: python-docx's cell-by-cell API costs about
# 0.4 ms a cell (0.8 s for the actions table of a large plan), this about 10 µs.
TWIPS_PER_CM = 1440 / 2.54


def _table_xml(block: Table, widths_cm: list[float], style_id: str) -> str:
    """Return the w:tbl of a table: its header row repeated on every page, its emphasised rows
    bold and shaded, its numeric columns right-aligned."""
    twips = [round(width * TWIPS_PER_CM) for width in widths_cm]
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblStyle w:val="{escape(style_id)}"/><w:tblW w:w="{sum(twips)}" w:type="dxa"/>'
        '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{width}"/>' for width in twips),
        "</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
    ]
    for index, text in enumerate(block.headers):
        parts.append(_cell_xml(text, twips[index], True, index in block.numeric, HEADER_FILL))
    parts.append("</w:tr>")
    for number, values in enumerate(block.rows):
        emphasis = number in block.emphasis
        fill = EMPHASIS_FILL if emphasis else None
        parts.append("<w:tr>")
        for index, text in enumerate(values):
            parts.append(_cell_xml(text, twips[index], emphasis, index in block.numeric, fill))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _cell_xml(text: str, width: int, bold: bool, right: bool, fill: str | None) -> str:
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    alignment = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right else ""
    run = ""
    if text:
        lines = "<w:br/>".join(
            f'<w:t xml:space="preserve">{escape(line)}</w:t>'
            for line in clean_text(text).split("\n")
        )
        # 8.5 pt: the size the column widths are computed for (pdf_writer.column_widths).
        size = '<w:sz w:val="17"/><w:szCs w:val="17"/>'
        run = f"<w:r><w:rPr>{'<w:b/>' if bold else ''}{size}</w:rPr>{lines}</w:r>"
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>'
        f"<w:p>{alignment}{run}</w:p></w:tc>"
    )
