"""Write the documents of a bilan from its content: PDF, DOCX, ODT (one outline) and PPTX.

The writers are imported when needed: each pulls a sizeable library (reportlab, python-docx,
odfdo, python-pptx, matplotlib) that the rest of the application does not need.
"""

from __future__ import annotations

from importlib import import_module

from django.utils.text import slugify

from pilote.governance.bilans.formats import FORMATS

# Module and function of the writer of each document format (see pilote/reports/bilans/*_writer.py).
_WRITERS = {
    "pdf": ("pilote.reports.bilans.pdf_writer", "write_pdf"),
    "docx": ("pilote.reports.bilans.docx_writer", "write_docx"),
    "odt": ("pilote.reports.bilans.odt_writer", "write_odt"),
}


def render_bilan(content: dict, fmt: str) -> bytes:
    """Return the document of a bilan in this format ("pdf", "docx", "odt" or "pptx")."""
    if fmt not in FORMATS:
        raise ValueError(f"Format de bilan inconnu : {fmt}")
    if fmt == "pptx":
        from .slides.document import write_pptx

        return write_pptx(content)
    from .outline.document import build_blocks

    module, function = _WRITERS[fmt]
    writer = getattr(import_module(module), function)
    return writer(build_blocks(content), title=content["title"])


def bilan_filename(content: dict, fmt: str) -> str:
    """Return the file name of a bilan: "bilan-annuel-2025-tarn-agout-2023-2026.pdf"."""
    kind = slugify(content["kind_label"])
    return f"{kind}-{content['year']}-{content['convention']['slug']}.{FORMATS[fmt].extension}"
