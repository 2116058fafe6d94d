"""What the plan parser's reading methods share: limits, the open list, small tests on lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .extract import Block
from .items import MAX_TITLE, Item, ends_sentence
from .lines import Marker
from .vocabulary import compatible_kinds

PROSE_GAP = 6  # this many lines of prose in a row close the open list elements
MAX_FIELD_LINES = 80


@dataclass
class OpenList:
    """A list announced in the document ("Actions clés :"), whose items are children."""

    owner: Item | None  # None: the list is at the root of the plan
    kind: str
    signature: tuple | None = None  # the numbering of its elements, once the first is read


def looks_like_heading(text: str, block: Block) -> bool:
    """Return whether an unused line looks like a title: bold, or short and in capitals."""
    letters = [char for char in text if char.isalpha()]
    if len(letters) < 4 or len(text) > 100 or len(letters) * 2 < len(text.replace(" ", "")):
        return False
    return block.bold or all(char.isupper() for char in letters)


def same_scheme(item: Item, marker: Marker) -> bool:
    if item.signature == marker.signature:
        return True
    if item.signature[:1] == ("label",) and marker.scheme == "label":
        return compatible_kinds(item.signature[1], marker.label_key)
    return False


def continues(item: Item, text: str) -> bool:
    """Return whether a plain line carries on the title of the element above."""
    if len(item.title) + len(text) > MAX_TITLE:
        return False
    first = text[:1]
    if first.islower() or first in '(«"“':
        return True
    if first.isdecimal() and any(char.isalpha() for char in text) and not ends_sentence(item.title):
        return True  # "Ouvrir un accueil pour les" + "12-17 ans"
    if _OPEN_END.search(item.title):
        return True  # "… en lien avec le" + "Département et la Caf": a title cut mid-phrase
    return item.last_line_length >= 55 and not ends_sentence(item.title)


# A title that stops on an article, a preposition or a conjunction goes on on the next line.
_OPEN_END = re.compile(
    r"(?:^|\s)(?:le|la|les|l'|un|une|des|du|de|d'|et|ou|en|à|au|aux|pour|avec|dans|sur|par"
    r"|entre|vers|chez|sans|sous)$",
    re.IGNORECASE,
)
