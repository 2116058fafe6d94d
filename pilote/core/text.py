"""Text helpers: accent folding for comparisons and searches, in one place."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss"})


def strip_accents(text: str) -> str:
    """Return `text` without accents or ligatures, case kept: "Œuilly-Clémenciat" → "Oeuilly-…"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Return `text` lower-cased and without accents, for comparisons: "Écoles" → "ecoles"."""
    return strip_accents(text).lower()


def normalize_search(text: str) -> str:
    """Return `text` folded, its words separated by single spaces.

    "L'Abergement-Clémenciat" becomes "l abergement clemenciat" and "Œuilly" "oeuilly", so that a
    prefix search on the whole value or on " " + word matches any word's beginning.
    """
    ascii_text = strip_accents(text).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", ascii_text.lower()).strip()
