"""Sober 16:9 slide decks with python-pptx: titles, text boxes and tables that fit their slide.

python-pptx cannot measure text, so texts are fitted by an estimate of their width in Arial
(`count_lines`, rounded up on purpose): titles are shortened with "…" (their full text goes to the
speaker notes) and tables are split into "(suite)" slides by their estimated height, so that
nothing leaves the slide. Text and tables are written as DrawingML built in one piece: going
through python-pptx's object model for every run and cell costs seconds on a large plan.

Used by the COPIL deck of a bilan (slides/). Sizes are in inches, colours in hex (DSFR).
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import pptx
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.oxml import parse_xml
from pptx.util import Emu, Inches, Pt

# --- Look (DSFR colours; Marianne, the DSFR font, is not on most computers) -------------------

FONT = "Arial"
BLUE = "000091"
LIGHT_BLUE = "F5F5FE"
GROUP_FILL = "E3E3FD"
RED = "CE0500"
TEXT = "161616"
MUTED = "666666"
RULE = "DDDDDD"
ROW_ALT = "F6F6F6"
WHITE = "FFFFFF"

# --- Geometry, in inches ------------------------------------------------------------------------

SLIDE_W, SLIDE_H = 13 + 1 / 3, 7.5  # PowerPoint's 16:9 (33,867 × 19,05 cm)
MARGIN = 0.5
CONTENT_W = SLIDE_W - 2 * MARGIN
TITLE_TOP, TITLE_H, TITLE_PT = 0.3, 0.65, 24
SUBTITLE_TOP, SUBTITLE_PT = 0.95, 14
BODY_TOP = 1.45  # below a subtitle
PLAIN_TOP = 1.2  # below a title alone
BODY_BOTTOM = 6.8
FOOTER_TOP = 7.0
TEXT_INSET = 0.1
TABLE_PT = 11
CELL_X, CELL_Y = 0.06, 0.035
MAX_TABLE_ROWS = 10
BULLET_INDENT = 0.25
# Average advance of a character of Arial, in ems: the widest of the plan titles, excerpts and
# indicator names of the demo CTGs (0.50 and 0.53), rounded up, so that a text judged to fit fits.
CHAR_EM, BOLD_CHAR_EM = 0.52, 0.56
LINE_SPACING = 1.2

A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
TABLE_STYLE = "{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"  # python-pptx's default, themed
# Characters that XML 1.0 does not allow (text pasted from Word sometimes has them).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SPACES = re.compile(r"[ \t\r\n\x0b\x0c]+")  # not the non-breaking space


def clean(text: str) -> str:
    """Return the text without the characters XML forbids; every line break becomes "\\n".

    A textarea sends "\\r\\n": python-pptx would write the "\\r" as "_x000D_" in the slide.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    return _INVALID_XML.sub("", text)


# --- Fitting text ------------------------------------------------------------------------------


def _squash(text: str) -> str:
    """Return the text on one line, spaces collapsed (non-breaking spaces kept: "54 %")."""
    return _SPACES.sub(" ", text).strip()


def _chars_per_line(width: float, size: float, bold: bool = False) -> int:
    """Return how many characters of Arial at `size` points fit on a line `width` inches wide."""
    return max(1, int(width * 72 / (size * (BOLD_CHAR_EM if bold else CHAR_EM))))


def _wrap(text: str, chars: int) -> list[str]:
    return textwrap.wrap(text, chars, break_on_hyphens=False)


def count_lines(text: str, width: float, size: float, bold: bool = False) -> int:
    """Return the estimated number of lines of a text in a box `width` inches wide."""
    chars = _chars_per_line(width, size, bold)
    return sum(max(1, len(_wrap(part, chars))) for part in text.split("\n"))


def shorten(text: str, width: float, size: float, lines: int = 1, bold: bool = False) -> str:
    """Return the text cut at a word with "…" so that it fits on `lines` lines."""
    text = _squash(text)
    chars = _chars_per_line(width, size, bold)
    wrapped = _wrap(text, chars)
    if len(wrapped) <= lines:
        return text
    kept = wrapped[:lines]
    last = kept[-1]
    if len(last) >= chars:
        last = last[: chars - 1].rsplit(" ", 1)[0] if " " in last else last[: chars - 1]
    kept[-1] = last.rstrip(" ,;:.–-") + "…"
    return " ".join(kept)


def clip(text: str, limit: int) -> str:
    """Return at most `limit` characters of a text, cut at a word with "…"."""
    text = _squash(text)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.–-") + "…"


def line_height(size: float) -> float:
    """Return the height in inches of a line of text at `size` points."""
    return size * LINE_SPACING / 72


@dataclass
class Run:
    text: str
    colour: str | None = None
    bold: bool = False


@dataclass
class Para:
    """A paragraph of a text box or a table cell."""

    runs: list[Run]
    size: float = 14
    before: float = 0  # space before, in points
    align: str = "l"  # DrawingML: l, ctr, r
    bullet: bool = False

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def paragraph(text: str, size: float = 14, *, colour=None, bold=False, **options) -> Para:
    return Para([Run(text, colour, bold)], size, **options)


def text_height(paras: list[Para], width: float) -> float:
    """Return the estimated height in inches of paragraphs in a box `width` inches wide."""
    total = 0.0
    for para in paras:
        inner = width - (BULLET_INDENT if para.bullet else 0)
        bold = any(run.bold for run in para.runs)
        total += count_lines(para.text, inner, para.size, bold) * line_height(para.size)
        total += para.before / 72
    return total


def fit_paragraphs(text: str, width: float, size: float, height: float) -> list[str]:
    """Return the paragraphs of a text that fit in `height` inches, the last one shortened."""
    kept: list[str] = []
    available = int(height / line_height(size))
    for part in filter(None, (line.strip() for line in text.split("\n"))):
        lines = count_lines(part, width, size)
        if lines <= available:
            kept.append(part)
            available -= lines
            continue
        if available > 0:
            kept.append(shorten(part, width, size, available))
        elif kept:
            kept[-1] = clip(kept[-1], len(kept[-1]) - 1)
        break
    return kept


# --- DrawingML ---------------------------------------------------------------------------------


def _emu(inches: float) -> int:
    return int(Inches(inches))


def _run_xml(run: Run, size: float) -> str:
    text = escape(clean(run.text).replace("\n", " "))
    return (
        f'<a:r><a:rPr lang="fr-FR" sz="{round(size * 100)}" b="{int(run.bold)}" dirty="0">'
        f'<a:solidFill><a:srgbClr val="{run.colour or TEXT}"/></a:solidFill>'
        f'<a:latin typeface="{FONT}"/><a:cs typeface="{FONT}"/></a:rPr><a:t>{text}</a:t></a:r>'
    )


def _para_xml(para: Para) -> str:
    props = f' algn="{para.align}"'
    inner = f'<a:spcBef><a:spcPts val="{round(para.before * 100)}"/></a:spcBef>'
    if para.bullet:
        indent = _emu(BULLET_INDENT)
        props += f' marL="{indent}" indent="-{indent}"'
        inner += (
            f'<a:buClr><a:srgbClr val="{BLUE}"/></a:buClr><a:buFont typeface="{FONT}"/>'
            '<a:buChar char="•"/>'
        )
    else:
        inner += "<a:buNone/>"
    runs = "".join(_run_xml(run, para.size) for run in para.runs if run.text)
    end = f'<a:endParaRPr lang="fr-FR" sz="{round(para.size * 100)}" dirty="0"/>'
    return f"<a:p><a:pPr{props}>{inner}</a:pPr>{runs}{end}</a:p>"


def _body_xml(tag: str, paras: list[Para], *, inset: float, anchor: str = "t") -> str:
    x, y = _emu(inset), _emu(inset / 2)
    return (
        f'<{tag} xmlns:a="{A_NS}" xmlns:p="{P_NS}"><a:bodyPr wrap="square" lIns="{x}" '
        f'tIns="{y}" rIns="{x}" bIns="{y}" anchor="{anchor}" rtlCol="0"><a:noAutofit/></a:bodyPr>'
        f"<a:lstStyle/>{''.join(_para_xml(para) for para in paras)}</{tag}>"
    )


def set_text(shape, paras: list[Para], *, inset=TEXT_INSET, anchor="t") -> None:
    """Replace the text of a shape (text box, placeholder) by these paragraphs."""
    old = shape._element.txBody
    old.getparent().replace(
        old, parse_xml(_body_xml("p:txBody", paras, inset=inset, anchor=anchor))
    )


Cell = str | list[Run]


@dataclass
class Column:
    header: str
    width: float  # inches
    numeric: bool = False


@dataclass
class Row:
    cells: list[Cell]
    group: bool = False  # a group title (an orientation, a fiche): one merged cell
    depth: int = 1  # of a group title: 1 for the outer groups, paler below
    note: str = ""  # the row in full, for the speaker notes


def _cell_paras(value: Cell, size: float, align: str, colour=None, bold=False) -> list[Para]:
    """Return the paragraphs of a cell; a "\\n" inside a run starts a new paragraph."""
    runs = [Run(value)] if isinstance(value, str) else value
    paragraphs: list[list[Run]] = [[]]
    for run in runs:
        for index, piece in enumerate(run.text.split("\n")):
            if index:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(Run(piece, colour or run.colour, bold or run.bold))
    return [Para(runs, size, align=align) for runs in paragraphs]


def _cell_xml(paras: list[Para], fill: str, span: int = 1) -> str:
    margins = (
        f'marL="{_emu(CELL_X)}" marR="{_emu(CELL_X)}" marT="{_emu(CELL_Y)}" '
        f'marB="{_emu(CELL_Y)}" anchor="t"'
    )
    attributes = f' gridSpan="{span}"' if span > 1 else ""
    body = "".join(_para_xml(para) for para in paras)
    cell = (
        f"<a:tc{attributes}><a:txBody><a:bodyPr/><a:lstStyle/>{body}</a:txBody>"
        f'<a:tcPr {margins}><a:solidFill><a:srgbClr val="{fill}"/></a:solidFill></a:tcPr></a:tc>'
    )
    merged = '<a:tc hMerge="1"><a:txBody><a:bodyPr/><a:lstStyle/><a:p/></a:txBody><a:tcPr/></a:tc>'
    return cell + merged * (span - 1)


def _cell_text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else "".join(run.text for run in cell)


def row_height(row: Row, columns: list[Column], size: float) -> float:
    """Return the estimated height in inches of a table row (its tallest cell)."""
    if row.group:
        pairs = [(_cell_text(row.cells[0]), sum(column.width for column in columns))]
    else:
        pairs = [(_cell_text(c), col.width) for c, col in zip(row.cells, columns, strict=True)]
    lines = max(count_lines(text, width - 2 * CELL_X, size, row.group) for text, width in pairs)
    return lines * line_height(size) + 2 * CELL_Y + 0.04


def _table_xml(columns: list[Column], rows: list[Row], heights: list[int], size: float) -> str:
    """Return an a:tbl: blue header row, banded rows, group rows merged across the columns."""
    grid = "".join(f'<a:gridCol w="{_emu(column.width)}"/>' for column in columns)
    aligns = ["r" if column.numeric else "l" for column in columns]
    header = "".join(
        _cell_xml(_cell_paras(column.header, size, align, WHITE, True), BLUE)
        for column, align in zip(columns, aligns, strict=True)
    )
    parts = [f'<a:tr h="{heights[0]}">{header}</a:tr>']
    for index, (row, height) in enumerate(zip(rows, heights[1:], strict=True), start=1):
        if row.group:
            paras = _cell_paras(row.cells[0], size, "l", bold=True)
            fill = GROUP_FILL if row.depth <= 1 else LIGHT_BLUE
            cells = _cell_xml(paras, fill, span=len(columns))
        else:
            fill = ROW_ALT if index % 2 == 0 else WHITE
            cells = "".join(
                _cell_xml(_cell_paras(cell, size, align), fill)
                for cell, align in zip(row.cells, aligns, strict=True)
            )
        parts.append(f'<a:tr h="{height}">{cells}</a:tr>')
    return (
        f'<a:tbl xmlns:a="{A_NS}"><a:tblPr firstRow="1"><a:tableStyleId>{TABLE_STYLE}'
        f"</a:tableStyleId></a:tblPr><a:tblGrid>{grid}</a:tblGrid>{''.join(parts)}</a:tbl>"
    )


def _paginate(heights: list[float], groups: list[bool], space: list[float], max_rows: int):
    """Return the row indexes of each page, the first page having `space[0]` inches of room.

    `max_rows` counts the rows that are not group titles. No page ends on a group title: it
    moves on with its rows.
    """
    pages: list[list[int]] = []
    current: list[int] = []
    used = 0.0
    for index, height in enumerate(heights):
        room = space[min(len(pages), len(space) - 1)]
        rows = sum(not groups[i] for i in current) + (not groups[index])
        if current and (used + height > room or rows > max_rows):
            moved = []
            while len(current) > 1 and groups[current[-1]]:
                moved.insert(0, current.pop())
            pages.append(current)
            current, used = moved, sum(heights[i] for i in moved)
        current.append(index)
        used += height
    return [*pages, current] if current else pages


def _balanced_pages(heights: list[float], groups: list[bool], space: list[float], max_rows: int):
    """Return the pages of `_paginate`, evened out: 11 rows make 6 + 5 rather than 10 + 1."""
    pages = _paginate(heights, groups, space, max_rows)
    if len(pages) < 2:
        return pages or [[]]
    actions = sum(not group for group in groups)
    for fewer in range(math.ceil(actions / len(pages)), max_rows):
        even = _paginate(heights, groups, space, fewer)
        if len(even) == len(pages):
            return even
    return pages


# --- The deck ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _template() -> bytes:
    """Return python-pptx's default template with Arial and the DSFR blue in its theme.

    Patching the theme rather than each run makes what users type later Arial and blue too.
    """
    source = Path(pptx.__file__).parent / "templates" / "default.pptx"
    output = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(output, "w") as patched:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "ppt/theme/theme1.xml":
                theme = data.decode().replace('typeface="Calibri"', f'typeface="{FONT}"')
                theme = re.sub(
                    r"<a:accent1>.*?</a:accent1>",
                    f'<a:accent1><a:srgbClr val="{BLUE}"/></a:accent1>',
                    theme,
                    flags=re.S,
                )
                data = theme.encode()
            patched.writestr(item, data)
    return output.getvalue()


class Deck:
    """A presentation being built: slides with a title band; footers are added at the end."""

    def __init__(self, *, title: str, subject: str, footer: str):
        self.presentation = Presentation(io.BytesIO(_template()))
        self.presentation.slide_width = Emu(round(SLIDE_W * 914400))
        self.presentation.slide_height = Emu(round(SLIDE_H * 914400))
        properties = self.presentation.core_properties
        properties.title, properties.subject = clean(title), clean(subject)
        properties.author = properties.last_modified_by = "Pilote CTG"
        properties.language = "fr-FR"
        properties.revision = 1
        self.footer = footer

    def slide(self, title: str, *, subtitle: str = "", notes: str = "", suffix: str = ""):
        """Add a slide with its title (one line, shortened before `suffix`) and a subtitle."""
        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[5])
        self.rectangle(slide, (0, 0, SLIDE_W, 0.12), BLUE)
        shape = slide.shapes.title
        shape.left, shape.top = Inches(MARGIN), Inches(TITLE_TOP)
        shape.width, shape.height = Inches(CONTENT_W), Inches(TITLE_H)
        room = CONTENT_W - 2 * TEXT_INSET - len(suffix) * BOLD_CHAR_EM * TITLE_PT / 72
        shown = shorten(title, room, TITLE_PT, bold=True)
        set_text(shape, [paragraph(shown + suffix, TITLE_PT, colour=BLUE, bold=True)], anchor="ctr")
        full = [title] if shown != title else []
        if subtitle:
            shown_subtitle = shorten(subtitle, CONTENT_W - 2 * TEXT_INSET, SUBTITLE_PT)
            full += [subtitle] if shown_subtitle != subtitle else []
            box = (MARGIN, SUBTITLE_TOP, CONTENT_W, 0.4)
            self.text(slide, box, [paragraph(shown_subtitle, SUBTITLE_PT, colour=MUTED)])
        self.notes(slide, *full, notes)
        return slide

    def notes(self, slide, *paragraphs: str) -> None:
        """Add paragraphs to the speaker notes of a slide."""
        text = clean("\n".join(filter(None, paragraphs)))
        if not text:
            return
        frame = slide.notes_slide.notes_text_frame
        frame.text = f"{frame.text}\n{text}" if frame.text else text

    def text(self, slide, box, paras: list[Para], *, name: str = ""):
        """Add a text box; box: (left, top, width, height) in inches."""
        shape = slide.shapes.add_textbox(*(Inches(value) for value in box))
        if name:
            shape.name = name
        set_text(shape, paras)
        return shape

    def rectangle(self, slide, box, colour: str, *, line: str | None = None):
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, *(Inches(value) for value in box))
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(colour)
        if line:
            shape.line.color.rgb = RGBColor.from_string(line)
            shape.line.width = Pt(0.75)
        else:
            shape.line.fill.background()
        shape.shadow.inherit = False
        return shape

    def key_figures(self, slide, figures: list[tuple[str, str, str]], *, top: float) -> float:
        """Add a row of boxes (value, label, colour of the value); return their bottom."""
        gap, height = 0.25, 1.45
        width = (CONTENT_W - gap * (len(figures) - 1)) / len(figures)
        for index, (value, label, colour) in enumerate(figures):
            box = (MARGIN + index * (width + gap), top, width, height)
            shape = self.rectangle(slide, box, LIGHT_BLUE, line=RULE)
            shape.name = f"Chiffre clé {index + 1}"
            inner = width - 2 * TEXT_INSET
            size = next((s for s in (32, 26, 20) if count_lines(value, inner, s, True) == 1), 20)
            value = shorten(value, inner, size, bold=True)
            label = shorten(label, inner, 13, 2)
            paras = [
                paragraph(value, size, colour=colour, bold=True, align="ctr"),
                paragraph(label, 13, align="ctr"),
            ]
            set_text(shape, paras, anchor="ctr")
        return top + height

    def table(self, slide, columns, rows: list[Row], *, top: float, left=MARGIN, size=TABLE_PT):
        """Add a table with its rows sized by estimate; return its bottom."""
        heights = [_emu(row_height(Row([c.header for c in columns]), columns, size))]
        heights += [_emu(row_height(row, columns, size)) for row in rows]
        width = sum(_emu(column.width) for column in columns)
        frame = slide.shapes.add_table(1, 1, Inches(left), Inches(top), width, sum(heights))
        old = frame._element.graphic.graphicData.tbl
        old.getparent().replace(old, parse_xml(_table_xml(columns, rows, heights, size)))
        return top + Emu(sum(heights)).inches

    def table_slides(
        self,
        title,
        columns,
        rows: list[Row],
        *,
        subtitle="",
        notes="",
        before=None,
        size=TABLE_PT,
        max_rows=MAX_TABLE_ROWS,
    ) -> list:
        """Add a table on as many slides as needed ("(suite)"); return the slides.

        `before(slide) -> float` draws what comes above the table on the first slide and
        returns where the table starts.
        """
        top = BODY_TOP if subtitle else PLAIN_TOP
        first = self.slide(title, subtitle=subtitle, notes=notes)
        first_top = before(first) if before else top
        header = row_height(Row([c.header for c in columns]), columns, size)
        heights = [row_height(row, columns, size) for row in rows]
        space = [BODY_BOTTOM - first_top - header, BODY_BOTTOM - top - header]
        # Room for a repeated group title at the top of "(suite)" pages.
        space[1] -= max((h for h, r in zip(heights, rows, strict=True) if r.group), default=0)
        pages = _balanced_pages(heights, [row.group for row in rows], space, max_rows)
        slides = []
        for number, page in enumerate(pages):
            if number:
                slide = self.slide(title, subtitle=subtitle, notes=notes, suffix=" (suite)")
            else:
                slide = first
            page_rows = [rows[i] for i in page]
            if number and page_rows and not page_rows[0].group:
                # A "(suite)" page that starts inside a group repeats the group's title.
                group = next((rows[i] for i in range(page[0] - 1, -1, -1) if rows[i].group), None)
                if group is not None:
                    text = _cell_text(group.cells[0]).removesuffix("…") + " (suite)"
                    page_rows.insert(0, Row([text], group=True, depth=group.depth))
            if page_rows:
                self.table(slide, columns, page_rows, top=top if number else first_top, size=size)
            self.notes(slide, *(row.note for row in page_rows))
            slides.append(slide)
        return slides

    def chart(self, slide, kind, data: CategoryChartData, box, *, alt: str):
        """Add a native chart with its text alternative; box: (left, top, width, height)."""
        frame = slide.shapes.add_chart(kind, *(Inches(value) for value in box), data)
        frame._element.nvGraphicFramePr.cNvPr.set("descr", clean(alt))
        chart = frame.chart
        chart.font.name = FONT
        chart.font.size = Pt(12)
        chart.font.color.rgb = RGBColor.from_string(TEXT)
        return chart

    def finish(self) -> bytes:
        """Add the footer and "n / N" to every slide but the first (the cover); return the file."""
        slides = list(self.presentation.slides)
        footer = shorten(self.footer, CONTENT_W - 1.4, 10)
        for number, slide in enumerate(slides[1:], start=2):
            self.rectangle(slide, (MARGIN, FOOTER_TOP - 0.06, CONTENT_W, 0.01), RULE)
            box = (MARGIN, FOOTER_TOP, CONTENT_W - 1.2, 0.32)
            self.text(slide, box, [paragraph(footer, 10, colour=MUTED)], name="Pied de page")
            box = (SLIDE_W - MARGIN - 1.2, FOOTER_TOP, 1.2, 0.32)
            paras = [paragraph(f"{number} / {len(slides)}", 10, colour=MUTED, align="r")]
            self.text(slide, box, paras, name="Numéro de diapositive")
        output = io.BytesIO()
        self.presentation.save(output)
        return output.getvalue()
