"""What the timeline page of a CTG computes: one bar per action over the CTG's quarters.

The definitions (an action, late…) are those of pilote.monitoring.dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .dashboard import ActionRow, load_snapshot, planned_end
from .periods import Quarter, convention_quarters


@dataclass
class TimelineBar:
    row: ActionRow
    first: int  # index of the first quarter column (0-based), or None without a period
    last: int
    starts_before: bool = False
    ends_after: bool = False
    open_end: bool = False
    text: str = ""

    @property
    def grid_start(self) -> int:
        return self.first + 1

    @property
    def grid_end(self) -> int:
        return self.last + 2


@dataclass
class TimelineGroup:
    root: ActionRow
    bars: list[TimelineBar]
    unplanned: list[ActionRow]
    bars_html: str = ""  # filled by the view once the rows have their URLs (bars_html())


@dataclass
class Timeline:
    quarters: list[Quarter]
    years: list[tuple[int, int, int]]  # (year, first column, number of columns)
    now_index: int | None
    groups: list[TimelineGroup]
    now_column: int | None = None

    @property
    def action_count(self) -> int:
        return sum(len(g.bars) + len(g.unplanned) for g in self.groups)


def build_timeline(convention, *, include_internal: bool, now: Quarter | None = None) -> Timeline:
    """Return the tracked actions as bars over the CTG's quarters, grouped by top-level node."""
    now = now or Quarter.current()
    quarters = convention_quarters(convention)
    index = {quarter: i for i, quarter in enumerate(quarters)}
    snapshot = load_snapshot(convention, include_internal=include_internal)
    groups: dict[int, TimelineGroup] = {}
    for row in snapshot.actions:
        group = groups.setdefault(row.root_pk, TimelineGroup(snapshot.by_pk[row.root_pk], [], []))
        bar = _bar(row, quarters, index)
        if bar is None:
            group.unplanned.append(row)
        else:
            group.bars.append(bar)
    years: list[tuple[int, int, int]] = []
    for i, quarter in enumerate(quarters):
        if years and years[-1][0] == quarter.year:
            year, first, count = years[-1]
            years[-1] = (year, first, count + 1)
        else:
            years.append((quarter.year, i, 1))
    now_index = index.get(now)
    return Timeline(
        quarters=quarters,
        years=years,
        now_index=now_index,
        groups=list(groups.values()),
        now_column=None if now_index is None else now_index + 1,
    )


def _bar(row: ActionRow, quarters: list[Quarter], index: dict[Quarter, int]) -> TimelineBar | None:
    if not quarters or not (row.start_year or row.end_year):
        return None
    start = Quarter(row.start_year, row.start_quarter or 1) if row.start_year else quarters[0]
    end = planned_end(row.end_year, row.end_quarter)
    open_end = end is None
    end = end or quarters[-1]
    if end < start:
        start, end = end, start
    first = index.get(max(start, quarters[0]), 0)
    last = index.get(min(end, quarters[-1]), len(quarters) - 1)
    if end < quarters[0] or start > quarters[-1]:
        return None
    if open_end:
        text = f"Prévue à partir de {start}, sans fin prévue (jusqu'à la fin de la CTG, {end})"
    elif start == end:
        text = f"Prévue en {start}"
    else:
        text = f"Prévue de {start} à {end}"
    return TimelineBar(
        row=row,
        first=first,
        last=last,
        starts_before=start < quarters[0],
        ends_after=end > quarters[-1],
        open_end=open_end,
        text=text,
    )


def bars_html(bars: list[TimelineBar], now_column: int | None) -> SafeString:
    """Return the rows of a group's bars, as the timeline shows them (escaped here).

    A CTG of 2,000 actions has 2,000 bars: filled in Python, they take a few microseconds
    each, where the template engine took about a millisecond.
    """
    now = (
        f'<span class="mon-tl__now" style="grid-column: {now_column}" aria-hidden="true"></span>'
        if now_column
        else ""
    )
    out = []
    for bar in bars:
        row = bar.row
        number = f"<strong>{escape(row.number)}</strong> " if row.number else ""
        status = escape(row.status_text)
        open_end = " mon-tl__bar--open" if bar.open_end else ""
        out.append(
            '<li class="mon-tl__row"><div class="mon-tl__label">'
            f'<a href="{escape(row.url)}">{number}{escape(row.short_title)}</a></div>'
            f'<div class="mon-tl__track">{now}'
            f'<span class="mon-tl__bar mon-status--{escape(row.status_class)}{open_end}" '
            f'style="grid-column: {bar.grid_start} / {bar.grid_end}">'
            f'<span aria-hidden="true">{status}</span>'
            f'<span class="fr-sr-only">{escape(bar.text)}. Dernier statut : {status}.</span>'
            "</span></div></li>"
        )
    return mark_safe("".join(out))  # every value is escaped above
