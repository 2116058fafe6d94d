"""Charts drawn on the server as SVG: no JavaScript library, nothing loaded from elsewhere.

Each chart is an image with a title and a description (role="img"); the pages always put the
same figures in a table next to it, which is what assistive technologies read.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from pilote.core.formats import DASH, french_number
from pilote.core.units import unit_suffix

if TYPE_CHECKING:  # dashboard draws its charts with indicator_chart()
    from .dashboard import IndicatorSeries

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
TARGET_FILL, TARGET_STROKE = "#e3e3fd", "#6a6af4"
LINE, OFF_TARGET, BASELINE, GRID, TEXT = "#000091", "#ce0500", "#666666", "#dddddd", "#3a3a3a"


def _number(value) -> str:
    return french_number(value, empty=DASH)


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low or 1.0
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks, tick = [], first
    while not ticks or ticks[-1] < high - step * 0.001:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def indicator_chart(series: IndicatorSeries, *, chart_id: str) -> SafeString:
    """Return an SVG chart of an indicator: yearly targets as bars, measurements as a line."""
    indicator = series.indicator
    points = series.years
    if not points:
        return mark_safe("")
    values = [float(p.target) for p in points if p.target is not None]
    values += [float(m.value) for m in series.measurements]
    if indicator.baseline_value is not None:
        values.append(float(indicator.baseline_value))
    low = min([0.0, *values])
    high = max([1.0, *values])
    ticks = _ticks(low, high * 1.05 if high > 0 else high)
    low, high = min(ticks[0], low), max(ticks[-1], high)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    band = plot_w / len(points)

    def y(value: float) -> float:
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    def x_of(year_index: int, quarter: int | None) -> float:
        fraction = 0.5 if quarter is None else (quarter - 0.5) / 4
        return LEFT + band * (year_index + fraction)

    unit = unit_suffix(indicator.unit)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="monitoring-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'focusable="false">',
        f'<title id="{chart_id}-title">{escape(indicator.name)} : mesures, valeur de référence '
        f"et cibles annuelles</title>",
        f'<desc id="{chart_id}-desc">{escape(_description(series, unit))}</desc>',
    ]
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{TEXT}">{escape(_number(Decimal(str(tick))))}</text>'
        )
    for i, point in enumerate(points):
        cx = LEFT + band * (i + 0.5)
        parts.append(
            f'<text x="{cx:.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="middle" font-size="13" '
            f'fill="{TEXT}">{point.year}</text>'
        )
        if point.target is not None:
            bar_w = band * 0.6
            top = y(float(point.target))
            base = y(max(low, 0.0))
            parts.append(
                f'<rect x="{cx - bar_w / 2:.1f}" y="{min(top, base):.1f}" width="{bar_w:.1f}" '
                f'height="{abs(base - top):.1f}" fill="{TARGET_FILL}" stroke="{TARGET_STROKE}" '
                f'stroke-width="1" stroke-dasharray="4 2"/>'
            )
    if indicator.baseline_value is not None:
        by = y(float(indicator.baseline_value))
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{by:.1f}" y2="{by:.1f}" '
            f'stroke="{BASELINE}" stroke-width="2" stroke-dasharray="8 4"/>'
        )
    parts += _measurement_marks(points, x_of, y)
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(max(low, 0.0)):.1f}" '
        f'y2="{y(max(low, 0.0)):.1f}" stroke="{TEXT}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def _measurement_marks(points, x_of, y) -> list[str]:
    """Return the SVG of the measurements: a line through them, and a mark on each."""
    parts: list[str] = []
    coords = []
    for i, point in enumerate(points):
        # A yearly value counts as the end of its year: beside quarterly values, it sits at T4.
        quarterly = any(m.quarter for m in point.measurements)
        for measurement in point.measurements:
            quarter = measurement.quarter or (4 if quarterly else None)
            coords.append((x_of(i, quarter), y(float(measurement.value)), point))
    if len(coords) > 1:
        path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy, _ in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    for cx, cy, point in coords:
        if point.off_target and point.latest is not None:
            # A square for "below target": the shape, not only the colour, tells it.
            parts.append(
                f'<rect x="{cx - 6:.1f}" y="{cy - 6:.1f}" width="12" height="12" '
                f'fill="{OFF_TARGET}" stroke="#ffffff" stroke-width="1.5"/>'
            )
        else:
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5.5" fill="{LINE}" '
                f'stroke="#ffffff" stroke-width="1.5"/>'
            )
    return parts


def _description(series: IndicatorSeries, unit: str) -> str:
    indicator = series.indicator
    sentences = []
    if indicator.baseline_value is not None:
        year = f" en {indicator.baseline_year}" if indicator.baseline_year else ""
        sentences.append(f"Valeur de référence : {_number(indicator.baseline_value)}{unit}{year}.")
    targets = [f"{p.year} : {_number(p.target)}" for p in series.years if p.target is not None]
    if targets:
        sentences.append("Cibles : " + ", ".join(targets) + ".")
    latest = series.latest
    if latest is None:
        sentences.append("Aucune mesure.")
    else:
        sentences.append(
            f"{len(series.measurements)} mesure(s) ; dernière : {_number(latest.value)}{unit} "
            f"({latest.period_label})."
        )
    standing = series.standing
    target = f"{_number(standing.target)}{unit}"
    if standing.off_target:
        sentences.append(f"Sous la cible en {standing.year}. Cible {standing.year} : {target}.")
    elif standing.judged:
        sentences.append(f"Cible {standing.year} atteinte ({target}).")
    return " ".join(sentences)
