"""Find the action plan in the blocks of a document and propose it as a tree.

The parser reads the document once, keeping a stack of the open elements, as a reader does:
a numbered or labelled line opens an element; its number scheme ("I-", "1.", "1.1", "A)",
"Fiche action 3") says whether it is a sibling or a child of the open ones; "Actions clés :"
announces a list of children; "Résultat attendu :" fills a field of the open element; tables
are read column by column (see tables.py). The convention's own text (articles, diagnostic,
governance annexes), tables of contents, page numbers and prose are left aside.

Then the tree is tidied: an element met twice (a summary table, then the fiches) is merged,
headings that only structure the document are dissolved, numbers given only on some elements
of a continuous numbering are completed, and unnamed levels get a name. What the parser was
unsure of becomes a French warning for the person who reviews the proposal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .extract import Block, Document
from .items import (
    MAX_TITLE,
    FieldText,
    Item,
    apply_field,
    apply_values,
    clean_text,
    ends_sentence,
    merge,
)
from .lines import (
    Marker,
    field_label,
    is_toc_entry,
    level_label,
    parse_marker,
    section_marker,
    strip_bullet,
)
from .tables import TableGroup, TableItem, TableReader
from .tidy import STRUCTURAL_HEADING, tidy
from .vocabulary import (
    PLAN_SECTION_WORDS,
    compatible_kinds,
    fold,
    level_rank,
    normalize_title,
    stems,
    titles_match,
)

PROSE_GAP = 6  # this many lines of prose in a row close the open list elements
SIBLING_WINDOW = 300  # a second mention of an element is looked for among its last siblings
MAX_FIELD_LINES = 80
MAX_DEPTH = 12
MAX_NODES = 5_000


@dataclass
class _List:
    owner: Item | None  # None: the list is at the root of the plan
    kind: str
    signature: tuple | None = None  # the numbering of its elements, once the first is read


@dataclass
class ParseResult:
    roots: list[Item]
    warnings: list[str]
    period: tuple[int, int] | None


class PlanParser:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.root = Item(kind=None, number="", title="", source="root")
        self.stack: list[Item] = []
        self.list: _List | None = None
        self.field: FieldText | None = None
        self.continuation: Item | None = None
        self.pending_title: Item | None = None
        self.naming: list[str] = []
        self.prose_run = 0
        self.after_structure = False  # the previous non-blank line was part of the plan
        self.warnings: list[str] = []
        self.skipped: dict[str, int] = {}
        self.in_plan = True
        self.fiches_only = False  # in a section off the plan that may still hold fiches
        self.restricted = False
        self.unaligned_columns: set[str] = set()
        self.count = 0
        self.table_number = 0
        self.dropped_columns: dict[tuple, list[int]] = {}
        self.link_index: dict[str, list[Item]] | None = None
        self.block_start = 0  # first line of the current list, table or section
        self.line = 0
        self.index = 0  # of the block being read
        self.heading_like: list[tuple[int, str]] = []  # skipped lines that looked like titles
        self.numbered: dict[str, list[Item]] = {}  # proposed elements by number

    # ------------------------------------------------------------------ main loop

    def parse(self) -> ParseResult:
        blocks = self.document.blocks
        self._prescan(blocks)
        index = 0
        while index < len(blocks):
            self.index = index
            block = blocks[index]
            if block.is_row:
                end = index
                while end < len(blocks) and blocks[end].is_row and blocks[end].table == block.table:
                    end += 1
                self._table(blocks[index:end])
                index = end
                continue
            self._paragraph(block)
            index += 1
        self._close_field()
        self._tidy()
        return ParseResult(self.root.children, self.warnings, self._period())

    def _prescan(self, blocks: list[Block]) -> None:
        """Find the plan's sections, and the table columns that lost their row alignment."""
        sections = []
        for index, block in enumerate(blocks):
            section = section_marker(block.text) if block.text else None
            if section is not None:
                sections.append((section[0], self._section_title(section[1], index)))
        self.restricted = any(_is_plan_section(word, title) for word, title in sections)
        self.in_plan = not self.restricted
        tables: dict[int, list[Block]] = {}
        for block in blocks:
            if block.is_row:
                tables.setdefault(block.table, []).append(block)
        for rows in tables.values():
            reader = TableReader([row.cells for row in rows], [row.line for row in rows], set())
            reader.analyse()
            self.unaligned_columns |= reader.unaligned_headers()

    def _paragraph(self, block: Block) -> None:
        self.line = block.line
        text = block.text.strip()
        if not text:
            self.continuation = None
            return
        if is_toc_entry(text):
            return
        section = section_marker(text)
        if section is not None:
            self._close_all()
            self.block_start = block.line
            word, title = section[0], self._section_title(section[1], self.index)
            self.in_plan = not self.restricted or _is_plan_section(word, title)
            # An annexe the plan's words do not name may still hold fiches actions.
            self.fiches_only = (
                not self.in_plan and word != "article" and ("diagnostic" not in fold(title))
            )
            self.naming = []
            return
        bullet, rest = strip_bullet(text)
        bullet = bullet or block.bullet
        rest = rest.strip()
        marker = parse_marker(rest)
        if not self.in_plan:
            if self.fiches_only and marker is not None and (marker.kind or "").startswith("Fiche"):
                self.in_plan = True  # the fiches actions start here
            else:
                if marker is not None:
                    self.skipped["hors-plan"] = self.skipped.get("hors-plan", 0) + 1
                return
        if marker is not None and not marker.title and marker.scheme != "label":
            return  # "2.4" alone: a page or figure number
        if (
            marker is not None
            and block.heading
            and marker.scheme != "label"
            and STRUCTURAL_HEADING.search(fold(marker.title))
        ):
            marker = None  # "## 2. Présentation du plan d'actions": a part of the document
        names = [] if bullet or marker else level_label(rest)
        found = None if bullet or marker or names else field_label(rest)

        if self.pending_title is not None:
            item = self.pending_title
            if marker is None and not names and found is None and not bullet:
                self.pending_title = None
                item.title = clean_text(rest)[:MAX_TITLE]
                item.last_line_length = len(rest)
                self.continuation = item
                self._structure()
                return
            self.pending_title = None

        if marker is not None:
            self._item(marker, block, bullet=bullet)
        elif names:
            self._level_label(names, text)
        elif found is not None:
            self._field_label(*found)
        elif block.heading:
            self._section_heading(block)
        elif bullet:
            self._bullet(rest, block)
        else:
            self._plain(rest, block)

    def _section_title(self, title: str, index: int) -> str:
        """Return a section's title, read on the next line when the marker line has none."""
        if len(title.strip(" -–—:.")) >= 3:
            return title
        for block in self.document.blocks[index + 1 : index + 4]:
            if block.text.strip():
                return block.text.strip()
        return title

    def _next_text(self) -> str | None:
        """Return the next non-blank paragraph of the document, or None."""
        blocks = self.document.blocks
        for block in blocks[self.index + 1 : self.index + 6]:
            if block.is_row:
                return None
            if block.text.strip():
                return block.text.strip()
        return None

    def _structure(self) -> None:
        self.prose_run = 0
        self.after_structure = True

    # ------------------------------------------------------------------ elements

    def _item(self, marker: Marker, block: Block, *, bullet: bool) -> None:
        self._close_field()
        self.continuation = None
        if self._is_reference(marker):
            self._reference(marker, block)
            return
        unnumbered_detail = (
            marker.scheme == "label"
            and not marker.number
            and not block.heading
            and not block.bold
            and not (marker.kind or "").startswith("Fiche")
        )
        if unnumbered_detail:
            # "Axe stratégique : Parentalité" in the body of a fiche: a detail of it.
            if self.stack:
                self.stack[-1].description.append(f"{marker.kind} : {marker.title}")
                self._structure()
            else:
                self._prose()
            return
        in_list = self._in_list(marker)
        if not in_list:
            self.list = None
        floor = self._floor() if in_list else -1
        if block.heading:
            self._close_for_heading(block.heading)
            floor = min(floor, len(self.stack) - 1)
        parent = self._place(marker, floor)
        while parent.parent is not None and parent.depth >= MAX_DEPTH - 1:
            parent = parent.parent  # a plan is not that deep: keep the proposal savable
        kind, explicit = marker.kind, marker.kind is not None
        if kind is None and in_list and self.list is not None:
            kind, explicit = self.list.kind, True
        if kind is None:
            kind, explicit = self._sibling_kind(parent, marker.signature)
        if kind is None and self.naming:
            depth = 0 if parent is self.root else parent.depth + 1
            if depth < len(self.naming):
                kind, explicit = self.naming[depth], True
        item = Item(
            kind=kind,
            number=marker.number,
            title=clean_text(marker.title)[:MAX_TITLE],
            source="heading"
            if block.heading
            else ("label" if marker.scheme == "label" else ("bullet" if bullet else "list")),
            line=block.line,
            page=block.page,
            heading=block.heading,
            signature=marker.signature,
            explicit=explicit,
            last_line_length=len(marker.title),
        )
        item = self._insert(parent, item)
        self.stack.append(item)
        if not item.title:
            self.pending_title = item
        elif not block.heading:
            self.continuation = item
        self._structure()

    def _is_reference(self, marker: Marker) -> bool:
        """Return whether a labelled line names the axe (or other upper level) of the fiche
        just opened, as fiches do in their header: "FICHE ACTION N°3" then "Axe 2 : …"."""
        if marker.scheme != "label" or not self.stack:
            return False
        top = self.stack[-1]
        new_rank, top_rank = level_rank(marker.kind), level_rank(top.kind)
        if not (
            top.source == "label"
            and not top.referenced
            and new_rank is not None
            and top_rank is not None
            and new_rank < top_rank
            and not top.children
            and self.line - top.line <= 8
        ):
            return False
        # The fiche's header goes on with its fields ("Intitulé :", "Pilote :"); a new axe
        # goes on with its own elements ("OI 2.1 : …").
        following = self._next_text()
        return following is not None and field_label(strip_bullet(following)[1]) is not None

    def _reference(self, marker: Marker, block: Block) -> None:
        """Put the fiche on top of the stack under the element its header line names."""
        fiche = self.stack.pop()
        parent = self._place(marker, -1)
        named = Item(
            kind=marker.kind,
            number=marker.number,
            title=clean_text(marker.title)[:MAX_TITLE],
            source="label",
            line=block.line,
            page=block.page,
            signature=marker.signature,
            explicit=True,
        )
        named = self._insert(parent, named)
        fiche.referenced = True
        if fiche.parent is not None and fiche.parent is not named:
            fiche.parent.children = [c for c in fiche.parent.children if c is not fiche]
            named.add(fiche)
        self.stack.extend([named, fiche])
        self._structure()

    def _in_list(self, marker: Marker) -> bool:
        if self.list is None:
            return False
        owner = self.list.owner
        if owner is None:
            return marker.kind is None or compatible_kinds(marker.kind, self.list.kind)
        position = self._stack_index(owner)
        if position is None:
            self.list = None
            return False
        for item in self.stack[: position + 1]:
            if item.signature == marker.signature and not self._prefix_of(item, marker):
                return False  # "2. Accès aux droits" after the actions of "1. …": a sibling
        return not marker.kind or compatible_kinds(marker.kind, self.list.kind)

    def _floor(self) -> int:
        if self.list is None or self.list.owner is None:
            return -1
        position = self._stack_index(self.list.owner)
        return -1 if position is None else position

    def _place(self, marker: Marker, floor: int) -> Item:
        """Pop the stack to where the new element goes and return its parent."""
        if marker.number[:1].isdigit() and marker.depth >= 2:
            prefix = marker.number.rsplit(".", 1)[0]
            for position in range(len(self.stack) - 1, floor, -1):
                if self.stack[position].number == prefix:
                    del self.stack[position + 1 :]
                    return self.stack[position]
        for position in range(len(self.stack) - 1, floor, -1):
            item = self.stack[position]
            if _same_scheme(item, marker):
                del self.stack[position:]
                return item.parent or self.root
        listed = self.list is not None and self.list.signature in (None, marker.signature)
        if floor >= 0 and listed:
            # The next element of the list, after the children of the previous one.
            self.list.signature = marker.signature
            del self.stack[floor + 1 :]
        return self.stack[-1] if self.stack else self.root

    def _prefix_of(self, item: Item, marker: Marker) -> bool:
        return marker.depth >= 2 and marker.number.rsplit(".", 1)[0] == item.number

    def _sibling_kind(self, parent: Item, signature: tuple) -> tuple[str | None, bool]:
        for sibling in reversed(parent.children):
            if sibling.signature == signature and sibling.kind:
                return sibling.kind, sibling.explicit
        return None, False

    def _stack_index(self, item: Item) -> int | None:
        for position, candidate in enumerate(self.stack):
            if candidate is item:
                return position
        return None

    def _insert(self, parent: Item, item: Item) -> Item:
        """Add the element under parent, or return the same element already proposed."""
        same = self._same_element(parent, item)
        if same is not None:
            had_number = bool(same.number)
            merge(same, item)
            if same.number and not had_number:
                self.numbered.setdefault(same.number, []).append(same)
            return same
        if self.count >= MAX_NODES:
            if self.count == MAX_NODES:
                self.warnings.append(
                    f"Le plan proposé est limité à {MAX_NODES} éléments : la suite du "
                    "document n'a pas été analysée."
                )
                self.count += 1
            return item
        self.count += 1
        parent.add(item)
        if item.number:
            self.numbered.setdefault(item.number, []).append(item)
        return item

    def _same_element(self, parent: Item, item: Item) -> Item | None:
        key = normalize_title(item.title)
        twin = parent.by_title.get(key) if key and not item.number else None
        if twin is not None and not twin.number and compatible_kinds(twin.kind, item.kind):
            return twin  # the same unnumbered element, mentioned again
        for child in parent.children[-SIBLING_WINDOW:]:
            if not compatible_kinds(child.kind, item.kind):
                continue
            if child.number and item.number:
                if child.number != item.number:
                    continue
                if titles_match(child.title, item.title):
                    return child
                if (not child.title or not item.title) and child.kind and item.kind:
                    return child
            elif (
                (child.number or item.number)
                and child.line < self.block_start
                and titles_match(child.title, item.title)
            ):
                return child  # a second mention that adds (or lacks) the number: "4. Garantir…"
        if item.number and item.kind:
            same = [
                node
                for node in self.numbered.get(item.number, [])
                if node.number == item.number
                and node.kind
                and compatible_kinds(node.kind, item.kind)
                and node is not parent
            ]
            for node in same:
                if titles_match(node.title, item.title):
                    return node
            if not item.title and len(same) == 1:
                return same[0]  # "## Axe 2" alone: the Axe 2 already proposed
        return None

    def _close_for_heading(self, level: int) -> None:
        while self.stack and (not self.stack[-1].heading or self.stack[-1].heading >= level):
            self.stack.pop()
        self.list = None

    def _close_all(self) -> None:
        self._close_field()
        self.stack = []
        self.list = None
        self.continuation = None
        self.pending_title = None
        self.prose_run = 0
        self.after_structure = False

    def _close_paragraph_items(self) -> None:
        while self.stack and not self.stack[-1].heading:
            self.stack.pop()
        self.list = None
        self.continuation = None

    # ------------------------------------------------------------------ labels and fields

    def _level_label(self, names: list[str], text: str) -> None:
        self._close_field()
        self.continuation = None
        if len(names) >= 2 or not self.stack:
            self.naming = names
            self.list = None
            if len(names) == 1 and text.rstrip().endswith(":"):
                self.list = _List(owner=None, kind=names[0])
        else:
            owner = self.list.owner if self.list is not None else self.stack[-1]
            if owner is not None:
                position = self._stack_index(owner)
                if position is not None:
                    del self.stack[position + 1 :]
            self.list = _List(owner=owner, kind=names[0])
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
        if item is not None and _continues(item, text):
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
        if self.count and _looks_like_heading(text, block):
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

    # ------------------------------------------------------------------ tables

    def _table(self, rows: list[Block]) -> None:
        self._close_field()
        self.continuation = None
        self.pending_title = None
        self.list = None
        if not self.in_plan:
            return
        reader = TableReader(
            [row.cells for row in rows], [row.line for row in rows], self.unaligned_columns
        )
        plan = reader.read()
        self.table_number += 1
        filled = sum(1 for row in rows if any(span.text for cell in row.cells for span in cell))
        if not plan.entries and filled >= 2:
            self.warnings.append(
                f"Tableau (ligne {rows[0].line}) non repris : il ne contient ni numéros, ni "
                "éléments nommés (axe, action…), ni colonne d'actions."
            )
        self.warnings.extend(plan.warnings)
        if plan.columns_dropped and any(isinstance(e, TableItem) for e in plan.entries):
            names = tuple(dict.fromkeys(plan.columns_dropped))
            self.dropped_columns.setdefault(names, []).append(rows[0].line)
        while self.stack and self.stack[-1].source in ("list", "bullet"):
            self.stack.pop()  # a table does not belong to the last item of a list above it
        base = self.stack[-1] if self.stack else self.root
        self.block_start = rows[0].line
        own: set[int] = set()
        self.link_index = None  # built when a group label first needs it
        groups: list[Item | None] = [None] * len(plan.group_kinds)
        upper: Item | None = None
        item_kinds = {plan.item_kind, plan.upper_kind} - {None}
        for entry in plan.entries:
            if isinstance(entry, TableGroup):
                parent = base
                for outer in groups[: entry.level][::-1]:
                    if outer is not None:
                        parent = outer
                        break
                group = self._table_group(entry, plan, parent, own, item_kinds)
                groups[entry.level] = group
                for level in range(entry.level + 1, len(groups)):
                    groups[level] = None
                upper = None
                continue
            parent = next((group for group in groups[::-1] if group is not None), base)
            if entry.upper:
                kind = plan.upper_kind
            else:
                kind = plan.item_kind
                if upper is not None:
                    parent = upper
            item = Item(
                kind=kind,
                number=entry.number,
                title=clean_text(entry.title)[:MAX_TITLE],
                source="table",
                line=entry.line,
                signature=("table", self.table_number, entry.upper),
                explicit=kind is not None,
                period=entry.period,
                table=self.table_number,
            )
            apply_values(item, entry.values)
            item = self._insert(parent, item)
            own.add(id(item))
            if entry.upper:
                upper = item
        self.after_structure = False
        self.prose_run = 0

    def _table_group(self, entry: TableGroup, plan, parent: Item, own: set, item_kinds) -> Item:
        marker = entry.marker
        kind = marker.kind if marker and marker.kind else plan.group_kinds[entry.level]
        number = marker.number if marker else ""
        title = clean_text(marker.title if marker else entry.title)[:MAX_TITLE]
        if not number:
            linked = self._linked_group(title, own, item_kinds)
            if linked is not None:
                apply_values(linked, entry.values)
                return linked
        for position in range(len(self.stack) - 1, -1, -1):
            open_item = self.stack[position]
            if (
                marker is not None and marker.scheme == "label" and _same_scheme(open_item, marker)
            ) or (kind and open_item.kind and fold(open_item.kind) == fold(kind)):
                parent = open_item.parent or self.root  # an "Axe" column under an open "Axe"
                break
        item = Item(
            kind=kind,
            number=number,
            title=title,
            source="group" if not number else "table",
            line=entry.line,
            signature=marker.signature if marker else ("group", self.table_number, entry.level),
            explicit=kind is not None,
            table=self.table_number,
        )
        apply_values(item, entry.values)
        item = self._insert(parent, item)
        own.add(id(item))
        return item

    def _linked_group(self, title: str, own: set, item_kinds: set) -> Item | None:
        """Return an element proposed earlier that a table's group label names, if one does.

        "Qualité et adaptation de l'offre" names the orientation "Garantir une offre d'accueil
        de qualité, adaptée…": at least two thirds of the label's words, and better than any
        other element.
        """
        label = stems(title)
        if not label:
            return None
        if self.link_index is None:
            self.link_index = {}
            for node in self.root.walk():
                if id(node) in own or node.kind in item_kinds or node.source == "bullet":
                    continue
                for stem in stems(node.title):
                    self.link_index.setdefault(stem, []).append(node)
        shared: dict[int, int] = {}
        nodes: dict[int, Item] = {}
        for stem in label:
            for node in self.link_index.get(stem, ()):
                shared[id(node)] = shared.get(id(node), 0) + 1
                nodes[id(node)] = node
        best, second, chosen = 0.0, 0.0, None
        for key, count in shared.items():
            score = count / len(label)
            if score > best:
                best, second, chosen = score, best, key
            elif score > second:
                second = score
        if chosen is None or best < 0.66 or second >= best:
            return None
        return nodes[chosen]

    # ------------------------------------------------------------------ tidying

    def _tidy(self) -> None:
        tidy(self.root, self.warnings)
        for names, lines in self.dropped_columns.items():
            columns = ", ".join(f"« {name} »" for name in names)
            where = ", ".join(str(line) for line in lines)
            self.warnings.append(
                f"Tableau(x) aux lignes {where} : les colonnes {columns} ne sont pas alignées "
                "ligne à ligne avec les éléments (cellules fusionnées) ; leur texte a été "
                "reporté dans la description des groupes."
            )
        if self.heading_like:
            shown = " ; ".join(
                f"ligne {line} « {text[:60]} »" for line, text in self.heading_like[:8]
            )
            more = len(self.heading_like) - 8
            self.warnings.append(
                f"{len(self.heading_like)} ligne(s) ressemblant à des titres n'ont pas été "
                f"reprises dans le plan : {shown}" + (f" et {more} autre(s)." if more > 0 else ".")
            )
        if self.skipped.get("hors-plan"):
            count = self.skipped["hors-plan"]
            self.warnings.insert(
                0,
                f"{count} ligne(s) numérotée(s) hors des parties du plan d'actions (articles de "
                "la convention, diagnostic, autres annexes) n'ont pas été reprises.",
            )

    def _period(self) -> tuple[int, int] | None:
        """Return the years of the CTG as the document's titles give them ("CTG 2025-2028")."""
        counts: dict[tuple[int, int], int] = {}
        pattern = re.compile(r"(?<!\d)((?:19|20)\d\d) *[-–—/à] *((?:19|20)\d\d)(?!\d)")
        for block in self.document.blocks[:5000]:
            text = block.text
            if not text or len(text) > 300:
                continue
            folded = fold(text)
            if not re.search(r"\bctg\b|convention|plan d'action|projet social", folded):
                continue
            for match in pattern.finditer(text):
                start, end = int(match.group(1)), int(match.group(2))
                if 2 <= end - start <= 6:
                    counts[(start, end)] = counts.get((start, end), 0) + 1
        if not counts:
            return None
        return max(counts, key=lambda span: (counts[span], span[1] - span[0]))


# ---------------------------------------------------------------------------- helpers


def _looks_like_heading(text: str, block: Block) -> bool:
    """Return whether an unused line looks like a title: bold, or short and in capitals."""
    letters = [char for char in text if char.isalpha()]
    if len(letters) < 4 or len(text) > 100 or len(letters) * 2 < len(text.replace(" ", "")):
        return False
    return block.bold or all(char.isupper() for char in letters)


def _is_plan_section(word: str, title: str) -> bool:
    folded = fold(title)
    if word == "article":
        return "plan d'action" in folded or "fiches action" in folded
    return any(keyword in folded for keyword in PLAN_SECTION_WORDS)


def _same_scheme(item: Item, marker: Marker) -> bool:
    if item.signature == marker.signature:
        return True
    if item.signature[:1] == ("label",) and marker.scheme == "label":
        return compatible_kinds(item.signature[1], marker.label_key)
    return False


def _continues(item: Item, text: str) -> bool:
    """Return whether a plain line carries on the title of the element above."""
    if len(item.title) + len(text) > MAX_TITLE:
        return False
    first = text[:1]
    if first.islower() or first in '(«"“':
        return True
    return item.last_line_length >= 55 and not ends_sentence(item.title)
