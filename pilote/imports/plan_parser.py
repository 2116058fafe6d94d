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
from dataclasses import dataclass, field

from .extract import Block, Document
from .fields import Period, parse_period
from .items import MAX_TITLE, FieldText, Item, UnplacedLine, clean_text, merge
from .lines import (
    Marker,
    field_label,
    is_toc_entry,
    parent_number,
    parse_marker,
    section_marker,
    section_number,
    strip_bullet,
    title_period,
)
from .parser_sections import document_part, listed_sections, toc_runs
from .parser_state import (
    OpenList,
    same_scheme,
)
from .parser_tables import TableReading
from .parser_text import TextReading
from .tables import TableReader
from .tidy import same_part, tidy
from .vocabulary import (
    PLAN_SECTION_WORDS,
    compatible_kinds,
    fold,
    level_rank,
    looks_thematic,
    normalize_title,
    titles_match,
)

SIBLING_WINDOW = 300  # a second mention of an element is looked for among its last siblings
MAX_DEPTH = 12
MAX_NODES = 5_000


@dataclass
class ParseResult:
    roots: list[Item]
    warnings: list[str]
    period: tuple[int, int] | None
    unplaced: list[UnplacedLine] = field(default_factory=list)  # in document order
    dropped_levels: list[str] = field(default_factory=list)


class PlanParser(TextReading, TableReading):
    """Read a document's blocks once, keeping the open elements on a stack."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.root = Item(kind=None, number="", title="", source="root")
        self.stack: list[Item] = []
        self.list: OpenList | None = None
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
        self.consumed = -1  # blocks up to this index were read with the one above
        self.toc_lines: set[int] = set()  # a table of contents without dot leaders
        self.sections: set[int] = set()  # indexes of the blocks that start a section
        self.dropped_levels: list[str] = []
        self.detail_levels: dict[str, None] = {}  # level names read as details of a fiche
        self.off_plan = False  # under an unnumbered title of a part off the plan ("Constats")
        self.unplaced: list[tuple[str, Block, Marker | None, str, Item | None]] = []
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
        return ParseResult(
            self.root.children,
            self.warnings,
            self._period(),
            unplaced=self._unplaced_lines(),
            dropped_levels=self.dropped_levels,
        )

    def _prescan(self, blocks: list[Block]) -> None:
        """Find the plan's sections, and the table columns that lost their row alignment."""
        sections = []
        found = [
            (index, section)
            for index, block in enumerate(blocks)
            if block.text and (section := section_marker(block.text)) is not None
        ]
        self.toc_lines = toc_runs(blocks)
        listed = listed_sections(blocks, [index for index, _ in found])
        self.sections = set()
        for index, section in found:
            if index not in listed:
                self.sections.add(index)
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
        if self.index <= self.consumed:
            return  # the title of a number alone on the line above
        text = block.text.strip()
        if not text:
            self.continuation = None
            return
        if is_toc_entry(text) or self.index in self.toc_lines:
            return
        section = section_marker(text) if self.index in self.sections else None
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
            self.off_plan = False
            if self.in_plan and word == "partie" and looks_thematic(title):
                self._thematic_part(title, block)
            return
        bullet, rest = strip_bullet(text)
        bullet = bullet or block.bullet
        rest = rest.strip()
        marker = parse_marker(rest) or self._split_number(rest)
        if marker is not None and block.heading and document_part(marker):
            marker = None  # "## 2. Présentation du plan d'actions": a part of the document
        if marker is None and self._pseudo_section(text, block):
            return
        if self.off_plan and marker is not None and block.heading and marker.scheme == "label":
            self.off_plan = (
                False  # "## Axe 2 : …" after "Les principaux constats": back in the plan
            )
        if self.off_plan:
            if marker is not None:
                self._unplaced(text, block, marker, "hors du plan d'actions")
            return
        if not self.in_plan:
            if self.fiches_only and marker is not None and (marker.kind or "").startswith("Fiche"):
                self.in_plan = True  # the fiches actions start here
            else:
                if marker is not None:
                    self.skipped["hors-plan"] = self.skipped.get("hors-plan", 0) + 1
                    self._unplaced(text, block, marker, "hors des parties du plan d'actions")
                return
        if marker is not None and not marker.title and marker.scheme != "label":
            return  # "2.4" alone: a page or figure number
        names = [] if bullet or marker else self._level_names(rest)
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

    def _thematic_part(self, title: str, block: Block) -> None:
        """Open "Partie 1 – Petite enfance" as a top element: its axes' numbering restarts."""
        number = section_number(block.text)
        part = Item(
            kind="Partie",
            number="" if number in ("PREMIER", "PREMIERE", "UNIQUE") else number,
            title=clean_text(title)[:MAX_TITLE],
            source="label",
            line=block.line,
            page=block.page,
            heading=block.heading or 1,
            signature=("label", "partie"),
            explicit=True,
        )
        self.stack.append(self._insert(self.root, part))
        self._structure()

    def _section_title(self, title: str, index: int) -> str:
        """Return a section's title, read on the next line when the marker line has none."""
        if len(title.strip(" -–—:.")) >= 3:
            return title
        for block in self.document.blocks[index + 1 : index + 4]:
            if block.text.strip():
                return block.text.strip()
        return title

    def _next_text(self, *, skip_wrapped: bool = False) -> str | None:
        """Return the next non-blank paragraph of the document, or None.

        skip_wrapped: pass the lines that carry on a wrapped line ("des familles").
        """
        blocks = self.document.blocks
        for block in blocks[self.index + 1 : self.index + 6]:
            if block.is_row:
                return None
            text = block.text.strip()
            if text and not (skip_wrapped and text[:1].islower()):
                return text
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
            self.detail_levels.setdefault(marker.kind or "", None)
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
            # "### 1.2" under "### Axe 1": the number, not the heading level, says it is a child.
            self._close_for_heading(block.heading, keep=parent_number(marker.number))
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
        title, period = title_period(marker.title)
        item = Item(
            kind=kind,
            number=marker.number,
            title=clean_text(title)[:MAX_TITLE],
            period=parse_period(period) if period else Period(),
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
        following = self._next_text(skip_wrapped=True)
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
        if marker.depth >= 2:
            prefix = parent_number(marker.number)
            for position in range(len(self.stack) - 1, floor, -1):
                if self.stack[position].number == prefix:
                    del self.stack[position + 1 :]
                    return self.stack[position]
        for position in range(len(self.stack) - 1, floor, -1):
            item = self.stack[position]
            if same_scheme(item, marker):
                del self.stack[position:]
                return item.parent or self.root
        listed = self.list is not None and self.list.signature in (None, marker.signature)
        if floor >= 0 and listed:
            # The next element of the list, after the children of the previous one.
            self.list.signature = marker.signature
            del self.stack[floor + 1 :]
        return self.stack[-1] if self.stack else self.root

    def _prefix_of(self, item: Item, marker: Marker) -> bool:
        return marker.depth >= 2 and parent_number(marker.number) == item.number

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
                and same_part(node, parent)
            ]
            for node in same:
                if titles_match(node.title, item.title):
                    return node
            if not item.title and len(same) == 1:
                return same[0]  # "## Axe 2" alone: the Axe 2 already proposed
        return None

    def _close_for_heading(self, level: int, *, keep: str = "") -> None:
        """Close the open elements a heading of this level ends, down to the one numbered keep."""
        while self.stack and (not self.stack[-1].heading or self.stack[-1].heading >= level):
            if keep and self.stack[-1].heading and self.stack[-1].number == keep:
                break  # the heading the new one is numbered under ("### 1" for "### 1.2")
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

    # ------------------------------------------------------------------ tidying

    def _tidy(self) -> None:
        tidy(self.root, self.warnings)
        kept = {node.kind for node in self.root.walk()}
        self.dropped_levels = [
            name
            for name in self.detail_levels
            if name and not any(compatible_kinds(name, kind) for kind in kept if kind)
        ]
        if self.dropped_levels:
            names = ", ".join(f"« {name} »" for name in self.dropped_levels)
            self.warnings.append(
                f"Niveau(x) nommé(s) dans les fiches mais non repris comme niveau du plan : "
                f"{names} (le texte est dans la description des fiches)."
            )
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
            if not text or len(text) > 300 or not pattern.search(text):
                continue  # no span of years: not folded (the slow part)
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


def _is_plan_section(word: str, title: str) -> bool:
    folded = fold(title)
    if word == "article":
        return "plan d'action" in folded or "fiches action" in folded
    return any(keyword in folded for keyword in PLAN_SECTION_WORDS)
