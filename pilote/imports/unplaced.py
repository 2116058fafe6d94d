"""The lines of a document that look like plan elements but are not in the proposal.

Until the parser reports them itself, they are found after it: every paragraph within the
plan's part of the document whose start reads as an element (« 2.3 … », « Axe 4 : … »,
« Fiche action 7 ») and that no proposed element was read from, used as the text of a field,
or mentions again. Each gets the proposed element it most likely belongs under. Labelled lines
of a level the proposal does not have name that level (Proposal.dropped_levels).
"""

from __future__ import annotations

from dataclasses import dataclass

from .document import Document
from .items import Item
from .lines import is_toc_entry, parse_marker, section_marker, strip_bullet
from .tidy import STRUCTURAL_HEADING
from .vocabulary import compatible_kinds, fold, normalize_title, titles_match

MAX_UNPLACED = 200  # listed in the review; a document with more is read wrongly as a whole
TAIL = 40  # lines after the last proposed element still looked at
HEAD = 20  # and before the first one (a heading the parser dissolved)


@dataclass
class UnplacedLine:
    """A line of the document that looks like a plan element and is not in the proposal."""

    text: str
    line_no: int
    number: str
    suggested_parent_key: str | None  # the source line of the suggested parent; None: root
    title: str = ""
    kind: str | None = None  # the level the line names (« Axe 4 »), if it names one
    page: int = 0

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "line": self.line_no,
            "page": self.page or None,
            "number": self.number or None,
            "title": self.title,
            "kind": self.kind,
            "reason": "",
            "parent_line": int(self.suggested_parent_key) if self.suggested_parent_key else None,
        }


def find_unplaced(
    document: Document, roots: list[Item], level_names: list[str]
) -> tuple[list[UnplacedLine], list[str]]:
    """Return the document's unplaced element lines and the level names it has but the
    proposal has not."""
    nodes = [node for root in roots for node in [root, *root.walk()]]
    if not nodes:
        return [], []
    placed = {node.line for node in nodes}
    first, last = _window(document, min(placed), max(placed))
    by_number: dict[str, list[Item]] = {}
    for node in nodes:
        if node.number:
            by_number.setdefault(node.number, []).append(node)
    ordered = sorted(nodes, key=lambda node: node.line)
    known: list[tuple[set[str], str]] = []  # titles and fields, read at the first candidate
    found: list[UnplacedLine] = []
    dropped: list[str] = []
    for block in document.blocks:
        if block.is_row or block.line in placed or not first <= block.line <= last:
            continue
        text = " ".join(block.text.split())
        if not text or is_toc_entry(text):
            continue
        marker = parse_marker(strip_bullet(text)[1].strip())
        if marker is None or len(marker.title) < 3 or STRUCTURAL_HEADING.search(fold(marker.title)):
            continue
        if not known:
            known.append(_known_texts(nodes))
        titles, fields = known[0]
        title = normalize_title(marker.title)
        if title in titles or (len(title) >= 12 and title in fields):
            continue  # the element already proposed, or text of one of its fields
        if any(titles_match(node.title, marker.title) for node in by_number.get(marker.number, [])):
            continue  # a second mention of a proposed element
        kind = marker.kind
        if (
            kind
            and kind not in dropped
            and not any(compatible_kinds(kind, name) for name in level_names)
        ):
            dropped.append(kind)
        if len(found) < MAX_UNPLACED:
            parent = (
                _heading_parent(ordered, block)
                if block.heading and not marker.kind
                else _parent(ordered, block.line, marker, by_number)
            )
            found.append(
                UnplacedLine(
                    text=text[:600],
                    line_no=block.line,
                    number=marker.number,
                    suggested_parent_key=str(parent.line) if parent else None,
                    title=marker.title[:600],
                    kind=kind,
                    page=block.page,
                )
            )
    return found, dropped


def _known_texts(nodes: list[Item]) -> tuple[set[str], str]:
    """Return the proposed titles and the text of their fields, reduced for comparison."""
    titles = {normalize_title(node.title) for node in nodes}
    fields = " | ".join(
        normalize_title(" ".join([node.objective, *node.description, node.expected_result]))
        for node in nodes
    )
    return titles, fields


def _window(document: Document, first: int, last: int) -> tuple[int, int]:
    """Return the lines looked at: around the proposed elements, within their section of the
    document (« Annexe 1 – Diagnostic » before the plan is not part of it)."""
    start, end = first - HEAD, last + TAIL
    for block in document.blocks:
        if block.is_row or not (start <= block.line <= end) or not block.text:
            continue
        if first <= block.line <= last or section_marker(block.text) is None:
            continue
        if block.line < first:
            start = block.line + 1
        else:
            end = min(end, block.line - 1)
    return start, end


def _parent(ordered: list[Item], line: int, marker, by_number) -> Item | None:
    """Return the proposed element an unplaced line most likely belongs under."""
    if marker.number[:1].isdigit() and "." in marker.number:
        prefix = marker.number.rsplit(".", 1)[0]
        above = [node for node in by_number.get(prefix, []) if node.line < line]
        if above:
            return above[-1]
    previous = None
    for node in ordered:
        if node.line > line:
            break
        previous = node
    if previous is None:
        return None
    if marker.kind:
        if compatible_kinds(marker.kind, previous.kind) and marker.kind:
            return _real_parent(previous)
        node = previous
        while node is not None and node.kind is not None:
            if compatible_kinds(marker.kind, node.kind):
                return _real_parent(node)
            node = _real_parent(node)
        return previous
    if previous.signature == marker.signature:
        return _real_parent(previous)
    return previous


def _heading_parent(ordered: list[Item], block) -> Item | None:
    """Return the closest proposed heading above a heading line, of a higher rank."""
    parent = None
    for node in ordered:
        if node.line > block.line:
            break
        if node.heading and node.heading < block.heading:
            parent = node
    return parent


def _real_parent(node: Item) -> Item | None:
    parent = node.parent
    return parent if parent is not None and parent.source != "root" else None
