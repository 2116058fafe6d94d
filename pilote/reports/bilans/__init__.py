"""The documents of a bilan (PDF, DOCX, ODT, PPTX), from its content (governance.bilans.content)."""
