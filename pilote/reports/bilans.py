"""Write the documents of a bilan from its content: PDF, DOCX, ODT (one outline) and PPTX.

The writers are imported when needed: each pulls a sizeable library (reportlab, python-docx,
odfdo, python-pptx, matplotlib) that the rest of the application does not need.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.utils.text import slugify


@dataclass(frozen=True)
class BilanFormat:
    extension: str
    label: str
    content_type: str


FORMATS = {
    "pdf": BilanFormat("pdf", "PDF", "application/pdf"),
    "docx": BilanFormat(
        "docx",
        "Word (DOCX, modifiable)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "odt": BilanFormat(
        "odt", "OpenDocument (ODT, modifiable)", "application/vnd.oasis.opendocument.text"
    ),
    "pptx": BilanFormat(
        "pptx",
        "Diaporama pour le COPIL (PPTX)",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
# Module and function of the writer of each document format (see pilote/reports/bilan_*.py).
_WRITERS = {
    "pdf": ("pilote.reports.bilan_pdf", "write_pdf"),
    "docx": ("pilote.reports.bilan_docx", "write_docx"),
    "odt": ("pilote.reports.bilan_odt", "write_odt"),
}


def render_bilan(content: dict, fmt: str) -> bytes:
    """Return the document of a bilan in this format ("pdf", "docx", "odt" or "pptx")."""
    if fmt not in FORMATS:
        raise ValueError(f"Format de bilan inconnu : {fmt}")
    if fmt == "pptx":
        from .bilan_pptx import write_pptx

        return write_pptx(content)
    from .bilan_outline import build_blocks

    module, function = _WRITERS[fmt]
    writer = getattr(import_module(module), function)
    return writer(build_blocks(content), title=content["title"])


def bilan_filename(content: dict, fmt: str) -> str:
    """Return the file name of a bilan: "bilan-annuel-2025-tarn-agout-2023-2026.pdf"."""
    kind = slugify(content["kind_label"])
    return f"{kind}-{content['year']}-{content['convention']['slug']}.{FORMATS[fmt].extension}"
