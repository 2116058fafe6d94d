"""How the plan parser reads a table of the document (mixed into PlanParser).

tables.TableReader finds the columns; these methods place its groups and items in the tree.
"""

from __future__ import annotations

from .extract import Block
from .items import (
    MAX_TITLE,
    FieldText,
    Item,
    apply_values,
    clean_text,
)
from .lines import field_label, parse_marker
from .parser_state import (
    same_scheme,
)
from .tables import TableGroup, TableItem, TableReader
from .vocabulary import (
    fold,
    level_name,
    level_rank,
    stems,
)


class TableReading:
    """The PlanParser's methods for tables."""

    # ------------------------------------------------------------------ tables

    def _table(self, rows: list[Block]) -> None:
        self._close_field()
        self.continuation = None
        self.pending_title = None
        self.list = None
        if not self.in_plan or self.off_plan:
            return
        if self._fields_table(rows):
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
                marker is not None and marker.scheme == "label" and same_scheme(open_item, marker)
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

    # ------------------------------------------------------------------ a fiche's fields

    def _fields_table(self, rows: list[Block]) -> bool:
        """Read a two-column table of fields ("Intitulé | …", "Pilote | …") as the fields of
        the open fiche: its rows are not plan elements. Return whether it was one."""
        pairs = _field_pairs(rows)
        if pairs is None or not self.stack:
            return False
        for label, value, block in pairs:
            name = field_label(f"{label} :")
            kind = level_name(label)
            if kind is not None and name is None:
                marker = parse_marker(value) or parse_marker(f"{label} {value}")
                fiche = self.stack[-1]
                if (
                    marker is not None
                    and marker.scheme == "label"
                    and marker.number
                    and fiche.source == "label"
                    and not fiche.referenced
                    and (level_rank(marker.kind) or 9) < (level_rank(fiche.kind) or 0)
                ):
                    self.line = block.line
                    self._reference(marker, block)
                    continue
                self.stack[-1].description.append(f"{label} : {value}")
                continue
            if name is None:
                self.stack[-1].description.append(f"{label} : {value}")
                continue
            self.field = FieldText(item=self.stack[-1], name=name[0])
            for line in value.split("\n"):
                if line.strip():
                    self.field.add(line.strip())
            self._close_field()
        self.after_structure = False
        return True


def _field_pairs(rows: list[Block]) -> list[tuple[str, str, Block]] | None:
    """Return (label, value, row) for a table whose first column names fields, or None."""
    if len(rows) < 3:
        return None
    pairs = []
    for row in rows:
        cells = [cell for cell in row.cells if any(span.text.strip() for span in cell)]
        if not cells:
            continue
        if len(cells) > 2:
            return None
        label = " ".join(span.text for span in cells[0]).strip().rstrip(" :")
        value = "\n".join(span.text for span in cells[1]) if len(cells) == 2 else ""
        pairs.append((label, value, row))
    named = sum(
        1
        for label, _value, _row in pairs
        if len(label) <= 40 and (field_label(f"{label} :") or level_name(label))
    )
    return pairs if pairs and named * 3 >= len(pairs) * 2 else None
