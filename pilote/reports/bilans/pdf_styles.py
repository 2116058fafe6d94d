"""The look of a bilan's PDF: page, DSFR colours, fonts (DejaVu Sans) and paragraph styles."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 2 * cm
MARGIN_TOP = 1.8 * cm
MARGIN_BOTTOM = 2.2 * cm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

# DSFR colours: blue France, grey text, light backgrounds.
BLUE = colors.HexColor("#000091")
TEXT = colors.HexColor("#161616")
MUTED = colors.HexColor("#666666")
RULE = colors.HexColor("#dddddd")
HEADER_BG = colors.HexColor("#e3e3fd")
GROUP_BG = colors.HexColor("#f5f5fe")
FIGURE_BG = colors.HexColor("#f6f6f6")
STATUS_DRAFT_BG = colors.HexColor("#fff4e6")
STATUS_CLOSED_BG = colors.HexColor("#e6f4ea")

CELL_SIZE = 7.8  # points, the text of table cells
CELL_LEADING = 9.8
CELL_PADDING = 4
# A row taller than what is left of the page splits inside (parts of 2 cm at least), rather than
# fail on a text pasted at length into one cell.
SPLIT_IN_ROW = 2 * cm
INTRO_LENGTH = 400  # characters: a paragraph shorter than that stays with the table after it

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"


# --- Fonts -------------------------------------------------------------------------------------


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique) from matplotlib's fonts, once."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name in (FONT, FONT_BOLD, FONT_ITALIC):
        pdfmetrics.registerFont(TTFont(name, str(folder / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
    )


# --- Styles ------------------------------------------------------------------------------------


def paragraph_styles() -> dict[str, ParagraphStyle]:
    """Return the paragraph styles of the bilan's PDF, by name."""
    base = ParagraphStyle(
        "body", fontName=FONT, fontSize=9.5, leading=13, textColor=TEXT, spaceAfter=5
    )
    cell = ParagraphStyle(
        "cell", parent=base, fontSize=CELL_SIZE, leading=CELL_LEADING, spaceAfter=0
    )
    return {**_text_styles(base), **_cell_styles(cell), **_cover_styles(base)}


def _text_styles(base: ParagraphStyle) -> dict[str, ParagraphStyle]:
    return {
        "body": base,
        "lead": ParagraphStyle("lead", parent=base, fontSize=11, leading=15.5, spaceAfter=7),
        "muted": ParagraphStyle(
            "muted", parent=base, fontSize=8.3, leading=11, textColor=MUTED, spaceAfter=5
        ),
        "bullet": ParagraphStyle(
            "bullet", parent=base, leftIndent=12, bulletIndent=2, spaceAfter=3
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=19,
            leading=24,
            textColor=BLUE,
            spaceBefore=0,
            spaceAfter=12,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=13.5,
            leading=17,
            spaceBefore=12,
            spaceAfter=6,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=8.3,
            leading=11,
            textColor=MUTED,
            spaceBefore=4,
            spaceAfter=3,
        ),
        "alt": ParagraphStyle(
            "alt", parent=base, fontSize=7.3, leading=9.5, textColor=MUTED, spaceAfter=8
        ),
    }


def _cell_styles(cell: ParagraphStyle) -> dict[str, ParagraphStyle]:
    return {
        "cell": cell,
        "cell_bold": ParagraphStyle("cell_bold", parent=cell, fontName=FONT_BOLD),
        "cell_num": ParagraphStyle("cell_num", parent=cell, alignment=TA_RIGHT),
        "header": ParagraphStyle("header", parent=cell, fontName=FONT_BOLD, textColor=BLUE),
        "header_num": ParagraphStyle(
            "header_num", parent=cell, fontName=FONT_BOLD, textColor=BLUE, alignment=TA_RIGHT
        ),
    }


def _cover_styles(base: ParagraphStyle) -> dict[str, ParagraphStyle]:
    return {
        "figure_value": ParagraphStyle(
            "figure_value",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=19,
            textColor=BLUE,
            spaceAfter=1,
        ),
        "figure_label": ParagraphStyle(
            "figure_label", parent=base, fontSize=7.8, leading=10, textColor=MUTED, spaceAfter=0
        ),
        "cover_kicker": ParagraphStyle(
            "cover_kicker",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=10,
            leading=13,
            textColor=MUTED,
            spaceAfter=10,
        ),
        "cover_title": ParagraphStyle(
            "cover_title",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=32,
            leading=38,
            textColor=BLUE,
            spaceAfter=14,
        ),
        "cover_name": ParagraphStyle(
            "cover_name", parent=base, fontName=FONT_BOLD, fontSize=17, leading=22, spaceAfter=14
        ),
        "cover_line": ParagraphStyle(
            "cover_line", parent=base, fontSize=11, leading=16, spaceAfter=3
        ),
        "cover_status": ParagraphStyle(
            "cover_status", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=14
        ),
    }
