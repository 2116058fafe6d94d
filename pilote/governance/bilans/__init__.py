"""Bilans of a CTG: their content, drafts and closing (documents are written by pilote.reports)."""
