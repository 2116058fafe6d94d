"""Read a Word document (DOCX) into blocks: paragraphs with their style, tables, list numbers.

The XML is read directly (python-docx only opens the package); the numbers Word draws in front
of numbered paragraphs are rebuilt by docx_numbering.
"""

from __future__ import annotations

import io
import re
import zipfile

from pilote.core.formats import french_number
from pilote.core.zips import ZipLimitError, open_checked

from .document import (
    MAX_BLOCKS,
    MAX_COLUMNS,
    MAX_DOCX_PARAGRAPHS,
    MAX_XML_ELEMENTS,
    Block,
    Document,
    Span,
)
from .docx_numbering import Numbering, W, val
from .exceptions import DocumentError


def read_docx(data: bytes) -> Document:
    try:
        archive = open_checked(data, what="Le document Word")
    except ZipLimitError as error:
        raise DocumentError(error.message) from None
    except Exception:
        raise DocumentError(
            "Le document Word est endommagé ou tronqué : il ne peut pas être ouvert. "
            "Enregistrez-le de nouveau, puis recommencez."
        ) from None
    _check_elements(archive)
    try:
        import docx  # python-docx: imported here, only documents need it

        word = docx.Document(io.BytesIO(data))
        blocks = _DocxReader(word).read()
    except DocumentError:
        raise
    except Exception:
        raise DocumentError(
            "Le document Word est endommagé ou tronqué : il ne peut pas être lu. "
            "Enregistrez-le de nouveau au format .docx, puis recommencez."
        ) from None
    return Document(blocks=blocks, format="docx")


def _check_elements(archive: zipfile.ZipFile) -> None:
    """Refuse, before parsing, a document with too many XML elements or paragraphs.

    python-docx parses every XML part at once: each element costs memory, each paragraph time.
    Counting "<" in the parts, read by chunks, stops as soon as a limit is passed.
    """
    elements = paragraphs = 0
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        body = info.filename == "word/document.xml"
        tail = b""  # the end of the previous chunk: a tag may straddle two
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                window = tail + chunk
                elements += chunk.count(b"<")
                if body:
                    paragraphs += sum(window.count(tag) for tag in _PARAGRAPH_TAGS)
                    paragraphs -= sum(tail.count(tag) for tag in _PARAGRAPH_TAGS)
                tail = window[-8:]
                if elements > MAX_XML_ELEMENTS or paragraphs > MAX_DOCX_PARAGRAPHS:
                    break  # refused: the rest is not read
    if elements > MAX_XML_ELEMENTS or paragraphs > MAX_DOCX_PARAGRAPHS:
        raise DocumentError(
            "Le document Word est anormalement long ou complexe "
            f"({french_number(paragraphs)} paragraphes et lignes de tableau, "
            f"{french_number(elements)} éléments) : il ne peut pas être analysé. Importez "
            "seulement la partie qui contient le plan d'actions."
        )


CHUNK = 1 << 20
# Paragraphs and table rows as Word writes them (the "w" prefix is Word's own).
_PARAGRAPH_TAGS = (b"<w:p>", b"<w:p ", b"<w:p/>", b"<w:tr>", b"<w:tr ", b"<w:tr/>")


class _DocxReader:
    """Walk the body of a Word document: paragraphs, tables, content controls.

    The XML is read directly: python-docx's Paragraph.style looks styles up again for every
    paragraph, which made a 40-page document take seconds.
    """

    def __init__(self, word) -> None:
        self.word = word
        self.blocks: list[Block] = []
        self.count = 0
        self.tables = 0
        self.styles = _StyleInfo(word)
        self.numbering = Numbering(word, self.styles)

    def read(self) -> list[Block]:
        self._walk(self.word.element.body)
        return self.blocks

    def _walk(self, parent) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == f"{W}p":
                self._paragraph(child)
            elif tag == f"{W}tbl":
                self._table(child)
            elif tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    self._walk(content)
            if len(self.blocks) > MAX_BLOCKS:
                return

    def _paragraph(self, element) -> None:
        self.count += 1
        style_id = self.styles.style_of(element)
        boxes = _text_boxes(element)
        text = _paragraph_text(element, skip=boxes)
        label, bullet = self.numbering.label(element, style_id)
        if label and text:
            text = f"{label} {text}"
        self.blocks.append(
            Block(
                line=self.count,
                text=text,
                bold=bool(text) and self.styles.runs_bold(element, style_id),
                heading=self.styles.heading_level(element, style_id),
                bullet=bullet or (bool(text) and self.styles.is_list(style_id)),
            )
        )
        for box in boxes:
            # A text box (a fiche drawn in a frame) is read after its anchor paragraph.
            self._walk(box)

    def _table(self, element) -> None:
        self.tables += 1
        table = self.tables
        for row in element.iterchildren(f"{W}tr"):
            cells: list[list[Span]] = []
            for cell in row.iterchildren(f"{W}tc"):
                properties = cell.find(f"{W}tcPr")
                span, continued = 1, False
                if properties is not None:
                    grid = properties.find(f"{W}gridSpan")
                    if grid is not None and str(grid.get(f"{W}val", "1")).isdecimal():
                        span = max(1, min(int(grid.get(f"{W}val")), 50))
                    merge = properties.find(f"{W}vMerge")
                    if merge is not None and merge.get(f"{W}val", "continue") == "continue":
                        continued = True
                cells.append([] if continued else self._cell_spans(cell))
                cells.extend([] for _ in range(span - 1))
                if len(cells) >= MAX_COLUMNS:
                    break
            self.count += 1
            self.blocks.append(Block(line=self.count, cells=cells, table=table))

    def _cell_spans(self, cell) -> list[Span]:
        spans = []
        for element in cell.iter(f"{W}p"):
            style_id = self.styles.style_of(element)
            text = _paragraph_text(element)
            label, _bullet = self.numbering.label(element, style_id)
            if label and text:
                text = f"{label} {text}"
            if text:
                spans.append(Span(text, self.styles.runs_bold(element, style_id)))
        return spans


MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"


def _text_boxes(element) -> list:
    """Return the text boxes anchored in a paragraph, each once.

    Word writes a text box twice: as a drawing (mc:Choice) and as its VML fallback for older
    readers (mc:Fallback); the fallback is read only when there is no drawing.
    """
    boxes = []
    for box in element.iter(f"{W}txbxContent"):
        if any(box in outer.iterdescendants() for outer in boxes):
            continue  # a box inside a box is read with the outer one
        fallback = next((a for a in box.iterancestors(f"{MC}Fallback")), None)
        if fallback is not None:
            alternate = fallback.getparent()
            choice = alternate.find(f"{MC}Choice") if alternate is not None else None
            if choice is not None and next(choice.iter(f"{W}txbxContent"), None) is not None:
                continue
        boxes.append(box)
    return boxes


def _paragraph_text(element, skip: list | None = None) -> str:
    """Return the visible text of a w:p (runs, tabs and breaks; not deleted revisions), without
    the text of the text boxes it anchors (read as paragraphs of their own)."""
    parts = []
    if skip is None:
        skip = _text_boxes(element)
    # The elements themselves, kept alive in the set, not their id(): lxml proxies come and go.
    hidden = {node for box in skip for node in box.iter()}
    hidden |= {node for fallback in element.iter(f"{MC}Fallback") for node in fallback.iter()}
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        if hidden and node in hidden:
            continue
        tag = node.tag
        if tag == f"{W}t":
            parts.append(node.text or "")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append(" ")
    return " ".join("".join(parts).split())


_TRUE = {None, "1", "true", "on"}


class _StyleInfo:
    """What the parser needs of the document's paragraph styles, computed once per style."""

    def __init__(self, word) -> None:
        self.names: dict[str, str] = {}
        self.based_on: dict[str, str] = {}
        self.bold: dict[str, bool | None] = {}
        self.outline: dict[str, int] = {}
        self.default = ""
        root = word.styles.element
        for style in root.iterchildren(f"{W}style"):
            style_id = style.get(f"{W}styleId") or ""
            name = style.find(f"{W}name")
            self.names[style_id] = (val(name) or "").lower()
            based = style.find(f"{W}basedOn")
            if based is not None:
                self.based_on[style_id] = val(based) or ""
            run = style.find(f"{W}rPr")
            bold = run.find(f"{W}b") if run is not None else None
            self.bold[style_id] = None if bold is None else val(bold) in _TRUE
            paragraph = style.find(f"{W}pPr")
            outline = paragraph.find(f"{W}outlineLvl") if paragraph is not None else None
            if outline is not None and str(val(outline)).isdecimal():
                self.outline[style_id] = int(val(outline)) + 1
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true"):
                self.default = style_id

    def style_of(self, element) -> str:
        properties = element.find(f"{W}pPr")
        style = properties.find(f"{W}pStyle") if properties is not None else None
        return (val(style) if style is not None else None) or self.default

    def chain(self, style_id: str):
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            yield style_id
            style_id = self.based_on.get(style_id, "")

    def style_bold(self, style_id: str) -> bool:
        for current in self.chain(style_id):
            if self.bold.get(current) is not None:
                return bool(self.bold[current])
        return False

    def runs_bold(self, element, style_id: str) -> bool:
        default = self.style_bold(style_id)
        found = False
        for run in element.iter(f"{W}r"):
            if not any((t.text or "").strip() for t in run.iterchildren(f"{W}t")):
                continue
            found = True
            properties = run.find(f"{W}rPr")
            bold = properties.find(f"{W}b") if properties is not None else None
            if bold is not None:
                value = val(bold) in _TRUE
            else:
                run_style = properties.find(f"{W}rStyle") if properties is not None else None
                value = self.style_bold(val(run_style)) if run_style is not None else default
            if not value:
                return False
        return found

    def heading_level(self, element, style_id: str) -> int:
        name = self.names.get(style_id, "")
        match = re.match(r"(?:heading|titre)\s*([1-6])$", name)
        if match:
            return int(match.group(1))
        if name in ("title", "titre"):
            return 1
        properties = element.find(f"{W}pPr")
        outline = properties.find(f"{W}outlineLvl") if properties is not None else None
        if outline is not None and str(val(outline)).isdecimal():
            level = int(val(outline)) + 1
            return level if level <= 6 else 0
        for current in self.chain(style_id):
            if current in self.outline:
                return self.outline[current] if self.outline[current] <= 6 else 0
        return 0

    def is_list(self, style_id: str) -> bool:
        return self.names.get(style_id, "").startswith(("list bullet", "liste à puces"))
