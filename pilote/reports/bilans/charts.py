"""Charts of the bilans as PNG images (matplotlib, no screen needed), from a bilan's content.

The PDF, DOCX and ODT documents embed the same images; the slide deck draws native, editable
PowerPoint charts instead (slides/). Colours follow the DSFR palette; every chart has a text
alternative built from the same figures (see outline).
"""

from __future__ import annotations

import io
import textwrap
from decimal import Decimal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from pilote.core.formats import french_number, french_percent
from pilote.governance.bilans import content as bilan_content
from pilote.governance.bilans.content import NEVER_UPDATED, STATUS_ORDER

BLUE = "#000091"
RED = "#e1000f"
GREY = "#929292"
LIGHT_GREY = "#dddddd"
TEXT = "#3a3a3a"
STATUS_COLOURS = {status: f"#{colour}" for status, colour in bilan_content.STATUS_COLOURS.items()}
DPI = 200
CM = 1 / 2.54


def _figure(width_cm: float, height_cm: float) -> Figure:
    # A tight layout fits labels and legends inside the figure's exact size: the image is as
    # large as asked (the documents scale it to the text width), drawn once.
    figure = Figure(figsize=(width_cm * CM, height_cm * CM), dpi=DPI, layout="tight")
    figure.get_layout_engine().set(pad=0.3)
    figure.patch.set_facecolor("white")
    return figure


def _png(figure: Figure) -> bytes:
    """Return the figure as an opaque (RGB) PNG: smaller, and no alpha channel for the writers."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def _style(axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.spines["left"].set_color(GREY)
    axes.spines["bottom"].set_color(GREY)
    axes.tick_params(colors=TEXT, labelsize=7)


def _wrap(text: str, width: int = 38, lines: int = 2) -> str:
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1] + "…"
    return "\n".join(wrapped)


def progress_bars(groups: list[dict], *, width_cm: float = 16) -> tuple[bytes, float]:
    """Return a horizontal bar chart of the mean progress of each group (axis or thematic).

    Return the PNG and its height in cm (it grows with the number of groups).
    """
    height_cm = max(3.0, 0.7 * len(groups) + 1.4)
    figure = _figure(width_cm, height_cm)
    axes = figure.add_subplot()
    labels = [_wrap(group["label"]) for group in groups][::-1]
    values = [group["mean_progress"] or 0 for group in groups][::-1]
    bars = axes.barh(labels, values, color=BLUE, height=0.6)
    for bar, group in zip(bars, groups[::-1], strict=True):
        text = french_percent(group["mean_progress"], empty="aucun point")
        axes.text(
            bar.get_width() + 1,
            bar.get_y() + bar.get_height() / 2,
            text,
            va="center",
            fontsize=7,
            color=TEXT,
        )
    axes.set_xlim(0, 110)
    axes.set_xticks([0, 25, 50, 75, 100], ["0 %", "25 %", "50 %", "75 %", "100 %"])
    axes.xaxis.grid(visible=True, color=LIGHT_GREY, linewidth=0.5)
    axes.set_axisbelow(True)
    _style(axes)
    return _png(figure), height_cm


def status_bar(statuses: dict[str, int], labels: dict[str, str], *, width_cm: float = 16) -> bytes:
    """Return one stacked horizontal bar of the actions by status, with a legend."""
    figure = _figure(width_cm, 3.2)
    axes = figure.add_subplot()
    left = 0
    total = sum(statuses.values()) or 1
    for status in STATUS_ORDER:
        count = statuses.get(status, 0)
        if not count:
            continue
        axes.barh(
            [0],
            [count],
            left=left,
            color=STATUS_COLOURS[status],
            height=0.5,
            label=f"{labels[status]} ({count})",
        )
        if count / total > 0.06:
            axes.text(
                left + count / 2,
                0,
                str(count),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if status not in {"a_lancer", NEVER_UPDATED} else TEXT,
            )
        left += count
    axes.set_xlim(0, total)
    axes.set_yticks([])
    axes.set_xticks([])
    for side in ("top", "right", "left", "bottom"):
        axes.spines[side].set_visible(False)
    axes.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15),
        ncol=4,
        fontsize=6.5,
        frameon=False,
    )
    return _png(figure)


def indicator_chart(indicator: dict, *, width_cm: float = 14) -> bytes | None:
    """Return the measured values of an indicator against its baseline and yearly targets.

    None when there is nothing to draw (no measurement and no target).
    """
    values = indicator["values"]
    targets = indicator["targets"]
    if not values and not targets:
        return None
    figure = _figure(width_cm, 5.5)
    axes = figure.add_subplot()
    periods = [period for period, _, _ in values]
    years = sorted({year for _, year, _ in values} | {year for year, _ in targets})
    # One x position per year; quarters spread inside their year.
    positions = {year: index for index, year in enumerate(years)}

    quarterly = {year for period, year, _ in values if period.startswith("T")}

    def x_of(period: str, year: int) -> float:
        # A yearly value counts as the end of its year: beside quarterly values, it sits at T4.
        quarter = int(period[1]) if period.startswith("T") else (4 if year in quarterly else None)
        if quarter is None:
            return positions[year]
        return positions[year] - 0.375 + 0.25 * (quarter - 1)

    if values:
        axes.plot(
            [x_of(period, year) for period, year, _ in values],
            [float(value) for _, _, value in values],
            color=BLUE,
            marker="o",
            markersize=3.5,
            linewidth=1.4,
            label="Mesures",
        )
    if targets:
        axes.plot(
            [positions[year] for year, _ in targets],
            [float(value) for _, value in targets],
            color=RED,
            marker="_",
            markersize=12,
            linestyle="none",
            markeredgewidth=2,
            label="Cible de l'année",
        )
    if indicator["baseline"] is not None:
        axes.axhline(
            float(indicator["baseline"]),
            color=GREY,
            linestyle="--",
            linewidth=0.8,
            label=f"Référence ({indicator['baseline_year'] or 'année non précisée'})",
        )
    axes.set_xticks(range(len(years)), [str(year) for year in years])
    axes.set_xlim(-0.6, len(years) - 0.4)
    unit = indicator["unit"]
    if unit:
        axes.set_ylabel(unit, fontsize=7, color=TEXT)
    axes.yaxis.set_major_formatter(lambda value, _: french_number(Decimal(str(round(value, 2)))))
    axes.yaxis.grid(visible=True, color=LIGHT_GREY, linewidth=0.5)
    axes.set_axisbelow(True)
    axes.legend(fontsize=6.5, frameon=False, loc="best")
    _style(axes)
    del periods
    return _png(figure)


def coverage_bars(coverage: dict, *, width_cm: float = 16, limit: int = 25) -> bytes | None:
    """Return the coverage rate of the communes that have one (highest first), or None."""
    rows = [
        (row["name"], float(row["rate"]["value"]))
        for row in coverage["communes"]
        if row["rate"]["value"] is not None
    ]
    if not rows:
        return None
    rows.sort(key=lambda item: -item[1])
    rows = rows[:limit]
    figure = _figure(width_cm, max(3.0, 0.45 * len(rows) + 1.2))
    axes = figure.add_subplot()
    axes.barh([name for name, _ in rows][::-1], [value for _, value in rows][::-1], color=BLUE)
    published = coverage.get("published")
    if published and published.get("value"):
        axes.axvline(
            float(published["value"]),
            color=RED,
            linewidth=1,
            label=f"Taux publié du territoire ({french_number(published['value'])})",
        )
        axes.legend(fontsize=6.5, frameon=False, loc="lower right")
    axes.set_xlabel("places pour 100 enfants de moins de 3 ans", fontsize=7, color=TEXT)
    axes.xaxis.grid(visible=True, color=LIGHT_GREY, linewidth=0.5)
    axes.set_axisbelow(True)
    _style(axes)
    return _png(figure)
