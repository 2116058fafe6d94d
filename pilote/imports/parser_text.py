"""How the plan parser reads labelled lines, fields, bullets and prose (mixed into PlanParser).

"Axe 2 :" names a level, "Résultat attendu :" fills a field of the open element, a bullet may
be a child element or a line of its parent's field, and a run of prose closes the open lists.
"""

from __future__ import annotations

import re

from .extract import Block
from .items import (
    MAX_TITLE,
    FieldText,
    Item,
    UnplacedLine,
    apply_field,
    clean_text,
)
from .lines import (
    Marker,
    field_label,
    level_label,
    parent_number,
    parse_marker,
    pseudo_section,
    strip_bullet,
)
from .parser_state import MAX_FIELD_LINES, PROSE_GAP, OpenList, continues, looks_like_heading
from .tidy import STRUCTURAL_HEADING
from .vocabulary import fold, normalize_title

GROUP_LINE = 7  # the heading level of a group line: below Word's and Markdown's six
_NUMBER_ALONE = re.compile(r"\d{1,3}(?:\.\d{1,3}){0,4}")
_COLUMN_NUMBER = re.compile(r"n *[°o]\.?|numero|num\.?|ref\.?|reference|#")


class TextReading:
    """The PlanParser's methods for labels, fields, bullets and prose."""

    # ------------------------------------------------------------------ labels and fields

    def _level_label(self, names: list[str], text: str) -> None:
        self._close_field()
        self.continuation = None
        if len(names) >= 2 or not self.stack:
            self.naming = names
            self.list = None
            if len(names) == 1 and text.rstrip().endswith(":"):
                self.list = OpenList(owner=None, kind=names[0])
        else:
            owner = self.list.owner if self.list is not None else self.stack[-1]
            if owner is not None:
                position = self._stack_index(owner)
                if position is not None:
                    del self.stack[position + 1 :]
            self.list = OpenList(owner=owner, kind=names[0])
        self.block_start = self.line
        self._structure()

    def _field_label(self, name: str, value: str) -> None:
        self._close_field()
        self.continuation = None
        owner = self.list.owner if self.list is not None else None
        if owner is not None:
            position = self._stack_index(owner)
            if position is not None:
                del self.stack[position + 1 :]
        self.list = None
        if not self.stack:
            self._prose()
            return
        self.field = FieldText(item=self.stack[-1], name=name)
        if value:
            self.field.add(value)
        self._structure()

    def _close_field(self) -> None:
        current, self.field = self.field, None
        if current is None:
            return
        apply_field(current)

    def _section_heading(self, block: Block) -> None:
        """Close what the heading ends; an unnumbered heading may also group what follows."""
        self.block_start = block.line
        self._close_field()
        self._close_for_heading(block.heading)
        self.continuation = None
        self.prose_run = 0
        self.after_structure = False
        title = clean_text(block.text)
        if STRUCTURAL_HEADING.search(fold(title)) or len(title) > 150:
            return
        item = Item(
            kind=None,
            number="",
            title=title,
            source="group",
            line=block.line,
            page=block.page,
            heading=block.heading,
            signature=("heading", block.heading),
        )
        parent = self.stack[-1] if self.stack else self.root
        self.stack.append(self._insert(parent, item))

    # ------------------------------------------------------------------ bullets and prose

    def _bullet(self, text: str, block: Block) -> None:
        self.continuation = None
        if self.field is not None:
            if self.field.lines >= MAX_FIELD_LINES:
                self._close_field()
            else:
                self.field.add(clean_text(text), bullet=True)
                self._structure()
                return
        kind = None
        owner: Item | None = None
        if self.list is not None and self.after_structure:
            kind, owner = self.list.kind, self.list.owner
        elif self.stack and self.after_structure:
            owner = self.stack[-1]
            if owner.source == "bullet" and owner.parent is not None:
                owner = owner.parent
            kind = self._bullet_kind(owner)
            if kind is None:
                owner.description.append(f"- {clean_text(text)}")
                self._structure()
                return
        if kind is None:
            self._prose()
            return
        parent = owner or self.root
        if owner is not None:
            position = self._stack_index(owner)
            if position is not None:
                del self.stack[position + 1 :]
        item = Item(
            kind=kind,
            number="",
            title=clean_text(text)[:MAX_TITLE],
            source="bullet",
            line=block.line,
            page=block.page,
            signature=("bullet",),
            explicit=True,
            last_line_length=len(text),
        )
        item = self._insert(parent, item)
        if owner is not None:
            self.stack.append(item)
        self.continuation = item
        self._structure()

    def _bullet_kind(self, owner: Item) -> str | None:
        """Return the kind of the bullets under the owner's previous siblings, if any."""
        parent = owner.parent
        if parent is None:
            return None
        for sibling in reversed(parent.children):
            if sibling is owner:
                continue
            bullets = [child for child in sibling.children if child.source == "bullet"]
            if bullets:
                return bullets[-1].kind
        return None

    def _pseudo_section(self, text: str, block: Block) -> bool:
        """Leave the plan at "Les principaux constats", come back at "PLAN D'ACTIONS"."""
        if not (block.heading or looks_like_heading(text, block)):
            return False
        part = pseudo_section(text)
        if part is None:
            return False
        if part == "off":
            self._close_all()
            self.off_plan = True
            return True
        self.off_plan = False
        return False

    def _group_line(self, text: str, block: Block) -> bool:
        """Open a group for an unnumbered title in capitals or bold ("PETITE ENFANCE") that
        numbered elements follow."""
        if not looks_like_heading(text, block) or STRUCTURAL_HEADING.search(fold(text)):
            return False
        listed = [item for item in self.stack if item.source not in ("heading", "group")]
        if listed and not any(item.heading == GROUP_LINE for item in self.stack):
            return False  # "1. …", "PETITE ENFANCE", "2. …": a line inside one numbering
        following = self._next_text()
        if following is None:
            if not self._next_is_table():
                return False
        elif parse_marker(strip_bullet(following)[1].strip()) is None:
            return False
        self._section_heading(
            Block(line=block.line, text=text, heading=GROUP_LINE, page=block.page)
        )
        return True

    def _split_number(self, text: str):
        """Return the marker of a number alone on its line whose title is the next line, as
        a PDF's table gives a row ("1" then "Créer un relais"); None otherwise.

        When the row's upper cell comes between them ("1.2", "Axe 1 - …", "Créer un relais"),
        as in a spreadsheet printed to PDF, that upper element is read first.
        """
        if self.document.format != "pdf" or not _NUMBER_ALONE.fullmatch(text):
            return None
        blocks = self.document.blocks
        upper = None
        position = self.index + 1
        while position < min(self.index + 8, len(blocks)):
            line = blocks[position].text.strip()
            position += 1
            if not line:
                continue
            marker = parse_marker(line)
            if upper is None and marker is not None and self._row_parent(marker, text):
                upper = (marker, blocks[position - 1], [])
                continue
            if upper is not None and line[:1].islower():
                upper[2].append(line)  # the upper cell wrapped over several lines
                continue
            if not line[:1].isupper() or marker or field_label(line):
                return None
            if upper is not None:
                marker, block, wrapped = upper
                self._item(marker, block, bullet=False)
                for piece in wrapped:
                    if not _said(self.stack[-1].title, piece):
                        self.stack[-1].title = clean_text(f"{self.stack[-1].title} {piece}")
            self.consumed = position - 1
            return Marker(scheme="decimal", number=text, title=line)
        return None

    def _level_names(self, text: str) -> list[str]:
        """Return the level names a line announces, with those of the column titles after it
        when a PDF gives a table's header a cell a line."""
        names = level_label(text)
        if len(names) == 1 and self.document.format == "pdf":
            return self._header_names(names)
        return names

    def _header_names(self, names: list[str]) -> list[str]:
        """Return the level names of a table's header as a PDF gives it, a cell a line ("Axe",
        "N°", "Fiche action", "Pilote"): the columns name the levels of the rows below.

        Only a run of short column titles (level names, field labels, "N°") counts; the lines
        of the run are read with the first. A level name alone stays one name.
        """
        found = list(names)
        blocks = self.document.blocks
        last = self.index
        for position in range(self.index + 1, min(self.index + 12, len(blocks))):
            line = blocks[position].text.strip()
            if not line:
                continue
            more = level_label(line) if len(line) <= 40 else []
            label = field_label(line)
            if len(more) == 1:
                if more[0] not in found:
                    found.append(more[0])
            elif not (_COLUMN_NUMBER.fullmatch(fold(line)) or (label and not label[1])):
                break
            last = position
        if len(found) < 2:
            return names
        self.consumed = last
        return found

    def _row_parent(self, marker: Marker, number: str) -> bool:
        """Return whether a labelled line names the element a compound number sits under
        ("Axe 1 - …" for "1.2"), in the part of the document that holds the plan."""
        return (
            marker.scheme == "label"
            and bool(marker.number)
            and marker.number == parent_number(number)
            and self.in_plan
            and not self.off_plan
        )

    def _next_is_table(self) -> bool:
        for block in self.document.blocks[self.index + 1 : self.index + 6]:
            if block.is_row:
                return True
            if block.text.strip():
                return False
        return False

    def _plain(self, text: str, block: Block) -> None:
        item = self.continuation
        capitals = text.isupper() and not item.title.isupper() if item is not None else False
        # A Word (or Writer) paragraph is whole: the next one never carries on its title.
        wrapped = self.document.format not in ("docx", "odt") and not capitals
        if item is not None and wrapped and _said(item.title, text):
            self._structure()  # the wrapped end of a title met again ("Axe 1" in each row)
            return
        if item is not None and wrapped and continues(item, text):
            item.title = clean_text(f"{item.title} {text}")[:MAX_TITLE]
            item.last_line_length = len(text)
            self._structure()
            return
        self.continuation = None
        if self.field is not None:
            if self.field.lines < MAX_FIELD_LINES and not re.fullmatch(r"[\d.\s]+", text):
                self.field.add(clean_text(text))
                self._structure()
                return
            if self.field.lines >= MAX_FIELD_LINES:
                self._close_field()
        if self._group_line(text, block):
            return
        if self.count and looks_like_heading(text, block):
            self.heading_like.append((block.line, text))
            self._unplaced(text, block, None, "ligne ressemblant à un titre")
        self._prose()

    def _unplaced(self, text: str, block: Block, marker, reason: str) -> None:
        """Keep a line that looked like a plan element for the review's "non repris" list."""
        parent = self.stack[-1] if self.stack else None
        self.unplaced.append((text, block, marker, reason, parent))

    def _unplaced_lines(self) -> list[UnplacedLine]:
        """Return the lines kept by _unplaced, each with the place it would go in the tree."""
        paths: dict[int, tuple[int, ...]] = {}

        def visit(nodes: list[Item], prefix: tuple[int, ...]) -> None:
            for position, node in enumerate(nodes):
                paths[id(node)] = (*prefix, position)
                visit(node.children, paths[id(node)])

        visit(self.root.children, ())
        lines = []
        for text, block, marker, reason, parent in self.unplaced:
            path = paths.get(id(parent), ()) if parent is not None else ()
            key = ""
            if path and parent is not None:
                key = (
                    f"{parent.kind or ''} {parent.number}".strip()
                    if parent.number
                    else parent.title
                )
            lines.append(
                UnplacedLine(
                    text=text[:MAX_TITLE],
                    line_no=block.line,
                    page=block.page,
                    number=marker.number if marker is not None else "",
                    level=(marker.kind or "") if marker is not None else "",
                    suggested_parent_key=key,
                    suggested_parent_path=path,
                    reason=reason,
                )
            )
        return lines

    def _prose(self) -> None:
        self.after_structure = False
        self.list = None
        self.prose_run += 1
        if self.prose_run >= PROSE_GAP:
            self._close_field()
            self._close_paragraph_items()
            self.naming = []


def _said(title: str, text: str) -> bool:
    """Return whether a line repeats a piece of the title it would carry on."""
    piece = normalize_title(text)
    return len(piece) >= 5 and piece in normalize_title(title)
