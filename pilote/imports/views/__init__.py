"""Bring an existing plan in: upload a document or a spreadsheet, review the proposed tree,
save it into a new CTG or an existing one.

Every page exists twice: under /ctg/importer-un-plan/ for a new CTG (Caf advisers, who may
create one) and under /ctg/<slug>/importer-un-plan/ for an existing CTG (those who may edit
it). The proposal waits, for its user, in pilote.core.upload_session until it is saved; each
correction is a POST (htmx swaps the review in place; without JavaScript the form posts and
the page comes back). Nothing is written before the last step, which writes all or nothing.
"""

from .common import SESSION_KEY
from .corrections import edit, levels, review_page, source, split, undo
from .places import add_unplaced, insert_level, reattach
from .save import save
from .upload import template_file, upload

__all__ = [
    "SESSION_KEY",
    "add_unplaced",
    "edit",
    "insert_level",
    "levels",
    "reattach",
    "review_page",
    "save",
    "source",
    "split",
    "template_file",
    "undo",
    "upload",
]
