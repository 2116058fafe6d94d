"""Read a document (DOCX, PDF with a text layer, text or Markdown) into blocks of text.

The format is recognised from the content (magic bytes), never from the file name: users rename
files, and office suites save what they like. A block is one paragraph or one table row, with the
light structure the plan parser uses: heading level, bold, Word list item, table cells. Anything
that cannot be read raises DocumentError with a French message saying what to do.
DOCX and PDF are read by docx_reader and pdf_reader; the blocks are defined in document.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

from django.conf import settings

from pilote.core.decoding import UndecodableText, decode_text
from pilote.core.formats import NBSP, french_number
from pilote.core.plausible import strip_invalid_characters, text_problem
from pilote.core.zips import read_bounded

from .document import MAX_BLOCKS, MAX_COLUMNS, MAX_TEXT_CHARS, Block, Document, Span
from .docx_reader import read_docx
from .exceptions import DocumentError
from .odt_reader import read_odt
from .pdf_reader import read_pdf

__all__ = ["Block", "Document", "Span", "html_spans", "max_bytes", "read_document", "sniff"]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY = (
    "Ce fichier contient des données binaires : ce n'est ni un document Word (.docx), ni un PDF, "
    "ni un texte lisible."
)
_LIGATURES = str.maketrans(
    {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "\u00a0": " ", "\u202f": " "}
)


def _clean(text: str) -> str:
    """Return an extracted text without ligatures nor invisible control characters.

    A PDF's text layer or a Word field can carry NUL or control characters the user never saw
    and cannot remove: they become spaces here, so no database refuses the plan later.
    """
    if text.isascii() and not text_problem(text):
        return text
    return strip_invalid_characters(text.translate(_LIGATURES))


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
        document = read_docx(data)
    elif kind == "odt":
        document = read_odt(data)
    elif kind == "pdf":
        document = read_pdf(data)
    else:
        document = _read_text(data)
    for block in document.blocks:
        if block.text:
            block.text = _clean(block.text)
        for cell in block.cells or []:
            for span in cell:
                span.text = _clean(span.text)
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
    """Return "docx", "odt", "pdf" or "text" from the content, or raise DocumentError."""
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
                "format Word (.docx), OpenDocument (.odt), PDF (avec du texte sélectionnable) "
                "ou texte (.txt, .md)."
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
        mimetype = read_bounded(archive, "mimetype", 100) or b"" if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError):
        raise DocumentError(
            "Le fichier est une archive endommagée ou tronquée (un document Word incomplet ?) : "
            "il ne peut pas être ouvert. Enregistrez-le de nouveau, puis recommencez."
        ) from None
    if "word/document.xml" in names:
        return "docx"
    if b"opendocument.text" in mimetype:
        return "odt"
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
        "odt": {"odt", "ott"},
        "pdf": {"pdf"},
        "text": {"txt", "md", "markdown", "text", "csv", "tsv", "htm", "html", ""},
    }[document.format]
    if suffix and suffix not in expected:
        document.notes.append(
            f"L'extension « .{suffix} » du fichier ne correspond pas à son contenu : il a été lu "
            f"comme un {document.format_label}."
        )


def _megabytes(size: int) -> str:
    return f"{french_number(size / 1_000_000, decimals=1)}{NBSP}Mo"


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
        raise DocumentError(_BINARY)
    controls = sum(1 for char in text[:100_000] if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > max(10, len(text[:100_000]) // 100):
        raise DocumentError(_BINARY)
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
    try:
        return decode_text(data)
    except UndecodableText as error:
        if b"\x00" in data[:4096]:
            raise DocumentError(_BINARY) from None
        raise DocumentError(error.message) from None


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
