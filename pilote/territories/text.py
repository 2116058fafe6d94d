"""Text helpers of the territories app: search normalisation of names, French number format."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
NARROW_NO_BREAK_SPACE = "\u202f"


def normalize_search(text: str) -> str:
    """Return `text` lower-cased, without accents, its words separated by single spaces.

    "L'Abergement-Clémenciat" becomes "l abergement clemenciat" and "Œuilly" "oeuilly", so that a
    prefix search on the whole value or on " " + word matches any word's beginning.
    """
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", ascii_text.lower()).strip()


def format_number(value: int) -> str:
    """Return `value` with French digit grouping: 34969 becomes "34 969"."""
    return f"{value:,}".replace(",", NARROW_NO_BREAK_SPACE)
