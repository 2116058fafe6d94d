"""Find an import's columns by their headers, whatever the case, accents, punctuation or order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .cells import normalize_header
from .reader import Table
from .report import ImportReport

UNKNOWN_COLUMN = "colonne non reconnue : elle est ignorée."


@dataclass(frozen=True)
class Column:
    """A column an import reads: the field it fills, its header and the synonyms accepted."""

    field: str
    header: str  # as the template and the exports write it
    synonyms: tuple[str, ...] = ()
    help: str = ""  # what a cell holds, for the instructions
    label: str = ""  # what the column gives, in the report (the header when empty)
    named: str = ""  # the column in a sentence, « Titre » or "le bonus 2026" (from label)

    @property
    def keys(self) -> set[str]:
        return {normalize_header(text) for text in (self.header, *self.synonyms)}

    @property
    def gives(self) -> str:
        return self.label or self.header

    @property
    def phrase(self) -> str:
        return self.named or f"« {self.gives} »"


@dataclass
class Matched:
    """The columns found in a file: field → normalized header, and field → header as written."""

    keys: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __contains__(self, name: str) -> bool:
        return name in self.keys


class Columns:
    """The columns of one import, looked up by normalized header.

    pattern finds columns whose header follows a pattern (a year in "Bonus 2026") rather than a
    fixed list.
    """

    def __init__(
        self, columns: Iterable[Column], *, pattern: Callable[[str], Column | None] | None = None
    ) -> None:
        self.columns = list(columns)
        self.by_field = {column.field: column for column in self.columns}
        self.by_key = {key: column for column in self.columns for key in column.keys}
        self.pattern = pattern

    def __iter__(self):
        return iter(self.columns)

    def __getitem__(self, name: str) -> Column:
        return self.by_field[name]

    def find(self, key: str) -> Column | None:
        column = self.by_key.get(key)
        if column is None and self.pattern is not None:
            column = self.pattern(key)
        return column

    def match(self, table: Table, report: ImportReport) -> Matched:
        """Return the columns of the table; warn of unknown ones, refuse a column given twice."""
        matched = Matched()
        for header, key in zip(table.headers, table.keys, strict=True):
            if not key:  # a column without header: the reader leaves its cells out
                continue
            column = self.find(key)
            if column is None:
                report.warn(None, header, UNKNOWN_COLUMN)
                continue
            if column.field in matched.keys:
                report.error(
                    None,
                    header,
                    f"cette colonne et la colonne « {matched.headers[column.field]} » donnent "
                    f"toutes deux {column.phrase} : gardez-en une seule.",
                )
                continue
            matched.keys[column.field] = key
            matched.headers[column.field] = header
            report.columns.append((header, column.gives))
        return matched
