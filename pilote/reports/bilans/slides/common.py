"""Constants and small helpers shared by the slides of a bilan's deck."""

from __future__ import annotations

import math

from .deck import (
    clean,
    clip,
)

MAX_BARS = 10

MAX_EXCERPTS = 6  # quoted updates per column of the highlights slide

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def chunked(items: list, size: int) -> list[list]:
    """Split items into balanced chunks of at most `size` (13 → 7 + 6, not 10 + 3)."""
    if not items:
        return [[]]
    step = math.ceil(len(items) / math.ceil(len(items) / size))
    return [items[index : index + step] for index in range(0, len(items), step)]


def chart_category(label: str) -> str:
    """Return a category label short enough for the axis of a bar chart."""
    return clip(clean(label), 55)
