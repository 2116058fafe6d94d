"""The slides of the indicators: table of their state, charts of the key ones."""

from __future__ import annotations

from decimal import Decimal

from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.util import Pt

from pilote.core.formats import french_number
from pilote.core.units import with_unit
from pilote.governance.bilans.content import STATUS_COLOURS

from .common import C_NS
from .deck import (
    BLUE,
    BODY_BOTTOM,
    BODY_TOP,
    CELL_X,
    CONTENT_W,
    MARGIN,
    MUTED,
    RED,
    RULE,
    TABLE_PT,
    TEXT_INSET,
    Column,
    Deck,
    Row,
    Run,
    paragraph,
    shorten,
)
from .progress import value_period


def _gap(indicator: dict) -> str:
    if indicator["latest"] is None or indicator["target"] is None:
        return "–"
    difference = Decimal(indicator["latest"]) - Decimal(indicator["target"])
    sign = "+" if difference > 0 else ("−" if difference < 0 else "")
    # The gap between two rates is in points, not in per cent of the target.
    unit = "pt" if indicator["unit"] == "%" else indicator["unit"]
    return sign + with_unit(abs(difference), unit)


def _indicator_note(indicator: dict) -> str:
    unit = indicator["unit"]
    values = ", ".join(f"{p} : {with_unit(v, unit)}" for p, _, v in indicator["values"])
    targets = ", ".join(f"{y} : {with_unit(v, unit)}" for y, v in indicator["targets"])
    baseline = "pas de référence"
    if indicator["baseline"] is not None:
        baseline = (
            f"référence {with_unit(indicator['baseline'], unit)} "
            f"({indicator['baseline_year'] or 'année non précisée'})"
        )
    action = f" [{indicator['action']}]" if indicator["action"] else ""
    return (
        f"{indicator['name']}{action} : {baseline} ; mesures : {values or 'aucune'} ; "
        f"cibles : {targets or 'aucune'}"
    )


INDICATOR_COLUMNS = [
    Column("Indicateur", 4.1),
    Column("Action", 2.6),
    Column("Référence", 1.3, numeric=True),
    Column("Cible", 1.3, numeric=True),
    Column("Dernière valeur", 1.68, numeric=True),
    Column("Écart", 1.35, numeric=True),
]


def _indicator_row(indicator: dict) -> Row:
    unit, inner = indicator["unit"], [c.width - 2 * CELL_X for c in INDICATOR_COLUMNS]
    year = indicator["latest_period"][-4:]
    target = indicator["target"]
    cells = [
        shorten(indicator["name"], inner[0], TABLE_PT, 2),
        shorten(indicator["action"] or "Toute la CTG", inner[1], TABLE_PT, 2),
        with_unit(indicator["baseline"], unit),
        f"{with_unit(target, unit)} ({year})" if target is not None else "–",
        value_period(indicator["latest"], unit, indicator["latest_period"]),
        [Run(_gap(indicator), RED if indicator["off_target"] else None, True)],
    ]
    return Row(cells, note=_indicator_note(indicator))


def indicators_slides(deck: Deck, content: dict) -> None:
    indicators = content["indicators"]
    judged = [i for i in indicators if i["off_target"] is not None]
    off = [i for i in judged if i["off_target"]]

    def figures(slide) -> float:
        boxes = [
            (french_number(len(indicators)), "indicateurs", BLUE),
            (french_number(sum(i["latest"] is not None for i in indicators)), "mesurés", BLUE),
            (french_number(len(judged) - len(off)), "cible atteinte", STATUS_COLOURS["realisee"]),
            (french_number(len(off)), "sous la cible", RED if off else BLUE),
        ]
        bottom = deck.key_figures(slide, boxes, top=BODY_TOP) + 0.3
        if not off:
            text = (
                "Aucun indicateur mesuré n'est en dessous de sa cible."
                if judged
                else "Aucun indicateur n'a à la fois une mesure et une cible pour la même année."
            )
            deck.text(slide, (MARGIN, bottom, CONTENT_W, 0.5), [paragraph(text, 16)])
        return bottom

    title = "Indicateurs sous la cible" if off else "Indicateurs"
    subtitle = "Dernière valeur mesurée comparée à la cible de la même année"
    rows = [_indicator_row(indicator) for indicator in off]
    slides = deck.table_slides(title, INDICATOR_COLUMNS, rows, subtitle=subtitle, before=figures)
    others = [_indicator_note(i) for i in indicators if not i["off_target"]]
    if others:
        deck.notes(slides[-1], "Autres indicateurs :", *others)
    key = _key_indicators(indicators)
    if key:
        _indicator_charts(deck, key)


def _key_indicators(indicators: list[dict]) -> list[dict]:
    """Return up to 3 indicators to chart: CTG-wide first, then off target, then most points."""
    drawable = [i for i in indicators if i["values"] and (i["targets"] or len(i["values"]) > 1)]

    def rank(indicator: dict):
        points = len(indicator["values"]) + len(indicator["targets"])
        return bool(indicator["action"]), indicator["off_target"] is not True, -points

    return sorted(drawable, key=rank)[:3]


def _indicator_series(indicator: dict) -> tuple[list[str], dict[str, list]]:
    """Return the years of an indicator and its series by year: measured, target, baseline."""
    measured = {year: Decimal(value) for _, year, value in indicator["values"]}  # last wins
    targets = {year: Decimal(value) for year, value in indicator["targets"]}
    baseline_year = indicator["baseline_year"] if indicator["baseline"] is not None else None
    years = sorted(set(measured) | set(targets) | ({baseline_year} if baseline_year else set()))
    series = {"Valeur mesurée": [measured.get(year) for year in years]}
    if targets:
        series["Cible"] = [targets.get(year) for year in years]
    if baseline_year:
        baseline = Decimal(indicator["baseline"])
        series["Référence"] = [baseline if year == baseline_year else None for year in years]
    return [str(year) for year in years], series


def _indicator_charts(deck: Deck, indicators: list[dict]) -> None:
    subtitle = "Dernière valeur mesurée de chaque année, cibles et valeur de référence"
    notes = [_indicator_note(indicator) for indicator in indicators]
    slide = deck.slide("Indicateurs clés", subtitle=subtitle, notes="\n".join(notes))
    gap = 0.3
    width = (CONTENT_W - gap * (len(indicators) - 1)) / len(indicators)
    colours = {"Valeur mesurée": BLUE, "Cible": RED, "Référence": MUTED}
    for index, indicator in enumerate(indicators):
        left, inner = MARGIN + index * (width + gap), width - 2 * TEXT_INSET
        where = indicator["action"] or "Toute la CTG"
        detail = f"{where} · en {indicator['unit']}" if indicator["unit"] else where
        heading = [
            paragraph(
                shorten(indicator["name"], inner, 15, 2, bold=True), 15, colour=BLUE, bold=True
            ),
            paragraph(shorten(detail, inner, 12), 12, colour=MUTED),
        ]
        deck.text(slide, (left, BODY_TOP, width, 0.9), heading)
        years, series = _indicator_series(indicator)
        data = CategoryChartData(number_format="General")
        data.categories = years
        for label, values in series.items():
            data.add_series(label, [None if value is None else float(value) for value in values])
        box = (left, BODY_TOP + 1.0, width, BODY_BOTTOM - BODY_TOP - 1.0)
        alt = notes[index]
        chart = deck.chart(slide, XL_CHART_TYPE.LINE_MARKERS, data, box, alt=alt)
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.value_axis.has_major_gridlines = True
        chart.value_axis.major_gridlines.format.line.color.rgb = RGBColor.from_string(RULE)
        chart.value_axis.format.line.fill.background()
        chart.category_axis.format.line.color.rgb = RGBColor.from_string(RULE)
        for plot_series in chart.plots[0].series:
            colour = RGBColor.from_string(colours[plot_series.name])
            plot_series.smooth = False
            plot_series.format.line.color.rgb = colour
            plot_series.format.line.width = Pt(2.25)
            if plot_series.name == "Cible":
                plot_series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            plot_series.marker.size = 8
            plot_series.marker.format.fill.solid()
            plot_series.marker.format.fill.fore_color.rgb = colour
            plot_series.marker.format.line.color.rgb = colour
        # Join the measured points across the years without a measurement.
        blanks = chart._chartSpace.chart.find(f"{{{C_NS}}}dispBlanksAs")
        if blanks is not None:
            blanks.set("val", "span")
