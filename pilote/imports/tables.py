"""Read a table of a plan: which columns are levels, numbers, titles, periods, pilots.

A table arrives as rows of cells (Word tables, tab-separated text, Markdown pipes). Columns to
the left of the element titles are levels (fill-down: an empty cell continues the group above),
the number column gives the numbers, columns to the right are the elements' attributes.

Tables converted from PDF often lose the vertical alignment of merged cells: a group label can
land several rows above the elements it covers, and a cell can hold several paragraphs that no
longer line up with the elements. Such columns are detected and handled (see TableReader).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .extract import Span
from .fields import Period, is_marks, is_period_text, parse_period, period_tokens
from .lines import Marker, parse_marker, strip_bullet
from .vocabulary import display_level, fold, level_name, level_names, overlap

_NUMBER_CELL = re.compile(r"^(?:n[°o] *)?\d{1,3}(?:\.\d{1,3}){0,4}\.?$", re.IGNORECASE)
_HEADER_WORDS = re.compile(
    r"(?:\bn ?°|\bn o\b|\bnum|intitule|libelle|action|\baxe|orientation|objectif|fiche|enjeu"
    r"|thematique|pilote|porteur|partenaire|calendrier|echeance|annee|periode|demarrage"
    r"|existant|priorit|\bprio\b|indicateur|budget|\bcout|financ|public|groupe|description"
    r"|observation|commentaire|statut|responsable|territoire|mesure|volet|duree|\bdates?\b"
    r"|\bfa\b|\boo\b|\bos\b|\boi\b|(?:19|20)\d\d)"
)
_FIELD_HEADERS = [
    ("pilots", re.compile(r"pilot|porteur|responsable|referent|maitre d'ouvrage")),
    ("partners", re.compile(r"partenaire")),
    ("period", re.compile(r"calendrier|echeance|annee|periode|demarrage|duree|\bdates?\b")),
    ("priority", re.compile(r"\bprio")),
    ("indicators", re.compile(r"indicateur")),
    ("origin", re.compile(r"origine|existant|nouveau|a renforcer")),
    ("target_public", re.compile(r"public|beneficiaire")),
    ("expected_result", re.compile(r"resultat|effet|impact")),
    ("budget", re.compile(r"budget|cout|financ|montant")),
]
_START_WORDS = re.compile(r"demarrage|debut|lancement|mise en (?:oeuvre|place)")


@dataclass
class TableItem:
    """An element read from a table row."""

    line: int
    title: str
    number: str = ""
    marker: Marker | None = None
    upper: bool = False  # the upper of two levels sharing the title column (bold rows)
    period: Period = field(default_factory=Period)
    values: dict[str, list[str]] = field(default_factory=dict)  # field → texts


@dataclass
class TableGroup:
    """A group label (left column) that starts at this row."""

    line: int
    level: int  # index among the table's level columns, 0 = outermost
    title: str
    marker: Marker | None = None
    values: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class TablePlan:
    entries: list[TableGroup | TableItem]
    group_kinds: list[str | None]
    item_kind: str | None
    upper_kind: str | None  # set when the title column holds two levels
    warnings: list[str]
    columns_dropped: list[str]


@dataclass
class _Row:
    line: int
    cells: list[list[Span]]

    def text(self, index: int) -> str:
        if index >= len(self.cells):
            return ""
        return " ".join(span.text for span in self.cells[index]).strip()

    def bold(self, index: int) -> bool:
        spans = self.cells[index] if index < len(self.cells) else []
        return bool(spans) and all(span.bold for span in spans)


def header_rows(rows: list[list[list[Span]]]) -> int:
    """Return how many of the first rows are column headers (0 to 3)."""
    count = 0
    for cells in rows[:3]:
        texts = [" ".join(span.text for span in cell).strip() for cell in cells]
        filled = [text for text in texts if text]
        if not filled or any(len(text) > 80 for text in filled):
            break
        if any(_NUMBER_CELL.match(text) for text in filled):
            break
        if any(_marker_of(text) is not None for text in filled):
            break
        if not any(_HEADER_WORDS.search(fold(text)) for text in filled):
            break
        count += 1
    return count


def headers_of(rows: list[list[list[Span]]], count: int) -> list[str]:
    """Return the header text of each column, a merged upper header spreading right."""
    width = max((len(cells) for cells in rows), default=0)
    headers = [""] * width
    for position, cells in enumerate(rows[:count]):
        texts = [" ".join(span.text for span in cell).strip() for cell in cells]
        texts += [""] * (width - len(texts))
        last = ""
        for index, text in enumerate(texts):
            if text:
                last = text
            elif position < count - 1 and last and _below_filled(rows, count, index, position):
                text = last  # a merged header cell above sub-headers ("démarrage en" › 2024)
            if text:
                headers[index] = f"{headers[index]} {text}".strip()
    return headers


def _below_filled(rows, count: int, index: int, position: int) -> bool:
    for cells in rows[position + 1 : count]:
        if index < len(cells) and any(span.text.strip() for span in cells[index]):
            return True
    return False


def _marker_of(text: str) -> Marker | None:
    _bullet, rest = strip_bullet(text)
    marker = parse_marker(rest)
    if marker is None or not marker.title or len(marker.title) < 3:
        return None
    return marker


_TITLE_WORDS = re.compile(
    r"^(?:intitul[ée]s?|libell[ée]s?|noms?|titres?)(?: +(?:de +la|de +l'|de +l’|des|du|de))? *",
    re.IGNORECASE,
)


def _strip_title_words(header: str) -> str:
    """Return "action" for "Intitulé de l'action": the column names the level it titles."""
    return _TITLE_WORDS.sub("", header.strip())


def column_key(header: str) -> str:
    """Return the key under which a column's layout is remembered across the document."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(header)).split())


class TableReader:
    """Turn the rows of one table into group and element entries, in reading order."""

    def __init__(self, rows: list[list[list[Span]]], lines: list[int], unaligned: set[str]):
        self.count = header_rows(rows)
        self.headers = headers_of(rows, self.count)
        width = max((len(cells) for cells in rows), default=0)
        self.width = width
        self.rows = [
            _Row(line, [*cells, *([[]] * (width - len(cells)))])
            for line, cells in zip(lines[self.count :], rows[self.count :], strict=True)
        ]
        self.unaligned_keys = unaligned
        self.warnings: list[str] = []
        self.dropped: list[str] = []

    # -- column roles

    def analyse(self) -> None:
        """Find the columns' roles: number, item, groups, context and group attributes."""
        self.kinds = [level_name(_strip_title_words(header)) for header in self.headers]
        self.fields = [self._header_field(header) for header in self.headers]
        numbers, texts = self._count_cells()
        self._choose_item_column(numbers, texts)
        self.group_cols: list[int] = []
        self.group_attributes: dict[int, str] = {}
        self.context_cols: list[int] = []
        if self.item_col is not None:
            self._sort_outer_columns(texts)

    def _count_cells(self) -> tuple[list[int], list[int]]:
        """Count each column's numbers and texts; keep filled, multi-paragraph, inline counts."""
        width = self.width
        numbers = [0] * width
        texts = [0] * width
        inline = [0] * width
        filled = [0] * width
        multi = [False] * width
        for row in self.rows:
            for index in range(width):
                text = row.text(index)
                if not text:
                    continue
                filled[index] += 1
                if len(row.cells[index]) > 1:
                    multi[index] = True
                if _NUMBER_CELL.match(text) and not is_period_text(text):
                    numbers[index] += 1
                elif is_period_text(text) or is_marks(text):
                    continue
                elif sum(char.isalpha() for char in text) >= 3:
                    texts[index] += 1
                    if any(_marker_of(span.text) for span in row.cells[index]):
                        inline[index] += 1
        self.filled, self.multi, self.inline = filled, multi, inline
        return numbers, texts

    def _choose_item_column(self, numbers: list[int], texts: list[int]) -> None:
        width, filled, inline = self.width, self.filled, self.inline
        header_number = [
            bool(re.search(r"\bn ?°|\bn o\b|\bnum", fold(header))) for header in self.headers
        ]
        eligible = [
            index
            for index in range(width)
            if numbers[index] >= 1
            and (numbers[index] * 2 >= filled[index] or header_number[index])
            and not self.fields[index]
        ]
        best = max((numbers[index] for index in eligible), default=0)
        # The "N°" column, unless a few shifted rows put more numbers elsewhere.
        self.number_col = next(
            (i for i in eligible if header_number[i] and numbers[i] * 3 >= best),
            next((i for i in eligible if numbers[i] == best), None),
        )
        if self.number_col is not None:
            right = [
                i for i in range(self.number_col + 1, width) if texts[i] and not self.fields[i]
            ]
            # "N° | Axe | Intitulé de l'action": the titled column, the axe is a group.
            titled = [i for i in right if _TITLE_WORDS.match(self.headers[i].strip())]
            self.item_col = (titled or right or [None])[0]
            return
        # The finest level is the rightmost column of numbered paragraphs or of a level.
        candidates = [
            i
            for i in range(width)
            if texts[i]
            and not self.fields[i]
            and ((inline[i] and inline[i] * 3 >= texts[i]) or self.kinds[i])
        ]
        if candidates:
            self.item_col = candidates[-1]
        else:
            lengths = [
                sum(len(row.text(i)) for row in self.rows) / max(filled[i], 1) if texts[i] else 0
                for i in range(width)
            ]
            self.item_col = max(range(width), key=lambda i: lengths[i]) if width else None

    def _sort_outer_columns(self, texts: list[int]) -> None:
        """Sort the columns left of the item into groups, context and group attributes."""
        for index in range(self.item_col):
            if index == self.number_col or not texts[index]:
                continue
            header = self.headers[index]
            if header and not self.kinds[index]:
                self.group_attributes[index] = self.fields[index] or "description"
                continue
            if self.multi[index] or (column_key(header) in self.unaligned_keys and header):
                self.context_cols.append(index)
                continue
            self.group_cols.append(index)
        self.unaligned = bool(self.context_cols)
        if self.unaligned and len(self.group_cols) > 1:
            # Without row alignment, only the outermost column can still be placed.
            self.context_cols.extend(self.group_cols[1:])
            self.group_cols = self.group_cols[:1]
        self.context_cols.sort()

    def has_plan_evidence(self) -> bool:
        """Return whether the table is a plan: numbers, numbered or labelled cells, or a
        column named after a level. A list of facilities or signatories is not."""
        if self.number_col is not None or any(self.inline):
            return True
        columns = [self.item_col, *self.group_cols, *self.context_cols]
        return any(self.kinds[index] for index in columns if index is not None)

    def unaligned_headers(self) -> set[str]:
        """Return the keys of level columns whose cells hold several paragraphs."""
        keys = set()
        for index in range(self.item_col or 0):
            if self.multi[index] and self.headers[index] and self.kinds[index]:
                keys.add(column_key(self.headers[index]))
        return keys

    def _header_field(self, header: str) -> str:
        folded = fold(header)
        if not folded:
            return ""
        if level_name(header) == "Objectif" or re.match(
            r"objectifs? (?:vises?|poursuivis?)", folded
        ):
            return "objective"
        if re.match(r"description|descriptif|contenu|modalites", folded):
            return "description"
        if level_name(header) or level_names(header):
            return ""
        for name, pattern in _FIELD_HEADERS:
            if pattern.search(folded):
                return name
        if re.fullmatch(r"[\d /-]+", folded) and re.search(r"(?:19|20)\d\d", folded):
            return "period"
        return ""

    # -- entries

    def read(self) -> TablePlan:
        """Return the table's entries, or none when nothing in it looks like a plan."""
        self.analyse()
        if self.item_col is None or not self.has_plan_evidence():
            return TablePlan([], [], None, None, self.warnings, self.dropped)
        item_names = level_names(_strip_title_words(self.headers[self.item_col])) or []
        number_kind = (
            level_name(self.headers[self.number_col]) if self.number_col is not None else None
        )
        records = [self._record(row) for row in self.rows]
        group_values: dict[int, tuple[str, str]] = {}
        for record in records:
            group_values.update(record.get("group_values", {}))  # fill-down
            record["group_values"] = dict(group_values)
            for item in record["items"]:
                self._apply_attributes(item, record, len(record["items"]))
        self._attach_period_rows(records)
        bolds = [item.upper for record in records for item in record["items"]]
        two_levels = 0 < sum(bolds) < len(bolds) and self.number_col is not None
        if two_levels:
            upper_kind = number_kind or (item_names[0] if item_names else None)
            lower_kind = item_names[-1] if item_names else None
            if lower_kind and upper_kind and fold(lower_kind) == fold(upper_kind):
                lower_kind = None
        else:
            upper_kind = None
            lower_kind = number_kind or (item_names[0] if item_names else None)
            for record in records:
                for item in record["items"]:
                    item.upper = False
        if not item_names and not number_kind and not two_levels:
            lower_kind = None
        self._place_groups(records, two_levels)
        entries: list[TableGroup | TableItem] = []
        for record in records:
            entries.extend(record["groups"])
            entries.extend(record["items"])
        group_kinds = [
            display_level(self.kinds[i]) if self.kinds[i] else None for i in self.group_cols
        ]
        for index in self.context_cols:
            header = self.headers[index] or f"colonne {index + 1}"
            self.dropped.append(header)
        return TablePlan(
            entries=entries,
            group_kinds=group_kinds,
            item_kind=display_level(lower_kind) if lower_kind else None,
            upper_kind=display_level(upper_kind) if upper_kind else None,
            warnings=self.warnings,
            columns_dropped=self.dropped,
        )

    def _record(self, row: _Row) -> dict:
        """Return the groups, elements and attributes of one row."""
        record: dict = {"line": row.line, "groups": [], "items": [], "context": {}}
        record["texts"] = [row.text(index) for index in range(self.width) if row.text(index)]
        number_index = self.number_col
        title_index = self.item_col
        if number_index is not None and not _NUMBER_CELL.match(row.text(number_index)):
            shifted = next((i for i in range(self.width) if _NUMBER_CELL.match(row.text(i))), None)
            if shifted is not None:
                number_index = shifted
                title_index = next(
                    (
                        i
                        for i in range(shifted + 1, self.width)
                        if sum(char.isalpha() for char in row.text(i)) >= 3
                        and not is_period_text(row.text(i))
                    ),
                    title_index,
                )
        limit = number_index if number_index is not None else title_index
        for index in range(self.width):
            text = row.text(index)
            if not text or index in (number_index, title_index):
                continue
            if index < limit:
                level = self._group_level(index)
                if index in self.group_attributes:
                    field_name = self.group_attributes[index]
                    record.setdefault("group_values", {})[index] = (field_name, text)
                elif index in self.context_cols:
                    header = self.headers[index] or "Précisions"
                    record["context"].setdefault(header, []).extend(
                        span.text for span in row.cells[index]
                    )
                elif level is not None:
                    record["groups"].append(
                        TableGroup(row.line, level, text, marker=_marker_of(text))
                    )
            elif index > title_index or index > limit:
                record.setdefault("attributes", []).append((index, row.cells[index]))
        record["items"] = self._items(row, number_index, title_index)
        return record

    def _group_level(self, index: int) -> int | None:
        candidates = [level for level, col in enumerate(self.group_cols) if col <= index]
        if candidates:
            return candidates[-1]
        return 0 if self.group_cols else None

    def _items(self, row: _Row, number_index: int | None, title_index: int) -> list[TableItem]:
        spans = row.cells[title_index] if title_index < len(row.cells) else []
        number_text = row.text(number_index) if number_index is not None else ""
        if number_text and _NUMBER_CELL.match(number_text):
            title = " ".join(span.text for span in spans).strip()
            if not title or is_period_text(title):
                return []
            number = re.sub(r"^n[°o] *", "", number_text, flags=re.IGNORECASE).rstrip(".")
            bold = row.bold(number_index) or (bool(spans) and all(span.bold for span in spans))
            return [TableItem(row.line, title, number=number, upper=bold)]
        items = []
        for span in spans:
            if is_period_text(span.text):
                continue
            marker = _marker_of(span.text)
            if marker is not None:
                items.append(
                    TableItem(
                        row.line,
                        marker.title,
                        number=marker.number,
                        marker=marker,
                        upper=span.bold,
                    )
                )
            elif items and span.text[:1].islower():
                items[-1].title = f"{items[-1].title} {span.text}"
            elif sum(char.isalpha() for char in span.text) >= 3:
                items.append(TableItem(row.line, span.text, upper=span.bold))
        if any(item.number for item in items):
            # Numbered elements and unnumbered paragraphs in one cell: the latter are notes.
            items = [item for item in items if item.number]
        return items

    def _apply_attributes(self, item: TableItem, record: dict, count: int) -> None:
        position = record["items"].index(item)
        start_only = False
        for index, spans in record.get("attributes", []):
            header = self.headers[index]
            field_name = self.fields[index]
            texts = [span.text for span in spans]
            text = " ".join(texts)
            if len(texts) == count and count > 1:
                text = texts[position]
            if field_name == "period" or (not field_name and is_period_text(text)):
                start_only = start_only or bool(_START_WORDS.search(fold(header)))
                if count > 1 and len(texts) != count:
                    tokens = period_tokens(" ".join(texts))
                    period = tokens[position] if position < len(tokens) else Period()
                else:
                    period = parse_period(text, start_only=start_only)
                if not period.empty and item.period.empty:
                    item.period = period
                continue
            if is_marks(text):
                continue
            name = field_name or "description"
            value = text if field_name else (f"{header} : {text}" if header else text)
            item.values.setdefault(name, []).append(value)
        for _index, (name, text) in record.get("group_values", {}).items():
            header = self.headers[_index]
            value = f"{header} : {text}" if name == "description" else text
            item.values.setdefault(name, []).append(value)

    def _attach_period_rows(self, records: list[dict]) -> None:
        """Give the years of a row holding only years to the elements of the row above."""
        previous = None
        for record in records:
            if record["items"]:
                previous = record
                continue
            texts = record["texts"]
            if previous is None or not texts or record["groups"]:
                continue
            if all(is_period_text(text) for text in texts if text):
                tokens = period_tokens(" ".join(texts))
                for item, token in zip(previous["items"], tokens, strict=False):
                    if item.period.empty:
                        item.period = token

    # -- groups

    def _place_groups(self, records: list[dict], two_levels: bool) -> None:
        """Move group labels to the row where their elements start (see the module doc)."""
        if not self.group_cols:
            for record in records:
                record["groups"] = []
            return
        carried: list[TableGroup] = []
        for record in records:
            if two_levels:
                # A group can only start with an upper element: carry it to the next one.
                if carried and any(item.upper for item in record["items"]):
                    record["groups"] = carried + record["groups"]
                    carried = []
                elif record["groups"] and not any(item.upper for item in record["items"]):
                    carried.extend(record["groups"])
                    record["groups"] = []
        if carried:
            records[-1]["groups"].extend(carried)
        if self.unaligned:
            self._realign(records)
        active: TableGroup | None = None
        pending: dict[str, list[str]] = {}
        for record in records:
            if record["groups"]:
                active = record["groups"][0]
            for header, texts in record.pop("context").items():
                pending.setdefault(header, []).extend(texts)
            if active is not None and pending:
                for header, texts in pending.items():
                    active.values.setdefault("context", []).append(
                        f"{header} : " + " ; ".join(texts)
                    )
                pending = {}

    def _realign(self, records: list[dict]) -> None:
        """Start each outer group at its first element that shares a word with its label."""
        starts = [i for i, record in enumerate(records) if record["groups"]]
        if len(starts) < 2:
            return
        moves = []
        for position, start in enumerate(starts[1:], 1):
            end = starts[position + 1] if position + 1 < len(starts) else len(records)
            label = records[start]["groups"][0].title
            target = next(
                (
                    row
                    for row in range(start, end)
                    if any(overlap(label, item.title) > 0 for item in records[row]["items"])
                ),
                start,
            )
            if target != start:
                moves.append((start, target))
        for start, target in moves:
            moved = records[start]["groups"]
            records[start]["groups"] = []
            records[target]["groups"] = moved + records[target]["groups"]
            self.warnings.append(
                f"Tableau (ligne {records[start]['line']}) : le groupe « {moved[0].title} » a "
                f"été rattaché à partir de la ligne {records[target]['line']}, où commencent "
                "les éléments qui lui correspondent (cellules fusionnées mal alignées) : "
                "vérifiez ce rattachement."
            )
