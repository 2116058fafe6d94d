"""The governance of a CTG in its JSON exchange format: the « governance » section.

Bodies with their members, meetings with their attendance and decisions, bilans (with their
frozen content, as stored) and the versions of the plan. pilote.exchange calls the two
functions below after the plan is written, in the import's transaction, so that one JSON file
still holds a whole CTG (format in docs/json-format.md). The section is left out of an export
when the CTG has no governance, and a document without it imports nothing here.

A decision names its plan element as facilities do (number, "level number" or title, see
facilities.register.services.ActionIndex). A version of the plan names its elements by their
rank in the exported plan (1 for the first element in reading order), and those no longer in
the plan by negative numbers, so that the versions still align with the plan once imported,
where the elements have new primary keys.
"""

from .export import export_governance, export_sections
from .read import import_governance, import_sections

__all__ = ["export_governance", "export_sections", "import_governance", "import_sections"]
