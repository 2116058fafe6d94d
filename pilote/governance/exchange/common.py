"""Limits and names shared by the export and the import of the governance section."""

from pilote.core.exchange import REFUSED

SECTION = "governance"
MAX_ITEMS = 5_000
MAX_RANK = 1_000_000
TEXT_LIMIT = 255
YEARS = (1900, 2200)
REFUSAL = f"{REFUSED} :\n- "
