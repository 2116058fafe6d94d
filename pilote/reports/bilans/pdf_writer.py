"""A bilan as a PDF document (reportlab platypus), from its blocks (outline).

A4 portrait, in a sober look close to the DSFR: a title page, each part (level-1 heading) on a
new page, tables whose header row repeats on every page they run over, charts scaled to the
text width and kept with their caption, "page n / N" and the bilan's title in the footer, and
the headings in the PDF's outline (bookmarks) for navigation.

The text is set in DejaVu Sans, the font bundled with matplotlib (already a dependency):
reportlab's standard Helvetica only covers the WinAnsi characters, and the bilans use others
("→", "−", narrow non-breaking spaces, whatever the coordination types in its texts).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from . import blocks as b
from .pdf_styles import (
    BLUE,
    CELL_LEADING,
    CELL_PADDING,
    CELL_SIZE,
    FIGURE_BG,
    FONT,
    FONT_BOLD,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    GROUP_BG,
    HEADER_BG,
    INTRO_LENGTH,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    PAGE_WIDTH,
    RULE,
    SPLIT_IN_ROW,
    STATUS_CLOSED_BG,
    STATUS_DRAFT_BG,
    TEXT,
    paragraph_styles,
    register_fonts,
)

SUBJECT = "Bilan de convention territoriale globale (CTG)"


def text(value: str) -> str:
    """Return plain text as reportlab paragraph markup: escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


# --- Page decoration ---------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """A canvas that writes "page n / N" once the number of pages is known (one layout pass)."""

    footer_title = ""
    plain_first_page = True  # the title page has no footer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            if number > 1 or not self.plain_first_page:
                self._footer(number, total)
            super().showPage()
        super().save()

    def _footer(self, number: int, total: int) -> None:
        self.saveState()
        y = MARGIN_BOTTOM - 0.9 * cm
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, y + 0.4 * cm, PAGE_WIDTH - MARGIN_X, y + 0.4 * cm)
        self.setFillColor(MUTED)
        self.setFont(FONT, 7.5)
        page = f"page {number} / {total}"
        self.drawRightString(PAGE_WIDTH - MARGIN_X, y, page)
        room = FRAME_WIDTH - pdfmetrics.stringWidth(page, FONT, 7.5) - 0.8 * cm
        self.drawString(MARGIN_X, y, _fit(self.footer_title, room, FONT, 7.5))
        self.restoreState()


def _fit(value: str, width: float, font: str, size: float) -> str:
    """Return the text cut with an ellipsis so that it fits in `width` points."""
    if pdfmetrics.stringWidth(value, font, size) <= width:
        return value
    while value and pdfmetrics.stringWidth(f"{value}…", font, size) > width:
        value = value[:-1]
    return f"{value.rstrip()}…"


class _Document(BaseDocTemplate):
    """The document: adds every heading to the PDF outline (bookmarks) as it is laid out."""

    outline_depth = -1  # the depth of the last outline entry

    def afterFlowable(self, flowable):
        level = getattr(flowable, "outline_level", None)
        if level is None:
            return
        # The PDF outline cannot skip a level (a level-3 heading right under a level-1 one).
        depth = min(level - 1, self.outline_depth + 1)
        self.outline_depth = depth
        key = f"h{id(flowable)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.getPlainText(), key, level=depth, closed=depth > 0)


def _heading(value: str, style: ParagraphStyle, level: int) -> RLParagraph:
    paragraph = RLParagraph(text(value), style)
    paragraph.outline_level = level
    return paragraph


# --- Blocks to flowables -----------------------------------------------------------------------


class _Writer:
    """Turn blocks into platypus flowables, keeping each heading with what follows it.

    Headings and captions wait in `pending` for the next flowable: with a small one (paragraph,
    figures, chart) they go into one KeepTogether; before a table they ask for room for its
    first rows (a table longer than the rest of the page starts on it and runs over).
    """

    def __init__(self):
        self.styles = paragraph_styles()
        self.story: list[Flowable] = []
        self.pending: list[Flowable] = []
        self.at_page_start = True

    def add(self, block: b.Block, following: b.Block | None = None) -> None:
        styles = self.styles
        if isinstance(block, b.Cover):
            self.cover(block)
        elif isinstance(block, b.Heading):
            self.heading(block)
        elif isinstance(block, b.Paragraph):
            paragraph = RLParagraph(text(block.text), styles.get(block.style, styles["body"]))
            if isinstance(following, b.Table | b.Chart) and len(block.text) < INTRO_LENGTH:
                # A short paragraph that introduces a table or a chart stays with it.
                self.pending.append(paragraph)
            else:
                self.flow([paragraph])
        elif isinstance(block, b.Bullets):
            items = [
                RLParagraph(text(item), styles["bullet"], bulletText="•") for item in block.items
            ]
            self.flow(items[:1])
            self.flow([*items[1:], Spacer(0, 3)])
        elif isinstance(block, b.KeyFigures):
            self.key_figures(block)
        elif isinstance(block, b.Table):
            self.table(block)
        elif isinstance(block, b.Chart):
            # The text alternative is printed unless a table of the same figures follows.
            self.chart(block, with_alt=not isinstance(following, b.Table))
        elif isinstance(block, b.PageBreak):
            self.page_break()

    def flow(self, flowables: list[Flowable], *, keep: int = 1) -> None:
        """Add flowables to the story, the pending headings kept with the first `keep` ones."""
        if not flowables:
            return
        if self.pending:
            if keep:
                flowables = [KeepTogether([*self.pending, *flowables[:keep]]), *flowables[keep:]]
            else:
                flowables = [*self.pending, *flowables]
            self.pending = []
        self.story.extend(flowables)
        self.at_page_start = False

    def finish(self) -> None:
        if self.pending:
            self.story.extend(self.pending)
            self.pending = []

    def page_break(self) -> None:
        self.finish()
        if not self.at_page_start:
            self.story.append(PageBreak())
            self.at_page_start = True

    def cover(self, block: b.Cover) -> None:
        styles = self.styles
        parts: list[Flowable] = [
            Spacer(0, 4.5 * cm),
            RLParagraph("Convention territoriale globale", styles["cover_kicker"]),
            RLParagraph(text(block.title), styles["cover_title"]),
        ]
        subtitle = list(block.subtitle)
        if subtitle:
            parts.append(RLParagraph(text(subtitle[0]), styles["cover_name"]))
        parts += [RLParagraph(text(line), styles["cover_line"]) for line in subtitle[1:]]
        if block.status:
            closed = block.status.startswith("Bilan figé")
            box = RLTable(
                [[RLParagraph(text(block.status), styles["cover_status"])]],
                colWidths=[FRAME_WIDTH],
            )
            box.setStyle(
                TableStyle(
                    [
                        (
                            "BACKGROUND",
                            (0, 0),
                            (-1, -1),
                            STATUS_CLOSED_BG if closed else STATUS_DRAFT_BG,
                        ),
                        ("LEFTPADDING", (0, 0), (-1, -1), 10),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                        ("TOPPADDING", (0, 0), (-1, -1), 8),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                        ("LINEBEFORE", (0, 0), (0, -1), 3, BLUE),
                    ]
                )
            )
            parts += [Spacer(0, 1 * cm), box]
        self.finish()
        self.story += [*parts, NextPageTemplate("page"), PageBreak()]
        self.at_page_start = True

    def heading(self, block: b.Heading) -> None:
        level = min(max(block.level, 1), 3)
        if level == 1:
            self.page_break()
        self.pending.append(_heading(block.text, self.styles[f"h{level}"], level))

    def key_figures(self, block: b.KeyFigures) -> None:
        items = list(block.items)
        if not items:
            return
        per_row = min(len(items), 5)
        width = FRAME_WIDTH / per_row
        rows = []
        for start in range(0, len(items), per_row):
            chunk = items[start : start + per_row]
            cells = [
                [
                    RLParagraph(text(value), self.styles["figure_value"]),
                    RLParagraph(text(label), self.styles["figure_label"]),
                ]
                for value, label in chunk
            ]
            rows.append(cells + [""] * (per_row - len(chunk)))
        grid = RLTable(rows, colWidths=[width] * per_row, hAlign="LEFT")
        grid.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, -1), FIGURE_BG),
                    ("LINEAFTER", (0, 0), (-2, -1), 3, colors.white),
                    ("LINEBELOW", (0, 0), (-1, -2), 3, colors.white),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 7),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ]
            )
        )
        self.flow([grid, Spacer(0, 8)])

    def table(self, block: b.Table) -> None:
        if not block.rows:
            return
        styles = self.styles
        count = len(block.headers)
        rows = [tuple(row[:count]) + ("",) * (count - len(row)) for row in block.rows]
        widths = column_widths(block.headers, rows, block.widths)
        data = [
            [
                RLParagraph(
                    text(value), styles["header_num" if index in block.numeric else "header"]
                )
                for index, value in enumerate(block.headers)
            ]
        ]
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("LINEBELOW", (0, 0), (-1, 0), 1, BLUE),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            # Cells drawn as plain strings: the same font as the Paragraph ones.
            ("FONTNAME", (0, 1), (-1, -1), FONT),
            ("FONTSIZE", (0, 1), (-1, -1), CELL_SIZE),
            ("LEADING", (0, 1), (-1, -1), CELL_LEADING),
            ("TEXTCOLOR", (0, 1), (-1, -1), TEXT),
            *(("ALIGN", (index, 1), (index, -1), "RIGHT") for index in sorted(block.numeric)),
        ]
        room = [width - 2 * CELL_PADDING - 1 for width in widths]
        for number, cells in enumerate(rows, 1):
            emphasised = (number - 1) in block.emphasis
            if emphasised:
                commands.append(("BACKGROUND", (0, number), (-1, number), GROUP_BG))
                # A group title (an axis, a fiche) runs over the empty cells after it.
                if count > 2 and not any(cell.strip() for cell in cells[2:]):
                    commands.append(("SPAN", (1, number), (-1, number)))
                data.append(
                    [RLParagraph(text(cell), styles["cell_bold"]) if cell else "" for cell in cells]
                )
                continue
            # A short text is drawn as is (much faster than a Paragraph); a longer one wraps.
            data.append(
                [
                    cell
                    if "\n" not in cell
                    and (
                        len(cell) < 4
                        or pdfmetrics.stringWidth(cell, FONT, CELL_SIZE) <= room[index]
                    )
                    else RLParagraph(
                        text(cell), styles["cell_num" if index in block.numeric else "cell"]
                    )
                    for index, cell in enumerate(cells)
                ]
            )
        grid = RLTable(
            data,
            colWidths=widths,
            repeatRows=1,
            splitByRow=1,
            splitInRow=SPLIT_IN_ROW,
            hAlign="LEFT",
        )
        grid.setStyle(TableStyle(commands))
        # Room for the headings, the caption, the header row and the first rows.
        self.story.append(CondPageBreak(3.5 * cm + 0.7 * cm * len(self.pending)))
        if block.caption:
            self.pending.append(RLParagraph(text(block.caption), styles["caption"]))
        self.flow([grid, Spacer(0, 8)], keep=0)

    def chart(self, block: b.Chart, *, with_alt: bool = True) -> None:
        width, height = block.width_cm * cm, block.height_cm * cm
        # Scaled to the frame, leaving room for the caption and the text alternative.
        scale = min(1.0, FRAME_WIDTH / width, (FRAME_HEIGHT - 3 * cm) / height)
        image = Image(io.BytesIO(block.png), width=width * scale, height=height * scale)
        image.hAlign = "LEFT"
        parts: list[Flowable] = []
        if block.caption:
            parts.append(RLParagraph(text(block.caption), self.styles["caption"]))
        parts.append(image)
        if with_alt and block.alt:
            parts.append(RLParagraph(text(block.alt), self.styles["alt"]))
        else:
            parts.append(Spacer(0, 6))
        if self.pending:
            self.flow(parts, keep=len(parts))
        else:
            self.flow([KeepTogether(parts)])


def _longest_word(value: str) -> str:
    return max(value.split(), key=len, default="")


def column_widths(
    headers: tuple[str, ...], rows: list[tuple[str, ...]], weights: tuple[float, ...] | None
) -> list[float]:
    """Return the widths of a table's columns: as weighted, but each wide enough for its words.

    A column narrower than its longest word (header in bold, cells in the body font) takes the
    room it needs from the columns that have some to spare, so that no word is cut or overflows.
    """
    count = len(headers)
    weights = list(weights) if weights and len(weights) == count else [1.0] * count
    total = sum(weights)
    widths = [FRAME_WIDTH * weight / total for weight in weights]
    needs = []
    for index in range(count):
        header_word = _longest_word(headers[index])
        cell_word = max((_longest_word(row[index]) for row in rows), key=len, default="")
        need = max(
            pdfmetrics.stringWidth(header_word, FONT_BOLD, CELL_SIZE),
            pdfmetrics.stringWidth(cell_word, FONT, CELL_SIZE) * 1.1,
        )
        needs.append(need + 2 * CELL_PADDING + 1)
    if sum(needs) >= FRAME_WIDTH:
        return [FRAME_WIDTH * need / sum(needs) for need in needs]
    for _ in range(count):
        short = sum(max(0.0, need - width) for need, width in zip(needs, widths, strict=True))
        if short <= 0.01:
            break
        spare = [max(0.0, width - need) for need, width in zip(needs, widths, strict=True)]
        room = sum(spare)
        widths = [
            max(width, need) - (short * extra / room if room else 0.0)
            for need, width, extra in zip(needs, widths, spare, strict=True)
        ]
    return widths


# --- The document ------------------------------------------------------------------------------


def write_pdf(
    blocks: list[b.Block], *, title: str, author: str = "Pilote CTG", subject: str = SUBJECT
) -> bytes:
    """Return the PDF of a bilan from its blocks (see outline.build_blocks)."""
    register_fonts()
    writer = _Writer()
    for index, block in enumerate(blocks):
        writer.add(block, blocks[index + 1] if index + 1 < len(blocks) else None)
    writer.finish()
    if not writer.story:
        writer.story.append(RLParagraph("Ce bilan est vide.", writer.styles["body"]))
    buffer = io.BytesIO()
    document = _Document(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject=subject,
        creator="Pilote CTG",
        lang="fr-FR",
        displayDocTitle=1,
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_WIDTH, FRAME_HEIGHT, id="text")
    cover_frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_WIDTH, FRAME_HEIGHT, id="cover")
    templates = [PageTemplate("cover", [cover_frame]), PageTemplate("page", [frame])]
    has_cover = any(isinstance(block, b.Cover) for block in blocks[:1])
    document.addPageTemplates(templates if has_cover else templates[::-1])
    canvas_class = type(
        "BilanCanvas",
        (_NumberedCanvas,),
        {"footer_title": title, "plain_first_page": has_cover},
    )
    # Binary streams rather than ASCII85: the same PDF, a third smaller and much faster to
    # write without reportlab's optional C accelerator.
    use_a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        document.build(writer.story, canvasmaker=canvas_class)
    finally:
        rl_config.useA85 = use_a85
    return buffer.getvalue()
