"""The neutral layout of a bilan document: a list of blocks that each writer renders.

The outline (outline.py) turns a bilan's content (governance.bilans.content) into these blocks
once; the PDF, DOCX and ODT writers only map each block to their format, so that the three
documents say exactly the same thing in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cover:
    """The first page: title, subtitle lines, and the status line ("Bilan figé le …")."""

    title: str
    subtitle: tuple[str, ...] = ()
    status: str = ""


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: a part (starts a new page in paged formats), 2, 3


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "body"  # "body", "muted" (notes, sources), "lead" (a key sentence)


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class KeyFigures:
    """A row of key figures: (value, label), e.g. ("54 %", "avancement moyen")."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; a cell's text may hold line breaks ("\\n")."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Relative widths of the columns (same length as headers); None: equal widths.
    widths: tuple[float, ...] | None = None
    caption: str = ""
    # Indexes of the rows to set apart (bold): group titles such as an axis in the plan table.
    emphasis: frozenset[int] = field(default_factory=frozenset)
    numeric: frozenset[int] = field(default_factory=frozenset)  # right-aligned columns


@dataclass(frozen=True)
class Chart:
    """A chart as a PNG image, with its text alternative (the data, said in words)."""

    png: bytes
    width_cm: float
    height_cm: float
    alt: str
    caption: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Cover | Heading | Paragraph | Bullets | KeyFigures | Table | Chart | PageBreak
