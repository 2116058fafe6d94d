"""The formats in which a bilan's documents are offered (written by pilote.reports.bilans)."""

from __future__ import annotations

from dataclasses import dataclass

from pilote.core import downloads


@dataclass(frozen=True)
class BilanFormat:
    extension: str
    label: str
    content_type: str


FORMATS = {
    "pdf": BilanFormat("pdf", "PDF", downloads.PDF),
    "docx": BilanFormat("docx", "Word (DOCX, modifiable)", downloads.DOCX),
    "odt": BilanFormat("odt", "OpenDocument (ODT, modifiable)", downloads.ODT),
    "pptx": BilanFormat("pptx", "Diaporama pour le COPIL (PPTX)", downloads.PPTX),
}
