"""The text of a document as the plan parser reads it: blocks (paragraphs, table rows) of spans.

pilote.imports.extract fills a Document from a DOCX (docx_reader), an ODT (odt_reader), a PDF
(pdf_reader) or a text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_BLOCKS = 200_000
MAX_COLUMNS = 50  # wider "tables" are not plans: the rest of the row stays in the last cell
MAX_PDF_PAGES = 2_000
MAX_TEXT_CHARS = 10_000_000
# A DOCX is a zip (its size once decompressed: pilote.core.zips); what python-docx may parse:
MAX_XML_ELEMENTS = 500_000  # a 300-page plan holds about 250 000
MAX_DOCX_PARAGRAPHS = 30_000  # paragraphs and table rows; a 300-page plan holds about 15 000
FORMAT_LABELS = {
    "docx": "document Word",
    "odt": "document OpenDocument",
    "pdf": "PDF",
    "text": "texte",
}


@dataclass
class Span:
    """One paragraph inside a table cell (or one piece of a line split by <p> or <br>)."""

    text: str
    bold: bool = False


@dataclass
class Block:
    """One paragraph or one table row of the document, in reading order."""

    line: int  # line (text), paragraph (DOCX) or line of the page (PDF) the user can find
    text: str = ""
    bold: bool = False
    heading: int = 0  # 1–6 for a Markdown "#" or a Word "Titre N" paragraph, else 0
    bullet: bool = False  # a Word list item whose bullet is not part of the text
    cells: list[list[Span]] | None = None  # a table row: each cell holds its paragraphs
    table: int = 0  # rows of the same table share this number (1, 2, …)
    page: int = 0  # PDF page, 1-based

    @property
    def is_row(self) -> bool:
        return self.cells is not None

    @property
    def is_blank(self) -> bool:
        return self.cells is None and not self.text.strip()


@dataclass
class Document:
    blocks: list[Block]
    format: str  # "docx", "odt", "pdf" or "text"
    filename: str = ""
    encoding: str = ""
    pages: int = 0
    notes: list[str] = field(default_factory=list)  # French remarks on the reading itself

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS[self.format]
