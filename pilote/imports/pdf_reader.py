"""Read a PDF's text layer (PDFium) into blocks: lines by page, without page numbers and
running heads."""

from __future__ import annotations

import itertools
import re
import threading
from collections import Counter

from .document import MAX_PDF_PAGES, MAX_TEXT_CHARS, Block, Document
from .exceptions import DocumentError

_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?\d{1,4}(?:\s*(?:/|sur)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$", re.IGNORECASE
)


def read_pdf(data: bytes) -> Document:
    if b"%%EOF" not in data[-4096:]:
        raise DocumentError(
            "Le PDF est tronqué ou endommagé (sa fin est absente) : téléchargez-le ou "
            "enregistrez-le de nouveau, puis recommencez."
        )
    with _PDFIUM:
        pages = _pdf_pages(data)
    letters = sum(sum(char.isalpha() for char in page) for page in pages)
    if letters < 20:
        raise DocumentError(
            "Ce PDF ne contient pas de texte (c'est sans doute un document numérisé, fait "
            "d'images) : Pilote CTG ne peut pas y lire le plan. Envoyez le document Word "
            "d'origine, ou un PDF dont le texte peut être sélectionné (après reconnaissance "
            "de caractères)."
        )
    return Document(blocks=_pdf_blocks(pages), format="pdf", pages=len(pages))


# PDFium is not thread-safe: one document at a time per process (a threaded server reads
# uploads in parallel). Reading a 40-page plan takes a few hundredths of a second.
_PDFIUM = threading.Lock()
# What PDFium puts in the text for a hyphen it added at a line end, or a soft hyphen.
_PDFIUM_HYPHENS = str.maketrans({"\x02": "-", "\ufffe": "-", "\x00": ""})


def _pdf_pages(data: bytes) -> list[str]:
    """Return the text of each page, its lines in the order PDFium reads them."""
    import pypdfium2 as pdfium
    from pypdfium2 import raw as pdfium_raw

    damaged = DocumentError(
        "Le PDF est endommagé ou tronqué : il ne peut pas être lu. Enregistrez-le de nouveau, "
        "puis recommencez."
    )
    try:
        # An empty password opens what is protected against editing only, as a reader does.
        document = pdfium.PdfDocument(data, password="")
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_raw.FPDF_ERR_PASSWORD:
            raise DocumentError(
                "Ce PDF est protégé par un mot de passe : enregistrez une copie sans protection "
                "(ou imprimez-le en PDF), puis recommencez."
            ) from None
        if getattr(error, "err_code", None) == pdfium_raw.FPDF_ERR_SECURITY:
            raise DocumentError(
                "Ce PDF est chiffré avec un algorithme que Pilote CTG ne sait pas lire : "
                "enregistrez une copie sans protection (ou imprimez-le en PDF), puis recommencez."
            ) from None
        raise damaged from None
    try:
        count = len(document)
        if count > MAX_PDF_PAGES:
            raise DocumentError(
                f"Le PDF compte {count} pages : importez seulement la partie qui contient le "
                f"plan d'actions (au plus {MAX_PDF_PAGES} pages)."
            )
        pages, total = [], 0
        for index in range(count):
            text = _page_text(document, index)
            total += len(text)
            if total > MAX_TEXT_CHARS:
                raise DocumentError(
                    "Le document est trop long pour être analysé : importez seulement la partie "
                    "qui contient le plan d'actions."
                )
            pages.append(text)
        return pages
    finally:
        document.close()


def _page_text(document, index: int) -> str:
    """Return one page's text, or "" when the page itself is damaged (the others are read)."""
    import pypdfium2 as pdfium

    page = textpage = None
    try:
        page = document[index]
        textpage = page.get_textpage()
        return "\n".join(_lines(textpage)).translate(_PDFIUM_HYPHENS)
    except pdfium.PdfiumError:
        return ""
    finally:
        if textpage is not None:
            textpage.close()
        if page is not None:
            page.close()


def _lines(textpage) -> list[str]:
    """Return the lines of a page in PDFium's reading order, cut where two runs of text on one
    line are further apart than the line's height: the cells of a drawn table's row ("Axe 1 –
    …", "Centre social") and the columns of a page are read apart, as a reader selecting the
    text sees them.

    The page's text is taken in one call (one character per character index, PDFium's own
    spaces and line ends included); only the runs' boxes are measured, not each character.
    """
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    cuts = set()
    if len(text) == count:  # else characters outside the BMP shift the indexes: no cutting
        rects = [textpage.get_rect(number) for number in range(textpage.count_rects())]
        for before, after in itertools.pairwise(rects):
            height = max(before[3] - before[1], after[3] - after[1], 1.0)
            same_row = min(before[3], after[3]) - max(before[1], after[1]) > 0.5 * height
            if same_row and after[0] - before[2] > height:
                middle = (after[1] + after[3]) / 2
                index = textpage.get_index(after[0] + 0.5, middle, height / 2, height / 2)
                if index is not None and 0 < index < count:
                    cuts.add(index)
    pieces, start = [], 0
    for index in sorted(cuts):
        pieces.append(text[start:index])
        start = index
    pieces.append(text[start:])
    return [" ".join(line.split()) for piece in pieces for line in piece.splitlines()]


def _pdf_blocks(pages: list[str]) -> list[Block]:
    """Return the lines of the pages, without page numbers and repeated headers or footers."""
    page_lines = [[" ".join(line.split()) for line in page.splitlines()] for page in pages]
    edges: Counter[str] = Counter()
    for number, lines in enumerate(page_lines, 1):
        content = [line for line in lines if line]
        if len(content) < 5:
            continue  # too short to tell a header from the body
        seen = set()
        edge = _edge_size(len(content))
        for line in content[:edge] + content[-edge:]:
            key = _edge_key(line, number, len(pages))
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
        size = _edge_size(len(content))
        edge_indexes = set(content[:size] + content[-size:]) if len(content) >= 3 else set()
        for index, line in enumerate(lines):
            edge = line and index in edge_indexes
            key = _edge_key(line, page_number, len(pages)) if edge else ""
            if edge and (_PAGE_NUMBER.match(line) or key in repeated):
                continue
            blocks.append(Block(line=index + 1, text=line, page=page_number))
        blocks.append(Block(line=len(lines) + 1, page=page_number))  # a page ends a paragraph
    return blocks


def _edge_size(lines: int) -> int:
    """Return how many lines at the top and at the bottom of a page may be running heads:
    up to 3 (a header, a footer and "Page 2" may all come first), fewer on a short page."""
    return max(1, min(3, lines // 4))


def _edge_key(line: str, page: int, pages: int) -> str:
    """Return a line with its page number (and the page count) as "#": "Page 3 / 12" and
    "Page 4 / 12" are one running footer; "Calendrier : 2026" on each fiche's page is not."""
    return re.sub(rf"(?<!\d)(?:{page}|{pages})(?!\d)", "#", line.lower())
