"""The slide deck of a bilan (PPTX, 16:9), to present at the COPIL, from the bilan's content.

Like the other writers it reads only the bilan's content (governance.bilans.content), never the
database. It does not go through the outline: a deck says less, in its own order, and draws native
PowerPoint charts (editable, their data in an embedded workbook) instead of images. Texts are
fitted and tables split across "(suite)" slides by deck.py.

One module per part of the deck (summary, progress, indicators, facilities, closing), their shared
helpers in common; document.write_pptx puts the slides in order.
"""
