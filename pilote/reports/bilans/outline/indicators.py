"""The indicators of a bilan: their state against the targets, with charts."""

from __future__ import annotations

from decimal import Decimal

from pilote.core.formats import french_number

from .. import charts
from ..blocks import (
    Block,
    Heading,
    KeyFigures,
    Paragraph,
    Table,
)
from .common import DASH, MAX_INDICATOR_CHARTS, NO_VALUE, chart, measured, unit_suffix
from .progress import dated


def indicator_state(indicator: dict) -> str:
    """Return how the latest value stands against the target of its year, in words."""
    if indicator["latest"] is None:
        return "Pas de mesure"
    if indicator["off_target"] is None:
        return (
            f"Pas de cible {indicator['values'][-1][1]}" if indicator["values"] else "Pas de cible"
        )
    gap = Decimal(indicator["latest"]) - Decimal(indicator["target"])
    sign = "+" if gap > 0 else ("−" if gap < 0 else "")
    written = f"{sign}{french_number(abs(gap))}{unit_suffix(indicator['unit'])}"
    if indicator["off_target"]:
        return f"Sous la cible (écart {written})"
    return "Cible atteinte" if gap == 0 else f"Cible atteinte (écart {written})"


def target_of(indicator: dict, year: int) -> str | None:
    for target_year, value in indicator["targets"]:
        if target_year == year:
            return value
    return None


def indicator_alt(indicator: dict) -> str:
    unit = indicator["unit"]
    parts = [f"Indicateur « {indicator['name']} »" + (f" ({unit})" if unit_suffix(unit) else "")]
    if indicator["baseline"] is not None:
        year = indicator["baseline_year"] or "année non précisée"
        parts.append(f"référence {measured(indicator['baseline'], unit)} ({year})")
    if indicator["values"]:
        values = ", ".join(
            f"{period} : {measured(value, unit)}" for period, _, value in indicator["values"]
        )
        parts.append(f"mesures : {values}")
    else:
        parts.append("aucune mesure")
    if indicator["targets"]:
        targets = ", ".join(
            f"{year} : {measured(value, unit)}" for year, value in indicator["targets"]
        )
        parts.append(f"cibles : {targets}")
    return " ; ".join(parts) + "."


def charted_indicators(indicators: list[dict]) -> tuple[list[dict], int]:
    """Return the indicators worth a chart, in the order of the table, and how many are left out.

    A chart shows a trend: it is drawn for the CTG-wide indicators that have values or targets,
    and for the others measured at least twice or measured against targets; CTG-wide ones first,
    then the most measured ones, MAX_INDICATOR_CHARTS at most. Left out: the indicators that have
    values or targets but no chart (their figures stay in the table).
    """
    with_data = [i for i in indicators if i["values"] or i["targets"]]
    worth = [
        i
        for i in with_data
        if not i["action"] or len(i["values"]) >= 2 or (i["values"] and i["targets"])
    ]
    ranked = sorted(
        range(len(worth)), key=lambda n: (bool(worth[n]["action"]), -len(worth[n]["values"]), n)
    )
    chosen = sorted(ranked[:MAX_INDICATOR_CHARTS])
    return [worth[n] for n in chosen], len(with_data) - len(chosen)


def indicators_section(content: dict) -> list[Block]:
    blocks: list[Block] = [Heading("Indicateurs", 1)]
    indicators = content["indicators"]
    if not indicators:
        blocks.append(Paragraph("Aucun indicateur n’est défini dans le plan de la CTG."))
        return blocks
    year = content["year"]
    measured_count = sum(1 for i in indicators if i["latest"] is not None)
    off = sum(1 for i in indicators if i["off_target"])
    blocks.append(
        KeyFigures(
            (
                (french_number(len(indicators)), "indicateurs"),
                (french_number(measured_count), "mesurés"),
                (french_number(off), "sous la cible"),
            )
        )
    )
    blocks.append(
        Table(
            headers=(
                "Indicateur",
                "Action",
                "Référence",
                f"Cible {year}",
                "Dernière valeur",
                "État",
            ),
            rows=tuple(
                (
                    indicator["name"]
                    + (f" ({indicator['unit']})" if unit_suffix(indicator["unit"]) else ""),
                    indicator["action"] or "Toute la CTG",
                    (
                        measured(indicator["baseline"], indicator["unit"])
                        + (f" ({indicator['baseline_year']})" if indicator["baseline_year"] else "")
                    )
                    if indicator["baseline"] is not None
                    else NO_VALUE,
                    measured(target_of(indicator, year), indicator["unit"]),
                    dated(indicator["latest"], indicator["unit"], indicator["latest_period"]),
                    indicator_state(indicator),
                )
                for indicator in indicators
            ),
            widths=(4.6, 3.2, 1.9, 1.6, 2.2, 2.6),
            caption=f"Indicateurs : dernière valeur mesurée jusqu’en {year} et cibles",
        )
    )
    charted, left_out = charted_indicators(indicators)
    if charted:
        blocks.append(Heading("Évolution des indicateurs", 2))
        note = (
            "Mesures (points bleus), cibles de chaque année (traits rouges) et valeur de "
            "référence (pointillés)."
        )
        if left_out == 1:
            note += (
                " 1 autre indicateur mesuré ou doté de cibles n’est pas représenté en graphique ;"
                " ses valeurs figurent dans le tableau."
            )
        elif left_out:
            note += (
                f" {french_number(left_out)} autres indicateurs mesurés ou dotés de cibles ne sont"
                " pas représentés en graphique ; leurs valeurs figurent dans le tableau."
            )
        blocks.append(Paragraph(note, "muted"))
        for indicator in charted:
            png = charts.indicator_chart(indicator, width_cm=14)
            if png is None:
                continue
            caption = indicator["name"]
            if indicator["action"]:
                caption += f" {DASH} {indicator['action']}"
            blocks.append(chart(png, indicator_alt(indicator), caption, max_width_cm=14))
    return blocks
