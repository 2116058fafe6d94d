"""Which parts of a document hold the plan: numbered headings of the document itself, tables
of contents without dot leaders, lists of annexes that are not sections (used by PlanParser)."""

from __future__ import annotations

import itertools
import re

from .extract import Block
from .lines import Marker, parse_marker, pseudo_section
from .tidy import STRUCTURAL_START
from .vocabulary import fold


def document_part(marker: Marker) -> bool:
    """Return whether a numbered heading names a part of the document, not of the plan:
    "2. Présentation du plan d'actions", "3. Les constats du diagnostic"."""
    if marker.scheme == "label":
        return False
    title = fold(marker.title)
    if STRUCTURAL_START.search(title):
        return True
    return pseudo_section(marker.title) == "off" and "gouvernance" not in title


_PAGE_AT_END = re.compile(r"\s(\d{1,3})$")


def toc_runs(blocks: list[Block]) -> set[int]:
    """Return the lines of tables of contents written without dot leaders: at least three
    numbered lines in a row, each ending with a page number, the page numbers not decreasing
    ("Fiche action n°1 – Créer un RPE 4", "Fiche action n°2 – … 5")."""
    lines: set[int] = set()
    run: list[tuple[int, int]] = []

    def close() -> None:
        if len(run) >= 3 and run[-1][1] > run[0][1]:
            lines.update(index for index, _page in run)
        run.clear()

    for index, block in enumerate(blocks):
        if block.is_blank:
            continue
        match = _PAGE_AT_END.search(block.text) if block.text else None
        page = int(match.group(1)) if match else -1
        if match is None or parse_marker(block.text) is None or (run and page < run[-1][1]):
            close()
            if match is None or parse_marker(block.text) is None:
                continue
        run.append((index, page))
    close()
    return lines


def listed_sections(blocks: list[Block], indexes: list[int]) -> set[int]:
    """Return the section lines that are entries of a list ("Annexe 1 : …" then "Annexe 2 : …"
    with nothing between): a list of the annexes, not the annexes themselves."""
    listed: set[int] = set()
    for previous, current in itertools.pairwise(indexes):
        between = blocks[previous + 1 : current]
        headings = blocks[previous].heading or blocks[current].heading
        if all(block.is_blank for block in between) and not headings:
            listed.update((previous, current))
    return listed
