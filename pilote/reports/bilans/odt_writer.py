"""A bilan as an OpenDocument text (odfdo), from the blocks of pilote.reports.bilans.outline.

The same document as the Word one (docx_writer), for LibreOffice: real headings (text:h with their
outline level, so that the navigator and the table of contents work), named styles the users can
change (Titre, Sous-titre, Note, Chapeau, Contenu de tableau…), tables whose header row is
repeated on every page, the charts embedded in the file with their text alternative, the page
number in the footer.

The table of contents lists the headings already; its page numbers appear when LibreOffice
updates it (a note says how, and goes away with the update).

As in spreadsheets.to_ods, odfdo builds the package (manifest, styles, metadata) while the body
is written as XML text, every value escaped, and parsed block by block: odfdo's element-by-
element API costs about 0.1 ms a cell.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from odfdo import Document, Element

from pilote.core.table_writers import clean_text

from .blocks import Block, Chart, Cover, Table
from .docx_writer import (
    EMPHASIS_FILL,
    HEADER_FILL,
    KEY_FIGURES_PER_ROW,
    MAX_HEADING_LEVEL,
    PARAGRAPH_STYLES,
    SUBJECT,
    TEXT_WIDTH_CM,
    PagedWriter,
    heading_level,
)

BLUE = "#000091"
GREY = "#666666"
BORDER = "0.5pt solid #929292"
TOC_NOTE = (
    "Mettez à jour la table des matières pour y voir les numéros de page "
    "(clic droit › Mettre à jour l’index)."
)
_HEADING_SIZES = {1: "16pt", 2: "13pt", 3: "11pt"}

# Named styles (styles.xml): the ones users see in the style list and may change.
COMMON_STYLES = [
    '<style:style style:name="Standard" style:family="paragraph" style:class="text">'
    '<style:text-properties style:font-name="Liberation Sans" fo:font-size="10pt" '
    'fo:language="fr" fo:country="FR"/></style:style>',
    *(
        f'<style:style style:name="Heading_20_{level}" style:display-name="Heading {level}" '
        'style:family="paragraph" style:parent-style-name="Heading" '
        f'style:next-style-name="Text_20_body" style:default-outline-level="{level}" '
        'style:class="chapter"><style:paragraph-properties fo:margin-top="0.5cm" '
        'fo:margin-bottom="0.25cm" fo:keep-with-next="always"/>'
        f'<style:text-properties fo:font-size="{size}" fo:font-weight="bold" '
        f'fo:color="{BLUE}"/></style:style>'
        for level, size in _HEADING_SIZES.items()
    ),
    '<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading" '
    'style:next-style-name="Subtitle" style:class="chapter"><style:paragraph-properties '
    'fo:margin-top="4cm" fo:margin-bottom="0.5cm"/><style:text-properties fo:font-size="24pt" '
    f'fo:font-weight="bold" fo:color="{BLUE}"/></style:style>',
    '<style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Heading" '
    'style:next-style-name="Text_20_body" style:class="chapter"><style:paragraph-properties '
    'fo:margin-top="0.1cm" fo:margin-bottom="0.1cm"/><style:text-properties fo:font-size="13pt"/>'
    "</style:style>",
    '<style:style style:name="Note" style:family="paragraph" '
    'style:parent-style-name="Text_20_body" style:class="text"><style:text-properties '
    f'fo:font-size="8.5pt" fo:font-style="italic" fo:color="{GREY}"/></style:style>',
    '<style:style style:name="Chapeau" style:family="paragraph" '
    'style:parent-style-name="Text_20_body" style:class="text"><style:text-properties '
    'fo:font-size="11.5pt" fo:font-weight="bold"/></style:style>',
    '<style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard" '
    'style:class="extra"><style:paragraph-properties fo:margin-top="0.15cm" '
    'fo:margin-bottom="0.3cm"/><style:text-properties fo:font-size="9pt" fo:font-style="italic" '
    f'fo:color="{GREY}"/></style:style>',
    '<style:style style:name="Table_20_Contents" style:display-name="Table Contents" '
    'style:family="paragraph" style:parent-style-name="Standard" style:class="extra">'
    '<style:text-properties fo:font-size="8.5pt"/></style:style>',
    '<style:style style:name="Table_20_Heading" style:display-name="Table Heading" '
    'style:family="paragraph" style:parent-style-name="Table_20_Contents" style:class="extra">'
    '<style:text-properties fo:font-weight="bold"/></style:style>',
    '<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" '
    'style:class="extra"><style:paragraph-properties fo:text-align="center"/>'
    f'<style:text-properties fo:font-size="8pt" fo:color="{GREY}"/></style:style>',
    # Page 2cm margins, the footer inside the bottom margin.
    '<style:page-layout style:name="Mpm1"><style:page-layout-properties fo:page-width="21cm" '
    'fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="2cm" '
    'fo:margin-bottom="1.2cm" fo:margin-left="2cm" fo:margin-right="2cm" '
    'style:writing-mode="lr-tb"/><style:header-style/><style:footer-style>'
    '<style:header-footer-properties fo:min-height="0cm" fo:margin-top="0.4cm"/>'
    "</style:footer-style></style:page-layout>",
]

# Automatic styles (content.xml): variants of the named ones.
AUTOMATIC_STYLES = [
    '<style:style style:name="P_break" style:family="paragraph" '
    'style:parent-style-name="Standard"><style:paragraph-properties fo:break-before="page"/>'
    "</style:style>",
    '<style:style style:name="H1_break" style:family="paragraph" '
    'style:parent-style-name="Heading_20_1"><style:paragraph-properties fo:break-before="page"/>'
    "</style:style>",
    '<style:style style:name="P_status" style:family="paragraph" '
    'style:parent-style-name="Text_20_body"><style:paragraph-properties fo:margin-top="1cm"/>'
    '<style:text-properties fo:font-weight="bold"/></style:style>',
    '<style:style style:name="P_center" style:family="paragraph" '
    'style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center" '
    'fo:keep-with-next="always"/></style:style>',
    '<style:style style:name="P_caption_above" style:family="paragraph" '
    'style:parent-style-name="Caption"><style:paragraph-properties fo:keep-with-next="always"/>'
    "</style:style>",
    '<style:style style:name="P_head_num" style:family="paragraph" '
    'style:parent-style-name="Table_20_Heading"><style:paragraph-properties fo:text-align="end"/>'
    "</style:style>",
    '<style:style style:name="P_num" style:family="paragraph" '
    'style:parent-style-name="Table_20_Contents"><style:paragraph-properties fo:text-align="end"/>'
    "</style:style>",
    '<style:style style:name="P_em" style:family="paragraph" '
    'style:parent-style-name="Table_20_Contents"><style:text-properties fo:font-weight="bold"/>'
    "</style:style>",
    '<style:style style:name="P_em_num" style:family="paragraph" style:parent-style-name="P_em">'
    '<style:paragraph-properties fo:text-align="end"/></style:style>',
    '<style:style style:name="P_kf_value" style:family="paragraph" '
    'style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center"/>'
    f'<style:text-properties fo:font-size="18pt" fo:font-weight="bold" fo:color="{BLUE}"/>'
    "</style:style>",
    '<style:style style:name="P_kf_label" style:family="paragraph" '
    'style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center"/>'
    '<style:text-properties fo:font-size="9pt"/></style:style>',
    '<style:style style:name="Tab" style:family="table"><style:table-properties '
    f'style:width="{TEXT_WIDTH_CM}cm" table:align="center" fo:margin-bottom="0.4cm"/>'
    "</style:style>",
    *(
        f'<style:style style:name="{name}" style:family="table-cell"><style:table-cell-properties '
        f'fo:padding="0.08cm" fo:border="{border}" style:vertical-align="top"'
        f"{f' fo:background-color={quoteattr(fill)}' if fill else ''}/></style:style>"
        for name, fill, border in (
            ("ce_head", f"#{HEADER_FILL.lower()}", BORDER),
            ("ce_body", None, BORDER),
            ("ce_em", f"#{EMPHASIS_FILL.lower()}", BORDER),
            ("ce_figure", None, "none"),
        )
    ),
    '<style:style style:name="fr_chart" style:family="graphic"><style:graphic-properties '
    'style:vertical-pos="top" style:vertical-rel="baseline" fo:border="none" '
    'style:mirror="none" fo:clip="rect(0cm, 0cm, 0cm, 0cm)"/></style:style>',
]


def write_odt(blocks: Iterable[Block], *, title: str, author: str = "Pilote CTG") -> bytes:
    """Return the ODT file of a bilan laid out as these blocks."""
    document = Document("text")
    _setup(document, title=title, author=author)
    _Writer(document, blocks).write_all()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _setup(document, *, title: str, author: str) -> None:
    for style in COMMON_STYLES:
        document.insert_style(Element.from_tag(style))
    for style in AUTOMATIC_STYLES:
        document.insert_style(Element.from_tag(style), automatic=True)
    # The headings are not numbered (the template numbers them "1.", "1.1."…).
    for level in document.styles.get_elements("//text:outline-level-style"):
        level.set_attribute("style:num-format", "")
        level.del_attribute("loext:num-list-format")
        # Without a number the suffix alone would still show: ".Synthèse".
        level.del_attribute("style:num-suffix")
    footer = (
        '<style:master-page style:name="Standard" style:page-layout-name="Mpm1"><style:footer>'
        f'<text:p text:style-name="Footer">{escape(clean_text(title))} – page '
        '<text:page-number text:select-page="current">1</text:page-number></text:p>'
        "</style:footer></style:master-page>"
    )
    document.insert_style(Element.from_tag(footer))
    meta = document.meta
    meta.set_title(clean_text(title))
    meta.set_subject(SUBJECT)
    meta.set_keywords("CTG, bilan, Caf")
    meta.set_language("fr-FR")
    meta.set_initial_creator(clean_text(author))
    meta.set_creator(clean_text(author))
    meta.set_generator("Pilote CTG")
    meta.set_creation_date()
    # The template's thumbnail is a blank page: better none than a wrong one.
    document.container.del_part("Thumbnails/thumbnail.png")
    document.manifest.del_full_path("Thumbnails/thumbnail.png")
    # The template's empty paragraph goes; its sequence declarations (captions) stay.
    for paragraph in document.body.get_elements("text:p"):
        document.body.delete(paragraph)


def _p(text: str, style: str) -> str:
    """Return a text:p; line breaks in the text are kept."""
    lines = "<text:line-break/>".join(escape(line) for line in clean_text(text).split("\n"))
    return f'<text:p text:style-name="{style}">{lines}</text:p>'


class _Writer(PagedWriter):
    """Adds the blocks to the body one after the other; a pending page break becomes the
    "saut de page avant" of the next part's heading, or an empty paragraph before anything else.
    """

    def __init__(self, document, blocks: Iterable[Block]):
        super().__init__(blocks)
        self.document = document
        self.body = document.body
        self.automatic_styles = document.content.get_element("//office:automatic-styles")
        self.tables = 0
        self.charts = 0

    def _append(self, xml: str) -> None:
        if self.break_pending:
            self.body.append(Element.from_tag('<text:p text:style-name="P_break"/>'))
            self.break_pending = False
        self.body.append(Element.from_tag(xml))
        self.started = True

    def cover(self, block: Cover) -> None:
        self._append(_p(block.title, "Title"))
        for line in block.subtitle:
            self._append(_p(line, "Subtitle"))
        if block.status:
            self._append(_p(block.status, "P_status"))

    def heading(self, text: str, level: int) -> None:
        style = f"Heading_20_{level}"
        if level == 1 and self.break_pending:
            style, self.break_pending = "H1_break", False
        self._append(
            f'<text:h text:style-name="{style}" text:outline-level="{level}">'
            f"{escape(clean_text(text))}</text:h>"
        )

    def paragraph(self, text: str, style: str) -> None:
        self._append(_p(text, PARAGRAPH_STYLES.get(style, "Text_20_body")))

    def bullets(self, items: tuple[str, ...]) -> None:
        entries = "".join(
            f"<text:list-item>{_p(item, 'Text_20_body')}</text:list-item>" for item in items
        )
        self._append(f'<text:list text:style-name="List_20_1">{entries}</text:list>')

    def table_of_contents(self) -> None:
        templates = "".join(
            f'<text:table-of-content-entry-template text:outline-level="{level}" '
            f'text:style-name="Contents_20_{level}"><text:index-entry-link-start/>'
            "<text:index-entry-text/>"
            '<text:index-entry-tab-stop style:type="right" style:leader-char="."/>'
            "<text:index-entry-page-number/><text:index-entry-link-end/>"
            "</text:table-of-content-entry-template>"
            for level in range(1, MAX_HEADING_LEVEL + 1)
        )
        entries = "".join(
            _p(heading.text, f"Contents_20_{heading_level(heading)}") for heading in self.headings
        )
        self._append(
            '<text:table-of-content text:name="Sommaire" text:protected="true">'
            f'<text:table-of-content-source text:outline-level="{MAX_HEADING_LEVEL}" '
            'text:use-index-marks="false">'
            '<text:index-title-template text:style-name="Contents_20_Heading">Sommaire'
            f"</text:index-title-template>{templates}</text:table-of-content-source>"
            '<text:index-body><text:index-title text:name="Sommaire_Head">'
            f"{_p('Sommaire', 'Contents_20_Heading')}</text:index-title>"
            f"{_p(TOC_NOTE, 'Note')}{entries}</text:index-body></text:table-of-content>"
        )

    def table(self, block: Table, widths_cm: list[float]) -> None:
        if block.caption:
            self._append(_p(block.caption, "P_caption_above"))
        self.tables += 1
        name = f"Tableau{self.tables}"
        # Fresh names: appended without odfdo's look-up of an existing style (2 ms each).
        for index, width in enumerate(widths_cm):
            self.automatic_styles.append(
                Element.from_tag(
                    f'<style:style style:name="{name}.C{index}" style:family="table-column">'
                    "<style:table-column-properties style:column-width="
                    f'"{width:.3f}cm"/></style:style>'
                )
            )
        parts = [f'<table:table table:name="{name}" table:style-name="Tab">']
        parts += [
            f'<table:table-column table:style-name="{name}.C{index}"/>'
            for index in range(len(widths_cm))
        ]
        parts.append("<table:table-header-rows><table:table-row>")
        for index, header in enumerate(block.headers):
            style = "P_head_num" if index in block.numeric else "Table_20_Heading"
            parts.append(_cell(header, "ce_head", style))
        parts.append("</table:table-row></table:table-header-rows>")
        for number, values in enumerate(block.rows):
            emphasis = number in block.emphasis
            cell_style = "ce_em" if emphasis else "ce_body"
            parts.append("<table:table-row>")
            for index, value in enumerate(values):
                numeric = index in block.numeric
                style = {
                    (False, False): "Table_20_Contents",
                    (False, True): "P_num",
                    (True, False): "P_em",
                    (True, True): "P_em_num",
                }[emphasis, numeric]
                parts.append(_cell(value, cell_style, style))
            parts.append("</table:table-row>")
        parts.append("</table:table>")
        self._append("".join(parts))

    def key_figures(self, items: tuple[tuple[str, str], ...]) -> None:
        columns = min(len(items), KEY_FIGURES_PER_ROW)
        self.tables += 1
        name = f"Chiffres{self.tables}"
        parts = [
            f'<table:table table:name="{name}" table:style-name="Tab">'
            f'<table:table-column table:number-columns-repeated="{columns}"/>'
        ]
        for start in range(0, len(items), columns):
            parts.append("<table:table-row>")
            row = items[start : start + columns]
            for value, label in row:
                parts.append(
                    '<table:table-cell table:style-name="ce_figure" office:value-type="string">'
                    f"{_p(value, 'P_kf_value')}{_p(label, 'P_kf_label')}</table:table-cell>"
                )
            parts += ['<table:table-cell table:style-name="ce_figure"/>'] * (columns - len(row))
            parts.append("</table:table-row>")
        parts.append("</table:table>")
        self._append("".join(parts))

    def chart(self, block: Chart, width_cm: float, height_cm: float) -> None:
        self.charts += 1
        href = f"Pictures/graphique-{self.charts}.png"
        self.document.container.set_part(href, block.png)
        self.document.manifest.add_full_path(href, "image/png")
        title = (
            f"<svg:title>{escape(clean_text(block.caption))}</svg:title>" if block.caption else ""
        )
        self._append(
            '<text:p text:style-name="P_center">'
            f'<draw:frame draw:style-name="fr_chart" draw:name="Graphique{self.charts}" '
            'text:anchor-type="as-char" draw:z-index="0" '
            f'svg:width="{width_cm:.2f}cm" svg:height="{height_cm:.2f}cm">'
            f'<draw:image xlink:href="{escape(href)}" xlink:type="simple" xlink:show="embed" '
            'xlink:actuate="onLoad"/>'
            f"{title}<svg:desc>{escape(clean_text(block.alt))}</svg:desc></draw:frame></text:p>"
        )
        if block.caption:
            self._append(_p(block.caption, "Caption"))


def _cell(text: str, cell_style: str, paragraph_style: str) -> str:
    return (
        f'<table:table-cell table:style-name="{cell_style}" office:value-type="string">'
        f"{_p(text, paragraph_style)}</table:table-cell>"
    )
