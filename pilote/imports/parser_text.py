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
    apply_field,
    clean_text,
)
from .parser_state import MAX_FIELD_LINES, PROSE_GAP, OpenList, continues, looks_like_heading
from .tidy import STRUCTURAL_HEADING
from .vocabulary import (
    fold,
)


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

    def _plain(self, text: str, block: Block) -> None:
        item = self.continuation
        if item is not None and continues(item, text):
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
        if self.count and looks_like_heading(text, block):
            self.heading_like.append((block.line, text))
        self._prose()

    def _prose(self) -> None:
        self.after_structure = False
        self.list = None
        self.prose_run += 1
        if self.prose_run >= PROSE_GAP:
            self._close_field()
            self._close_paragraph_items()
            self.naming = []
