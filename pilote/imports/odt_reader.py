"""Read an OpenDocument text (ODT, LibreOffice Writer) into blocks, as docx_reader does Word's.

Headings (text:h and their outline level), paragraphs, list items (as bullets), tables (a row a
block, merged cells empty) and text boxes (read after their anchor paragraph). Bold comes from
the paragraph's style or from spans all in bold. The XML is parsed by defusedxml, after the
archive's checks (pilote.core.zips) and a count of its elements.
"""

from __future__ import annotations

from defusedxml import ElementTree

from pilote.core.zips import ZipLimitError, open_checked

from .document import MAX_BLOCKS, MAX_COLUMNS, MAX_XML_ELEMENTS, Block, Document, Span
from .exceptions import DocumentError

OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"

_DAMAGED = (
    "Le document OpenDocument est endommagé ou tronqué : il ne peut pas être lu. "
    "Enregistrez-le de nouveau, puis recommencez."
)
# What a paragraph's text is made of besides plain text; notes and annotations are left out.
_SKIPPED = {f"{TEXT}note", f"{OFFICE}annotation", f"{TEXT}bookmark-ref", f"{DRAW}frame"}


def read_odt(data: bytes) -> Document:
    try:
        archive = open_checked(data, what="Le document OpenDocument")
        content = archive.read("content.xml")
        styles = archive.read("styles.xml") if "styles.xml" in archive.namelist() else b""
    except ZipLimitError as error:
        raise DocumentError(error.message) from None
    except Exception:
        raise DocumentError(_DAMAGED) from None
    if content.count(b"<") + styles.count(b"<") > MAX_XML_ELEMENTS:
        raise DocumentError(
            "Le document OpenDocument est anormalement long ou complexe : il ne peut pas être "
            "analysé. Importez seulement la partie qui contient le plan d'actions."
        )
    try:
        root = ElementTree.fromstring(content)
        bold = _bold_styles([root] + ([ElementTree.fromstring(styles)] if styles else []))
    except Exception:
        raise DocumentError(_DAMAGED) from None
    body = root.find(f"{OFFICE}body/{OFFICE}text")
    reader = _OdtReader(bold)
    if body is not None:
        reader.walk(body, bullet=False)
    return Document(blocks=reader.blocks, format="odt")


def _bold_styles(roots) -> set[str]:
    """Return the names of the paragraph and text styles that set bold (or inherit it)."""
    weight: dict[str, bool | None] = {}
    parent: dict[str, str] = {}
    for root in roots:
        for style in root.iter(f"{STYLE}style"):
            name = style.get(f"{STYLE}name") or ""
            parent[name] = style.get(f"{STYLE}parent-style-name") or ""
            properties = style.find(f"{STYLE}text-properties")
            value = properties.get(f"{FO}font-weight") if properties is not None else None
            weight[name] = None if value is None else value in ("bold", "700", "800", "900")
    bold = set()
    for name in weight:
        seen, current = set(), name
        while current and current not in seen and weight.get(current) is None:
            seen.add(current)
            current = parent.get(current, "")
        if current and weight.get(current):
            bold.add(name)
    return bold


class _OdtReader:
    def __init__(self, bold: set[str]) -> None:
        self.bold = bold
        self.blocks: list[Block] = []
        self.count = 0
        self.tables = 0

    def walk(self, parent, *, bullet: bool) -> None:
        for child in parent:
            if len(self.blocks) > MAX_BLOCKS:
                return
            tag = child.tag
            if tag in (f"{TEXT}p", f"{TEXT}h"):
                self._paragraph(child, bullet=bullet)
            elif tag == f"{TEXT}list":
                for item in child:
                    if item.tag in (f"{TEXT}list-item", f"{TEXT}list-header"):
                        self.walk(item, bullet=item.tag == f"{TEXT}list-item")
            elif tag == f"{TABLE}table":
                self._table(child)
            elif tag in (f"{TEXT}section", f"{TEXT}index-body", f"{TABLE}table-rows"):
                self.walk(child, bullet=bullet)

    def _paragraph(self, element, *, bullet: bool) -> None:
        self.count += 1
        text = paragraph_text(element)
        heading = 0
        if element.tag == f"{TEXT}h":
            level = element.get(f"{TEXT}outline-level") or "1"
            heading = min(int(level), 6) if level.isdecimal() and int(level) > 0 else 1
        self.blocks.append(
            Block(
                line=self.count,
                text=text,
                bold=bool(text) and self._is_bold(element),
                heading=heading,
                bullet=bullet and bool(text),
            )
        )
        for box in element.iter(f"{DRAW}text-box"):
            self.walk(box, bullet=False)  # a fiche drawn in a frame, read after its anchor

    def _is_bold(self, element) -> bool:
        if element.get(f"{TEXT}style-name") in self.bold:
            return True
        spans = [span for span in element.iter(f"{TEXT}span") if (span.text or "").strip()]
        loose = (element.text or "").strip() or any((s.tail or "").strip() for s in spans)
        return (
            bool(spans)
            and not loose
            and all(span.get(f"{TEXT}style-name") in self.bold for span in spans)
        )

    def _table(self, element) -> None:
        self.tables += 1
        for row in element.iter(f"{TABLE}table-row"):
            self.count += 1
            cells = []
            for cell in row:
                if cell.tag not in (f"{TABLE}table-cell", f"{TABLE}covered-table-cell"):
                    continue
                spans = [
                    Span(paragraph_text(paragraph), self._is_bold(paragraph))
                    for paragraph in cell.iter()
                    if paragraph.tag in (f"{TEXT}p", f"{TEXT}h")
                ]
                repeat = cell.get(f"{TABLE}number-columns-repeated") or "1"
                copies = min(int(repeat), MAX_COLUMNS) if repeat.isdecimal() else 1
                cells.extend([spans] + [[] for _ in range(copies - 1)])
            if len(cells) > MAX_COLUMNS:
                cells[MAX_COLUMNS - 1] = [
                    span for cell in cells[MAX_COLUMNS - 1 :] for span in cell
                ]
                del cells[MAX_COLUMNS:]
            self.blocks.append(Block(line=self.count, cells=cells, table=self.tables))


def paragraph_text(element) -> str:
    """Return the visible text of a text:p or text:h: spans, spaces, tabs and line breaks."""
    parts: list[str] = []
    _collect(element, parts)
    return " ".join("".join(parts).split())


def _collect(element, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag
        if tag in (f"{TEXT}s", f"{TEXT}tab", f"{TEXT}line-break"):
            parts.append(" ")
        elif tag not in _SKIPPED:
            _collect(child, parts)
        if child.tail:
            parts.append(child.tail)
