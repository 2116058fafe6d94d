"""Read a document (DOCX, PDF with a text layer, text or Markdown) into blocks of text.

The format is recognised from the content (magic bytes), never from the file name: users rename
files, and office suites save what they like. A block is one paragraph or one table row, with the
light structure the plan parser uses: heading level, bold, Word list item, table cells. Anything
that cannot be read raises DocumentError with a French message saying what to do.
"""

from __future__ import annotations

import html
import io
import logging
import re
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

from .exceptions import DocumentError

MAX_BLOCKS = 200_000
MAX_COLUMNS = 50  # wider "tables" are not plans: the rest of the row stays in the last cell
MAX_PDF_PAGES = 2_000
MAX_TEXT_CHARS = 10_000_000
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024  # a DOCX is a zip: refuse zip bombs
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_LIGATURES = str.maketrans(
    {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "\u00a0": " ", "\u202f": " "}
)
FORMAT_LABELS = {"docx": "document Word", "pdf": "PDF", "text": "texte"}


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
    format: str  # "docx", "pdf" or "text"
    filename: str = ""
    encoding: str = ""
    pages: int = 0
    notes: list[str] = field(default_factory=list)  # French remarks on the reading itself

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS[self.format]


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def read_document(data: bytes, filename: str = "") -> Document:
    """Return the blocks of a DOCX, PDF or text document; raise DocumentError if unreadable."""
    limit = max_bytes()
    if len(data) > limit:
        raise DocumentError(
            f"Le fichier est trop volumineux ({_megabytes(len(data))}) : la limite est de "
            f"{_megabytes(limit)}. Enregistrez seulement le plan d'actions (sans les images) "
            "et recommencez."
        )
    if not data.strip():
        raise DocumentError("Le fichier est vide.")
    kind = sniff(data)
    if kind == "docx":
        document = _read_docx(data)
    elif kind == "pdf":
        document = _read_pdf(data)
    else:
        document = _read_text(data)
    for block in document.blocks:
        if block.text and not block.text.isascii():
            block.text = block.text.translate(_LIGATURES)
        for cell in block.cells or []:
            for span in cell:
                if not span.text.isascii():
                    span.text = span.text.translate(_LIGATURES)
    document.filename = filename
    _note_extension(document, filename)
    if len(document.blocks) > MAX_BLOCKS:
        raise DocumentError(
            "Le document est trop long pour être analysé : importez seulement la partie qui "
            "contient le plan d'actions."
        )
    if not any(block.is_row or block.text.strip() for block in document.blocks):
        raise DocumentError("Le document ne contient aucun texte.")
    return document


def sniff(data: bytes) -> str:
    """Return "docx", "pdf" or "text" from the content, or raise DocumentError."""
    head = data[:2048]
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"%PDF") or data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data)
    if data.startswith(OLE2_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise DocumentError(
                "Ce document Word est protégé par un mot de passe : enregistrez une copie sans "
                "mot de passe (Fichier › Informations › Protéger le document), puis recommencez."
            )
        raise DocumentError(
            "Ce fichier est au format Word 97-2003 (.doc) ou Excel 97-2003 (.xls), que Pilote "
            "CTG ne lit pas : enregistrez-le au format .docx ou PDF, puis recommencez."
        )
    for magic, label in _BINARY_MAGICS:
        if data.startswith(magic):
            raise DocumentError(
                f"Ce fichier est {label}, pas un document texte : envoyez le plan d'actions au "
                "format Word (.docx), PDF (avec du texte sélectionnable) ou texte (.txt, .md)."
            )
    if data.lstrip().startswith(b"{\\rtf"):
        raise DocumentError(
            "Ce fichier est au format RTF : enregistrez-le au format .docx ou PDF, puis "
            "recommencez."
        )
    return "text"


_BINARY_MAGICS = [
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"II*\x00", "une image TIFF"),
    (b"MM\x00*", "une image TIFF"),
    (b"\x1f\x8b", "une archive compressée (gzip)"),
    (b"7z\xbc\xaf", "une archive compressée (7z)"),
    (b"Rar!", "une archive compressée (RAR)"),
    (b"\x7fELF", "un programme"),
    (b"MZ", "un programme Windows"),
]


def _sniff_zip(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError):
        raise DocumentError(
            "Le fichier est une archive endommagée ou tronquée (un document Word incomplet ?) : "
            "il ne peut pas être ouvert. Enregistrez-le de nouveau, puis recommencez."
        ) from None
    if "word/document.xml" in names:
        return "docx"
    if b"opendocument.text" in mimetype:
        raise DocumentError(
            "Les documents OpenDocument (.odt) ne sont pas lus ici : enregistrez-le au format "
            "Word (.docx) ou PDF, puis recommencez."
        )
    if any(name.startswith("xl/") for name in names) or b"spreadsheet" in mimetype:
        raise DocumentError(
            "Ce fichier est un classeur (tableur), pas un document : enregistrez le plan "
            "d'actions au format Word (.docx), PDF ou texte, puis recommencez."
        )
    if any(name.startswith("ppt/") for name in names) or b"presentation" in mimetype:
        raise DocumentError(
            "Ce fichier est une présentation (diaporama) : enregistrez-la au format PDF, puis "
            "recommencez."
        )
    raise DocumentError(
        "Ce fichier est une archive ZIP, pas un document : envoyez le plan d'actions au format "
        "Word (.docx), PDF ou texte."
    )


def _note_extension(document: Document, filename: str) -> None:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    expected = {
        "docx": {"docx", "docm", "dotx"},
        "pdf": {"pdf"},
        "text": {"txt", "md", "markdown", "text", "csv", "tsv", "htm", "html", ""},
    }[document.format]
    if suffix and suffix not in expected:
        document.notes.append(
            f"L'extension « .{suffix} » du fichier ne correspond pas à son contenu : il a été lu "
            f"comme un {document.format_label}."
        )


def _megabytes(size: int) -> str:
    value = size / 1_000_000
    text = f"{value:.1f}".replace(".", ",").replace(",0", "")
    return f"{text} Mo"


# --------------------------------------------------------------------------- text and Markdown

_TAG = re.compile(r"<[^<>]{0,200}>")
_PARA_SPLIT = re.compile(r"</p\s*>|<br\s*/?>|</li\s*>|</h[1-6]\s*>|</div\s*>", re.IGNORECASE)
_BOLD_OPEN = re.compile(r"<(?:b|strong)(?:\s[^<>]{0,100})?>", re.IGNORECASE)
_BOLD_CLOSE = re.compile(r"</(?:b|strong)\s*>", re.IGNORECASE)
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_MD_BOLD = re.compile(r"\*\*|__")
_PIPE_SEPARATOR = re.compile(r"^\|?[\s:|-]+\|?$")


def _read_text(data: bytes) -> Document:
    text, encoding = _decode(data)
    if "\x00" in text:
        raise DocumentError(
            "Ce fichier contient des données binaires : ce n'est ni un document Word (.docx), "
            "ni un PDF, ni un texte lisible."
        )
    controls = sum(1 for char in text[:100_000] if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > max(10, len(text[:100_000]) // 100):
        raise DocumentError(
            "Ce fichier contient des données binaires : ce n'est ni un document Word (.docx), "
            "ni un PDF, ni un texte lisible."
        )
    if len(text) > MAX_TEXT_CHARS:
        raise DocumentError(
            "Le document est trop long pour être analysé : importez seulement la partie qui "
            "contient le plan d'actions."
        )
    blocks: list[Block] = []
    table = 0
    in_table = False
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = raw.replace("\f", " ").rstrip()
        cells = _row_cells(line)
        if cells is not None:
            if not in_table:
                table += 1
                in_table = True
            if cells:  # a Markdown separator row gives no cells
                blocks.append(Block(line=number, cells=cells, table=table))
            continue
        in_table = False
        heading = 0
        match = _MD_HEADING.match(line.strip())
        if match:
            heading, line = len(match.group(1)), match.group(2)
        spans = html_spans(line)
        if not spans:
            blocks.append(Block(line=number, heading=heading))
        for span in spans:
            blocks.append(Block(line=number, text=span.text, bold=span.bold, heading=heading))
    return Document(blocks=blocks, format="text", encoding=encoding)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "UTF-8 (avec BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "ISO-8859-1"


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise DocumentError(
            f"Le fichier annonce l'encodage {encoding.upper()} mais contient des caractères "
            "invalides : enregistrez-le de nouveau en UTF-8, puis recommencez."
        ) from None


def _row_cells(line: str) -> list[list[Span]] | None:
    """Return the cells of a tab-separated or Markdown table line, or None for a paragraph."""
    if "\t" in line:
        return [html_spans(cell) for cell in line.split("\t", MAX_COLUMNS - 1)]
    stripped = line.strip()
    if len(stripped) > 2 and stripped.startswith("|") and stripped.endswith("|"):
        if stripped.count("|") < 3:
            return None
        if _PIPE_SEPARATOR.match(stripped):
            return []
        return [html_spans(cell) for cell in stripped[1:-1].split("|", MAX_COLUMNS - 1)]
    return None


def html_spans(text: str) -> list[Span]:
    """Split a line holding HTML fragments (<p>, <br>, <b>…) into paragraphs of plain text.

    A paragraph is bold when all its text is inside <b> or <strong> (or Markdown **…**).
    """
    if "<" not in text and "&" not in text and "*" not in text and "_" not in text:
        cleaned = " ".join(text.split())
        return [Span(cleaned)] if cleaned else []
    spans = []
    for piece in _PARA_SPLIT.split(text):
        bold = _is_bold(piece)
        plain = html.unescape(_TAG.sub(" ", piece))
        if "**" in plain or "__" in plain:
            plain = _MD_BOLD.sub("", plain)
        plain = " ".join(plain.split())
        if plain:
            spans.append(Span(plain, bold))
    return spans


def _is_bold(piece: str) -> bool:
    """Return whether all the text of an HTML or Markdown fragment is bold."""
    stripped = piece.strip()
    if stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4:
        return "**" not in stripped[2:-2]
    if not _BOLD_OPEN.search(piece):
        return False
    outside = []
    depth = 0
    position = 0
    for match in re.finditer(r"<(/?)(?:b|strong)\b[^<>]{0,100}>", piece, re.IGNORECASE):
        if depth == 0:
            outside.append(piece[position : match.start()])
        depth = max(0, depth + (-1 if match.group(1) else 1))
        position = match.end()
    if depth == 0:
        outside.append(piece[position:])
    rest = html.unescape(_TAG.sub("", "".join(outside)))
    return not rest.strip(" \t:.-–—")


# --------------------------------------------------------------------------- DOCX


def _read_docx(data: bytes) -> Document:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
            raise DocumentError(
                "Le document Word est anormalement volumineux une fois décompressé : il ne peut "
                "pas être analysé."
            )
        damaged_member = archive.testzip()
    except DocumentError:
        raise
    except Exception:
        raise DocumentError(
            "Le document Word est endommagé ou tronqué : il ne peut pas être ouvert. "
            "Enregistrez-le de nouveau, puis recommencez."
        ) from None
    if damaged_member is not None:
        raise DocumentError(
            "Le document Word est endommagé (une de ses parties est illisible) : enregistrez-le "
            "de nouveau, puis recommencez."
        )
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


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


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
        self.numbering = _Numbering(word, self.styles)

    def read(self) -> list[Block]:
        self._walk(self.word.element.body)
        return self.blocks

    def _walk(self, parent) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == f"{_W}p":
                self._paragraph(child)
            elif tag == f"{_W}tbl":
                self._table(child)
            elif tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    self._walk(content)
            if len(self.blocks) > MAX_BLOCKS:
                return

    def _paragraph(self, element) -> None:
        self.count += 1
        style_id = self.styles.style_of(element)
        text = _paragraph_text(element)
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

    def _table(self, element) -> None:
        self.tables += 1
        table = self.tables
        for row in element.iterchildren(f"{_W}tr"):
            cells: list[list[Span]] = []
            for cell in row.iterchildren(f"{_W}tc"):
                properties = cell.find(f"{_W}tcPr")
                span, continued = 1, False
                if properties is not None:
                    grid = properties.find(f"{_W}gridSpan")
                    if grid is not None and str(grid.get(f"{_W}val", "1")).isdigit():
                        span = max(1, min(int(grid.get(f"{_W}val")), 50))
                    merge = properties.find(f"{_W}vMerge")
                    if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                        continued = True
                cells.append([] if continued else self._cell_spans(cell))
                cells.extend([] for _ in range(span - 1))
                if len(cells) >= MAX_COLUMNS:
                    break
            self.count += 1
            self.blocks.append(Block(line=self.count, cells=cells, table=table))

    def _cell_spans(self, cell) -> list[Span]:
        spans = []
        for element in cell.iter(f"{_W}p"):
            style_id = self.styles.style_of(element)
            text = _paragraph_text(element)
            label, _bullet = self.numbering.label(element, style_id)
            if label and text:
                text = f"{label} {text}"
            if text:
                spans.append(Span(text, self.styles.runs_bold(element, style_id)))
        return spans


def _paragraph_text(element) -> str:
    """Return the visible text of a w:p (runs, tabs and breaks; not deleted revisions)."""
    parts = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}noBreakHyphen":
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
        for style in root.iterchildren(f"{_W}style"):
            style_id = style.get(f"{_W}styleId") or ""
            name = style.find(f"{_W}name")
            self.names[style_id] = (_val(name) or "").lower()
            based = style.find(f"{_W}basedOn")
            if based is not None:
                self.based_on[style_id] = _val(based) or ""
            run = style.find(f"{_W}rPr")
            bold = run.find(f"{_W}b") if run is not None else None
            self.bold[style_id] = None if bold is None else _val(bold) in _TRUE
            paragraph = style.find(f"{_W}pPr")
            outline = paragraph.find(f"{_W}outlineLvl") if paragraph is not None else None
            if outline is not None and str(_val(outline)).isdigit():
                self.outline[style_id] = int(_val(outline)) + 1
            if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true"):
                self.default = style_id

    def style_of(self, element) -> str:
        properties = element.find(f"{_W}pPr")
        style = properties.find(f"{_W}pStyle") if properties is not None else None
        return (_val(style) if style is not None else None) or self.default

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
        for run in element.iter(f"{_W}r"):
            if not any((t.text or "").strip() for t in run.iterchildren(f"{_W}t")):
                continue
            found = True
            properties = run.find(f"{_W}rPr")
            bold = properties.find(f"{_W}b") if properties is not None else None
            if bold is not None:
                value = _val(bold) in _TRUE
            else:
                run_style = properties.find(f"{_W}rStyle") if properties is not None else None
                value = self.style_bold(_val(run_style)) if run_style is not None else default
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
        properties = element.find(f"{_W}pPr")
        outline = properties.find(f"{_W}outlineLvl") if properties is not None else None
        if outline is not None and str(_val(outline)).isdigit():
            level = int(_val(outline)) + 1
            return level if level <= 6 else 0
        for current in self.chain(style_id):
            if current in self.outline:
                return self.outline[current] if self.outline[current] <= 6 else 0
        return 0

    def is_list(self, style_id: str) -> bool:
        return self.names.get(style_id, "").startswith(("list bullet", "liste à puces"))


class _Numbering:
    """Rebuild the numbers Word draws in front of numbered paragraphs ("1.", "1.2.", "A)")."""

    def __init__(self, word, styles: _StyleInfo) -> None:
        self.style_info = styles
        self.abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}
        try:
            root = word.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        if root is not None:
            for abstract in root.iterchildren(f"{_W}abstractNum"):
                levels = {}
                for level in abstract.iterchildren(f"{_W}lvl"):
                    ilvl = _int(level.get(f"{_W}ilvl"), 0)
                    fmt = _val(level.find(f"{_W}numFmt")) or "decimal"
                    text = _val(level.find(f"{_W}lvlText"))
                    start = _int(_val(level.find(f"{_W}start")), 1)
                    levels[ilvl] = (fmt, text if text is not None else f"%{ilvl + 1}.", start)
                self.abstract[abstract.get(f"{_W}abstractNumId")] = levels
            for num in root.iterchildren(f"{_W}num"):
                overrides = {}
                for override in num.iterchildren(f"{_W}lvlOverride"):
                    start = override.find(f"{_W}startOverride")
                    if start is not None:
                        overrides[_int(override.get(f"{_W}ilvl"), 0)] = _int(_val(start), 1)
                self.nums[num.get(f"{_W}numId")] = (_val(num.find(f"{_W}abstractNumId")), overrides)
        for style in word.styles.element.iterchildren(f"{_W}style"):
            properties = style.find(f"{_W}pPr")
            num_pr = properties.find(f"{_W}numPr") if properties is not None else None
            if num_pr is not None:
                num_id = _val(num_pr.find(f"{_W}numId"))
                ilvl = _int(_val(num_pr.find(f"{_W}ilvl")), 0)
                if num_id:
                    self.style_numbering[style.get(f"{_W}styleId") or ""] = (num_id, ilvl)

    def label(self, element, style_id: str) -> tuple[str, bool]:
        """Return (number text, is a bullet) for this paragraph, advancing the counters."""
        num_id, ilvl = None, 0
        properties = element.find(f"{_W}pPr")
        num_pr = properties.find(f"{_W}numPr") if properties is not None else None
        if num_pr is not None:
            num_id = _val(num_pr.find(f"{_W}numId"))
            ilvl = _int(_val(num_pr.find(f"{_W}ilvl")), 0)
        else:
            for current in self.style_info.chain(style_id):
                if current in self.style_numbering:
                    num_id, ilvl = self.style_numbering[current]
                    break
        if not num_id or num_id == "0" or num_id not in self.nums:
            return "", False
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if ilvl not in levels:
            return "", False
        fmt, text, _start = levels[ilvl]
        if fmt == "bullet":
            return "", True
        if fmt == "none":
            return "", False
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= ilvl:
            level = len(counters)
            start = overrides.get(level, levels.get(level, ("", "", 1))[2])
            counters.append(start - 1)
        counters[ilvl] += 1
        del counters[ilvl + 1 :]
        label = text
        for index in range(ilvl + 1):
            level_fmt = levels.get(index, ("decimal", "", 1))[0]
            label = label.replace(f"%{index + 1}", _format_number(counters[index], level_fmt))
        return label.strip(), False


def _val(element) -> str | None:
    return None if element is None else element.get(f"{_W}val")


def _int(value, default: int) -> int:
    return int(value) if value is not None and str(value).lstrip("-").isdigit() else default


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        roman = to_roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26) * (1 + (value - 1) // 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def to_roman(value: int) -> str:
    """Return the roman numeral of a positive integer (I, IV, XII…)."""
    numerals = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    result = []
    for amount, numeral in numerals:
        count, value = divmod(value, amount)
        result.append(numeral * count)
    return "".join(result) or "0"


# --------------------------------------------------------------------------- PDF

_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?\d{1,4}(?:\s*(?:/|sur)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$", re.IGNORECASE
)


def _read_pdf(data: bytes) -> Document:
    if b"%%EOF" not in data[-4096:]:
        raise DocumentError(
            "Le PDF est tronqué ou endommagé (sa fin est absente) : téléchargez-le ou "
            "enregistrez-le de nouveau, puis recommencez."
        )
    pypdf_logger = logging.getLogger("pypdf")
    previous_level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR + 10)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pages = _pdf_pages(data)
    finally:
        pypdf_logger.setLevel(previous_level)
    letters = sum(sum(char.isalpha() for char in page) for page in pages)
    if letters < 20:
        raise DocumentError(
            "Ce PDF ne contient pas de texte (c'est sans doute un document numérisé, fait "
            "d'images) : Pilote CTG ne peut pas y lire le plan. Envoyez le document Word "
            "d'origine, ou un PDF dont le texte peut être sélectionné (après reconnaissance "
            "de caractères)."
        )
    return Document(blocks=_pdf_blocks(pages), format="pdf", pages=len(pages))


def _pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    damaged = DocumentError(
        "Le PDF est endommagé ou tronqué : il ne peut pas être lu. Enregistrez-le de nouveau, "
        "puis recommencez."
    )
    protected = DocumentError(
        "Ce PDF est protégé par un mot de passe : enregistrez une copie sans protection "
        "(ou imprimez-le en PDF), puis recommencez."
    )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        # Owner-only protection (no password to open) can be read; a password cannot.
        if reader.is_encrypted and not reader.decrypt(""):
            raise protected
        count = len(reader.pages)
    except DocumentError:
        raise
    except DependencyError:
        raise DocumentError(
            "Ce PDF est chiffré avec un algorithme que Pilote CTG ne sait pas lire : enregistrez "
            "une copie sans protection (ou imprimez-le en PDF), puis recommencez."
        ) from None
    except FileNotDecryptedError:
        raise protected from None
    except RecursionError:
        raise damaged from None
    except Exception:
        raise damaged from None
    if count > MAX_PDF_PAGES:
        raise DocumentError(
            f"Le PDF compte {count} pages : importez seulement la partie qui contient le plan "
            f"d'actions (au plus {MAX_PDF_PAGES} pages)."
        )
    pages = []
    total = 0
    for index in range(count):
        try:
            text = reader.pages[index].extract_text() or ""
        except FileNotDecryptedError:
            raise protected from None
        except Exception:
            text = ""
        total += len(text)
        if total > MAX_TEXT_CHARS:
            raise DocumentError(
                "Le document est trop long pour être analysé : importez seulement la partie "
                "qui contient le plan d'actions."
            )
        pages.append(text)
    return pages


def _pdf_blocks(pages: list[str]) -> list[Block]:
    """Return the lines of the pages, without page numbers and repeated headers or footers."""
    page_lines = [[" ".join(line.split()) for line in page.splitlines()] for page in pages]
    edges: Counter[str] = Counter()
    for lines in page_lines:
        content = [line for line in lines if line]
        if len(content) < 5:
            continue  # too short to tell a header from the body
        seen = set()
        for line in content[:2] + content[-2:]:
            key = re.sub(r"\d+", "#", line.lower())
            if key not in seen:
                seen.add(key)
                edges[key] += 1
    repeated = (
        {key for key, count in edges.items() if count >= 3 and count >= 0.4 * len(pages)}
        if len(pages) >= 3
        else set()
    )
    blocks: list[Block] = []
    for page_number, lines in enumerate(page_lines, 1):
        content = [i for i, line in enumerate(lines) if line]
        edge_indexes = set(content[:2] + content[-2:]) if len(content) >= 3 else set()
        for index, line in enumerate(lines):
            edge = line and index in edge_indexes
            if edge and (_PAGE_NUMBER.match(line) or re.sub(r"\d+", "#", line.lower()) in repeated):
                continue
            blocks.append(Block(line=index + 1, text=line, page=page_number))
        blocks.append(Block(line=len(lines) + 1, page=page_number))  # a page ends a paragraph
    return blocks
