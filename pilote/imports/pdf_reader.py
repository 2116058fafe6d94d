"""Read a PDF's text layer into blocks: lines by page, without page numbers and running heads."""

from __future__ import annotations

import io
import logging
import re
import warnings
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
