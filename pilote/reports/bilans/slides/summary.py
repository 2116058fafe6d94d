"""The cover, key figures and the charts of the statuses and of the progress."""

from __future__ import annotations

from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.util import Inches

from pilote.core.formats import french_date, french_number, french_percent, plural
from pilote.governance.bilans.content import (
    NEVER_UPDATED,
    STATUS_COLOURS,
    STATUS_ORDER,
    population_text,
)

from .common import MAX_BARS, chart_category, chunked
from .deck import (
    BLUE,
    BODY_BOTTOM,
    BODY_TOP,
    CONTENT_W,
    MARGIN,
    MUTED,
    PLAIN_TOP,
    RED,
    RULE,
    SLIDE_H,
    SLIDE_W,
    TEXT_INSET,
    WHITE,
    Column,
    Deck,
    Row,
    Run,
    fit_paragraphs,
    paragraph,
    row_height,
    set_text,
    shorten,
    text_height,
)


def _status_line(content: dict) -> str:
    if content.get("closed_at"):
        by = f" par {content['closed_by']}" if content.get("closed_by") else ""
        return f"Bilan figé le {french_date(content['closed_at'])}{by}"
    when = french_date(content.get("generated_at"))
    return f"Document de travail – bilan non figé (état au {when})"


def _territory_line(convention: dict) -> str:
    parts = [convention["epci"]] if convention.get("epci") else []
    parts.append(plural(convention["commune_count"], "commune", "communes"))
    if convention.get("population"):
        parts.append(population_text(convention))
    return " · ".join([*parts, convention["departement"]])


def cover_slide(deck: Deck, content: dict) -> None:
    convention = content["convention"]
    slide = deck.presentation.slides.add_slide(deck.presentation.slide_layouts[0])
    band = 4.3
    background = deck.rectangle(slide, (0, 0, SLIDE_W, band), BLUE)
    tree = slide.shapes._spTree
    tree.insert(2, background._element)  # behind the title (after the group's properties)
    inner = CONTENT_W - 0.4
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    for shape, (top, height) in ((title, (0.9, 1.2)), (subtitle, (2.2, 1.9))):
        shape.left, shape.top = Inches(MARGIN + 0.2), Inches(top)
        shape.width, shape.height = Inches(inner), Inches(height)
    heading = f"{content['kind_label']} {content['year']}"
    set_text(title, [paragraph(heading, 44, colour=WHITE, bold=True)], anchor="b")
    name = shorten(convention["name"], inner - 2 * TEXT_INSET, 28, 2, bold=True)
    period = f"Convention territoriale globale {convention['period']}"
    paras = [
        paragraph(name, 28, colour=WHITE, bold=True),
        paragraph(period, 18, colour=WHITE, before=6),
    ]
    set_text(subtitle, paras)
    territory = _territory_line(convention)
    lines = [
        paragraph(shorten(territory, CONTENT_W - 0.4, 16), 16),
        paragraph(_status_line(content), 16, colour=MUTED, before=8),
        paragraph("Comité de pilotage du … (date à compléter)", 16, colour=MUTED, before=8),
    ]
    deck.text(slide, (MARGIN + 0.1, band + 0.45, CONTENT_W - 0.2, 1.6), lines)
    credit = [paragraph("Document produit avec Pilote CTG", 11, colour=MUTED)]
    deck.text(slide, (MARGIN + 0.1, SLIDE_H - 0.75, CONTENT_W - 0.2, 0.4), credit)
    deck.notes(slide, content["title"], territory, _status_line(content))


METHOD = (
    "Une action est un élément suivi du plan. L'avancement moyen est la moyenne de l'avancement "
    "du dernier point de suivi de chaque action, jusqu'à la fin de l'année du bilan ; les "
    "actions sans point de suivi n'entrent pas dans la moyenne et sont comptées à part. Une "
    "action est en retard quand sa fin prévue (trimestre de fin, ou T4 de son année de fin) est "
    "passée et que son dernier statut n'est ni réalisée ni abandonnée."
)


def key_figures_slide(deck: Deck, content: dict) -> None:
    totals, labels = content["totals"], content["status_labels"]
    statuses = totals["statuses"]
    summary = content["texts"]["summary"]
    slide = deck.slide("Synthèse et chiffres clés")
    figures = [
        (french_number(totals["actions"]), "actions suivies", BLUE),
        (french_percent(totals["mean_progress"]), "avancement moyen", BLUE),
        (french_number(totals["done"]), "réalisées", STATUS_COLOURS["realisee"]),
        (french_number(totals["late"]), "en retard", RED if totals["late"] else BLUE),
        (french_number(statuses.get(NEVER_UPDATED, 0)), "sans point de suivi", BLUE),
    ]
    top = deck.key_figures(slide, figures, top=PLAIN_TOP) + 0.35
    width, height = CONTENT_W - 2 * TEXT_INSET, BODY_BOTTOM - top
    method = paragraph(
        "Avancement moyen : moyenne du dernier point de suivi de chaque action ; en retard : "
        "fin prévue passée sans que l'action soit réalisée ou abandonnée.",
        11,
        colour=MUTED,
        before=10,
    )
    if summary:
        paras = [paragraph("Synthèse de la coordination", 16, colour=BLUE, bold=True)]
        room = height - text_height([*paras, method], width) - 0.15
        paras += [
            paragraph(text, 14, before=4) for text in fit_paragraphs(summary, width, 14, room)
        ]
    else:
        paras = [
            paragraph("La synthèse de la coordination n'est pas encore rédigée.", 14, colour=MUTED)
        ]
    deck.text(slide, (MARGIN, top, CONTENT_W, height), [*paras, method])
    breakdown = ", ".join(
        f"{labels[status].lower()} : {statuses[status]}"
        for status in STATUS_ORDER
        if statuses.get(status)
    )
    deck.notes(
        slide,
        f"Synthèse de la coordination : {summary}" if summary else "",
        f"{plural(totals['actions'], 'action suivie', 'actions suivies')}, dont "
        f"{totals['updated']} avec un point de suivi ; avancement moyen "
        f"{french_percent(totals['mean_progress'])} ; en retard : {totals['late']}.",
        f"Par statut : {breakdown}." if breakdown else "",
        f"Méthode : {METHOD}",
    )


def status_chart_slide(deck: Deck, content: dict) -> None:
    statuses, labels = content["totals"]["statuses"], content["status_labels"]
    shown = [status for status in STATUS_ORDER if statuses.get(status)]
    total = sum(statuses.values())
    described = "; ".join(f"{labels[s]} : {statuses[s]}" for s in shown) or "aucune action"
    alt = f"Répartition des actions par statut : {described}."
    subtitle = (
        f"{plural(total, 'action suivie', 'actions suivies')}, selon leur dernier point de "
        f"suivi jusqu'à fin {content['year']}"
    )
    slide = deck.slide("Répartition des actions par statut", subtitle=subtitle, notes=alt)
    if not shown:
        message = [paragraph("Aucune action suivie n'est enregistrée dans le plan.", 16)]
        deck.text(slide, (MARGIN, BODY_TOP, CONTENT_W, 0.6), message)
        return
    data = CategoryChartData()
    data.categories = [labels[status] for status in shown]
    data.add_series("Actions", [statuses[status] for status in shown])
    box = (MARGIN, BODY_TOP, 6.0, BODY_BOTTOM - BODY_TOP)
    chart = deck.chart(slide, XL_CHART_TYPE.DOUGHNUT, data, box, alt=alt)
    chart.has_legend = False
    for point, status in zip(chart.plots[0].series[0].points, shown, strict=True):
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = RGBColor.from_string(STATUS_COLOURS[status])
        point.format.line.color.rgb = RGBColor.from_string(WHITE)
    # The table beside the ring is its legend, with the figures.
    columns = [Column("Statut", 3.4), Column("Actions", 1.25, True), Column("Part", 1.2, True)]
    rows = [
        Row(
            [
                [Run("● ", STATUS_COLOURS[status], True), Run(labels[status])],
                french_number(statuses[status]),
                french_percent(round(100 * statuses[status] / total)),
            ]
        )
        for status in shown
    ]
    rows.append(Row([[Run("Total", bold=True)], [Run(french_number(total), bold=True)], ""]))
    height = sum(row_height(row, columns, 14) for row in [Row(["Statut"] * 3), *rows])
    top = BODY_TOP + max(0.0, (BODY_BOTTOM - BODY_TOP - height) / 2)
    deck.table(slide, columns, rows, top=top, left=MARGIN + 6.4, size=14)


def progress_chart_slides(deck: Deck, title: str, groups: list[dict]) -> None:
    """Add a bar chart of the mean progress of each group (axis, thematic), split if long."""
    subtitle = "Moyenne de l'avancement du dernier point de suivi des actions"
    for number, chunk in enumerate(chunked(groups, MAX_BARS)):
        described = "; ".join(
            f"{group['label']} : {french_percent(group['mean_progress'])} "
            f"({plural(group['actions'], 'action', 'actions')}, {group['updated']} avec un point)"
            for group in chunk
        )
        suffix = " (suite)" if number else ""
        notes = f"{title} : {described}."
        slide = deck.slide(title, subtitle=subtitle, notes=notes, suffix=suffix)
        if not chunk:
            deck.text(
                slide, (MARGIN, BODY_TOP, CONTENT_W, 0.6), [paragraph("Aucune action suivie.", 16)]
            )
            continue
        data = CategoryChartData(number_format='0" %"')
        data.categories = [chart_category(group["label"]) for group in chunk]
        data.add_series("Avancement moyen", [group["mean_progress"] for group in chunk])
        height = min(BODY_BOTTOM - BODY_TOP - 0.5, 0.5 * len(chunk) + 0.8)
        box = (MARGIN, BODY_TOP, CONTENT_W, height)
        chart = deck.chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, data, box, alt=described)
        chart.has_legend = False
        plot = chart.plots[0]
        plot.gap_width = 60
        plot.vary_by_categories = False
        plot.series[0].format.fill.solid()
        plot.series[0].format.fill.fore_color.rgb = RGBColor.from_string(BLUE)
        plot.has_data_labels = True
        plot.data_labels.number_format = '0" %"'
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        values = chart.value_axis
        values.minimum_scale, values.maximum_scale, values.major_unit = 0, 100, 25
        values.has_major_gridlines = True
        values.major_gridlines.format.line.color.rgb = RGBColor.from_string(RULE)
        values.tick_labels.number_format = '0" %"'
        values.tick_labels.number_format_is_linked = False
        values.format.line.fill.background()
        categories = chart.category_axis
        categories.reverse_order = True  # the first axis of the plan on top
        categories.format.line.color.rgb = RGBColor.from_string(RULE)
        empty = [group["label"] for group in chunk if group["mean_progress"] is None]
        if empty:
            text = "Sans point de suivi (pas de barre) : " + ", ".join(empty)
            paras = [paragraph(shorten(text, CONTENT_W - 2 * TEXT_INSET, 12), 12, colour=MUTED)]
            deck.text(slide, (MARGIN, BODY_TOP + height + 0.05, CONTENT_W, 0.4), paras)
