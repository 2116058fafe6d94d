"""The slide deck of a bilan (PPTX, 16:9), to present at the COPIL, from the bilan's content.

Like the other writers it reads only the bilan's content (governance.bilans.content), never the
database. It does not go through the outline: a deck says less, in its own order, and draws native
PowerPoint charts (editable, their data in an embedded workbook) instead of images. Texts are
fitted and tables split across "(suite)" slides by pptx_deck.
"""

from __future__ import annotations

import math
from decimal import Decimal

from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.util import Inches, Pt

from pilote.governance.bilans.content import (
    NEVER_UPDATED,
    STATUS_COLOURS,
    STATUS_ORDER,
    fr_number,
    iso_french_date,
)

from .pptx_deck import (
    BLUE,
    BODY_BOTTOM,
    BODY_TOP,
    BULLET_INDENT,
    CELL_X,
    CONTENT_W,
    MARGIN,
    MAX_TABLE_ROWS,
    MUTED,
    PLAIN_TOP,
    RED,
    RULE,
    SLIDE_H,
    SLIDE_W,
    TABLE_PT,
    TEXT_INSET,
    WHITE,
    Column,
    Deck,
    Para,
    Row,
    Run,
    clean,
    clip,
    fit_paragraphs,
    paragraph,
    row_height,
    set_text,
    shorten,
    text_height,
)

MAX_BARS = 10
MAX_EXCERPTS = 6  # quoted updates per column of the highlights slide
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"

# --- Words and numbers -------------------------------------------------------------------------


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{fr_number(count)} {singular if count in (0, 1) else plural}"


def _percent(value: int | None) -> str:
    return "–" if value is None else f"{value}\u00a0%"


def _with_unit(value: str | Decimal | None, unit: str) -> str:
    if value is None:
        return "–"
    return f"{fr_number(value)}\u00a0{unit}" if unit else fr_number(value)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- Cover and summary -------------------------------------------------------------------------


def _status_line(content: dict) -> str:
    if content.get("closed_at"):
        by = f" par {content['closed_by']}" if content.get("closed_by") else ""
        return f"Bilan figé le {iso_french_date(content['closed_at'])}{by}"
    when = iso_french_date(content.get("generated_at"))
    return f"Document de travail – bilan non figé (état au {when})"


def _territory_line(convention: dict) -> str:
    parts = [convention["epci"]] if convention.get("epci") else []
    parts.append(_plural(convention["commune_count"], "commune", "communes"))
    if convention.get("population"):
        parts.append(_plural(convention["population"], "habitant", "habitants"))
    return " · ".join([*parts, convention["departement"]])


def _cover(deck: Deck, content: dict) -> None:
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


def _key_figures(deck: Deck, content: dict) -> None:
    totals, labels = content["totals"], content["status_labels"]
    statuses = totals["statuses"]
    summary = content["texts"]["summary"]
    slide = deck.slide("Synthèse et chiffres clés")
    figures = [
        (fr_number(totals["actions"]), "actions suivies", BLUE),
        (_percent(totals["mean_progress"]), "avancement moyen", BLUE),
        (fr_number(totals["done"]), "réalisées", STATUS_COLOURS["realisee"]),
        (fr_number(totals["late"]), "en retard", RED if totals["late"] else BLUE),
        (fr_number(statuses.get(NEVER_UPDATED, 0)), "sans point de suivi", BLUE),
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
        f"{_plural(totals['actions'], 'action suivie', 'actions suivies')}, dont "
        f"{totals['updated']} avec un point de suivi ; avancement moyen "
        f"{_percent(totals['mean_progress'])} ; en retard : {totals['late']}.",
        f"Par statut : {breakdown}." if breakdown else "",
        f"Méthode : {METHOD}",
    )


# --- Charts ------------------------------------------------------------------------------------


def _status_chart(deck: Deck, content: dict) -> None:
    statuses, labels = content["totals"]["statuses"], content["status_labels"]
    shown = [status for status in STATUS_ORDER if statuses.get(status)]
    total = sum(statuses.values())
    described = "; ".join(f"{labels[s]} : {statuses[s]}" for s in shown) or "aucune action"
    alt = f"Répartition des actions par statut : {described}."
    subtitle = (
        f"{_plural(total, 'action suivie', 'actions suivies')}, selon leur dernier point de "
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
                fr_number(statuses[status]),
                f"{round(100 * statuses[status] / total)}\u00a0%",
            ]
        )
        for status in shown
    ]
    rows.append(Row([[Run("Total", bold=True)], [Run(fr_number(total), bold=True)], ""]))
    height = sum(row_height(row, columns, 14) for row in [Row(["Statut"] * 3), *rows])
    top = BODY_TOP + max(0.0, (BODY_BOTTOM - BODY_TOP - height) / 2)
    deck.table(slide, columns, rows, top=top, left=MARGIN + 6.4, size=14)


def _chunks(items: list, size: int) -> list[list]:
    """Split items into balanced chunks of at most `size` (13 → 7 + 6, not 10 + 3)."""
    if not items:
        return [[]]
    step = math.ceil(len(items) / math.ceil(len(items) / size))
    return [items[index : index + step] for index in range(0, len(items), step)]


def _category(label: str) -> str:
    """Return a category label short enough for the axis of a bar chart."""
    return clip(clean(label), 55)


def _progress_chart(deck: Deck, title: str, groups: list[dict]) -> None:
    """Add a bar chart of the mean progress of each group (axis, thematic), split if long."""
    subtitle = "Moyenne de l'avancement du dernier point de suivi des actions"
    for number, chunk in enumerate(_chunks(groups, MAX_BARS)):
        described = "; ".join(
            f"{group['label']} : {_percent(group['mean_progress'])} "
            f"({_plural(group['actions'], 'action', 'actions')}, {group['updated']} avec un point)"
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
        data.categories = [_category(group["label"]) for group in chunk]
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


# --- Actions, axis by axis ---------------------------------------------------------------------


def _axes_rows(plan: list[dict]) -> list[tuple[dict, list[dict]]]:
    """Return each top-level element with the rows under it that are or lead to an action."""
    parent_of = {row["key"]: row["parent"] for row in plan}
    leading: set = set()
    for row in plan:
        key = row["parent"] if row["tracked"] else None
        while key is not None and key not in leading:
            leading.add(key)
            key = parent_of.get(key)
    axes: list[tuple[dict, list[dict]]] = []
    for row in plan:
        if row["depth"] == 0:
            axes.append((row, [row] if row["tracked"] else []))
        elif axes and (row["tracked"] or row["key"] in leading):
            axes[-1][1].append(row)
    return [(axis, rows) for axis, rows in axes if any(row["tracked"] for row in rows)]


def _element_title(row: dict) -> str:
    if row["number"]:
        return f"{row['level']} {row['number']} – {row['title']}"
    return row["title"]


ACTION_COLUMNS = [
    Column("N°", 0.75),
    Column("Action", 5.55),
    Column("Pilote(s)", 2.2),
    Column("Statut", 1.6),
    Column("Avancement", 1.18, numeric=True),
    Column("Dernier point", 1.05),
]


def _action_row(row: dict) -> Row:
    update = row["update"]
    status = [Run("● ", STATUS_COLOURS.get(row["status"], MUTED), True), Run(row["status_label"])]
    if row["late"]:
        status.append(Run("\nen retard", RED, True))
    inner = [column.width - 2 * CELL_X for column in ACTION_COLUMNS]
    pilots = ", ".join(row["pilots"])
    note = (
        f"{row['number'] or '–'} {row['title']} — {row['status_label']}"
        f"{' (en retard)' if row['late'] else ''}, avancement {_percent(row['progress'])}"
        f"{f' ; pilotes : {pilots}' if pilots else ''}"
    )
    if update:
        done = f" : {clip(update['done'], 300)}" if update.get("done") else ""
        note += f" ; dernier point {update['period']}{done}"
    cells = [
        row["number"] or "–",
        shorten(row["title"], inner[1], TABLE_PT, 2),
        shorten(pilots, inner[2], TABLE_PT, 2) or "–",
        status,
        _percent(row["progress"]),
        update["period"] if update else "aucun",
    ]
    return Row(cells, note=note)


def _axis_slides(deck: Deck, content: dict) -> None:
    width = CONTENT_W - 2 * CELL_X
    for index, (axis, rows) in enumerate(_axes_rows(content["plan"])):
        figures = content["axes"][index] if index < len(content["axes"]) else None
        parts = []
        if figures:
            parts = [
                _plural(figures["actions"], "action suivie", "actions suivies"),
                f"avancement moyen {_percent(figures['mean_progress'])}",
                _plural(figures["done"], "réalisée", "réalisées"),
            ]
            if figures["late"]:
                parts.append(f"{figures['late']} en retard")
            if figures["statuses"].get(NEVER_UPDATED):
                parts.append(f"{figures['statuses'][NEVER_UPDATED]} sans point de suivi")
        table = [
            _action_row(row)
            if row["tracked"]
            else Row(
                [shorten(_element_title(row), width, TABLE_PT, bold=True)],
                group=True,
                depth=row["depth"],
                note=_element_title(row),
            )
            for row in rows
        ]
        title = _element_title(axis)
        deck.table_slides(title, ACTION_COLUMNS, table, subtitle=" · ".join(parts), notes=title)


# --- Changes since the previous bilan ----------------------------------------------------------


def _value_period(value, unit: str, period: str) -> str:
    if value is None:
        return "–"
    return f"{_with_unit(value, unit)} ({period})" if period else _with_unit(value, unit)


def _before_after(before, after, show=fr_number) -> str:
    return f"{'–' if before is None else show(before)} → {'–' if after is None else show(after)}"


def _comparison(deck: Deck, content: dict) -> None:
    comparison = content.get("comparison")
    if not comparison:
        return
    previous = comparison["previous"]
    name = f"{previous['kind_label'] or 'bilan'} {previous['year'] or ''}".strip()
    since = f"Depuis le {_lower_first(name)}"
    slide = deck.slide("Ce qui a changé depuis le bilan précédent", subtitle=since)
    progress = _before_after(
        comparison["mean_progress_before"], comparison["mean_progress_after"], _percent
    )
    figures = [
        (progress, "avancement moyen", BLUE),
        (
            _before_after(comparison["done_before"], comparison["done_after"]),
            "actions réalisées",
            STATUS_COLOURS["realisee"],
        ),
        (fr_number(len(comparison["status_changes"])), "changements de statut", BLUE),
        (fr_number(len(comparison["progressed"])), "actions qui ont progressé", BLUE),
    ]
    top = deck.key_figures(slide, figures, top=BODY_TOP) + 0.3
    width = CONTENT_W - 2 * TEXT_INSET
    paras = []
    added, removed = comparison["added"], comparison["removed"]
    for items, singular, plural in (
        (added, "action ajoutée au plan", "actions ajoutées au plan"),
        (removed, "action retirée du plan", "actions retirées du plan"),
    ):
        if items:
            paras.append(
                paragraph(f"{_plural(len(items), singular, plural)} :", 14, bold=True, before=6)
            )
            paras += [
                paragraph(shorten(item, width - 0.3, 14), 14, bullet=True) for item in items[:3]
            ]
            if len(items) > 3:
                more = f"… et {len(items) - 3} autres (liste dans les notes)"
                paras.append(paragraph(more, 12, colour=MUTED))
    if not added and not removed:
        paras.append(paragraph("Aucune action n'a été ajoutée au plan ni retirée.", 14))
    changes = comparison["indicator_changes"]
    measured = (
        _plural(len(changes), "indicateur a", "indicateurs ont") + " une nouvelle valeur."
        if changes
        else "Aucun indicateur n'a de nouvelle valeur."
    )
    paras.append(paragraph(measured, 14, before=6))
    while len(paras) > 1 and text_height(paras, width) > BODY_BOTTOM - top - 0.1:
        paras.pop(-2)
    deck.text(slide, (MARGIN, top, CONTENT_W, BODY_BOTTOM - top), paras)
    deck.notes(
        slide,
        f"Bilan précédent : {previous['title']}",
        *(f"Ajoutée : {item}" for item in added),
        *(f"Retirée : {item}" for item in removed),
    )
    if comparison["status_changes"]:
        columns = [
            Column("Action", 7.0),
            Column("Statut avant", 1.75),
            Column("Statut après", 1.75),
            Column("Avancement", 1.83, numeric=True),
        ]
        rows = [
            Row(
                [
                    shorten(change["action"], 7.0 - 2 * CELL_X, TABLE_PT, 2),
                    change["before"],
                    change["after"],
                    _before_after(change["before_progress"], change["after_progress"], _percent),
                ],
                note=f"{change['action']} : {change['before']} → {change['after']}",
            )
            for change in comparison["status_changes"]
        ]
        deck.table_slides("Changements de statut", columns, rows, subtitle=since)
    if comparison["progressed"]:
        _progressed(deck, comparison["progressed"], since)
    if changes:
        columns = [
            Column("Indicateur", 6.33),
            Column("Valeur précédente", 3.0, numeric=True),
            Column("Nouvelle valeur", 3.0, numeric=True),
        ]
        rows = [
            Row(
                [
                    shorten(item["name"], 6.33 - 2 * CELL_X, TABLE_PT, 2),
                    _value_period(item["before"], item["unit"], item["before_period"]),
                    _value_period(item["after"], item["unit"], item["after_period"]),
                ],
                note=item["name"],
            )
            for item in changes
        ]
        deck.table_slides("Indicateurs : nouvelles valeurs", columns, rows, subtitle=since)


def _progressed(deck: Deck, progressed: list[dict], since: str) -> None:
    """Add the actions that progressed without changing status: the largest steps only."""

    def step(item: dict) -> int:
        return (item["after_progress"] or 0) - (item["before_progress"] or 0)

    ordered = sorted(progressed, key=lambda item: -step(item))
    shown = ordered[:MAX_TABLE_ROWS]
    columns = [Column("Action", 9.33), Column("Avancement", 3.0, numeric=True)]
    rows = [
        Row(
            [
                shorten(item["action"], 9.33 - 2 * CELL_X, TABLE_PT, 2),
                _before_after(item["before_progress"], item["after_progress"], _percent),
            ]
        )
        for item in shown
    ]
    subtitle = f"{since}, sans changement de statut"
    if len(ordered) > len(shown):
        subtitle += f" : les {len(shown)} plus fortes progressions sur {len(ordered)}"
    notes = "\n".join(
        f"{item['action']} : "
        f"{_before_after(item['before_progress'], item['after_progress'], _percent)}"
        for item in ordered
    )
    deck.table_slides("Actions qui ont progressé", columns, rows, subtitle=subtitle, notes=notes)


# --- Highlights and difficulties ---------------------------------------------------------------


def _column_paras(title: str, text: str, excerpts: list[dict], width: float, height: float):
    """Return a column: the coordination's text first, then the excerpts that fit."""
    paras = [paragraph(title, 20, colour=BLUE, bold=True)]
    if text:
        paras += [
            paragraph(part, 14, before=6) for part in fit_paragraphs(text, width, 14, height / 2)
        ]
    else:
        paras.append(paragraph("Pas de texte de la coordination.", 14, colour=MUTED, before=6))
    if excerpts:
        paras.append(
            paragraph("Extraits des points de suivi", 13, colour=MUTED, bold=True, before=12)
        )
    for excerpt in excerpts[:MAX_EXCERPTS]:
        source = f" — {clip(excerpt['action'], 60)} ({excerpt['period']})"
        runs = [Run(clip(excerpt["text"], 160)), Run(source, MUTED)]
        para = Para(runs, 12, before=4, bullet=True)
        if text_height([*paras, para], width) > height:
            break
        paras.append(para)
    return paras


def _highlights(deck: Deck, content: dict) -> None:
    texts, first, year = content["texts"], content["first_year"], content["year"]
    period = f"De {first} à {year}" if first != year else f"Année {year}"
    slide = deck.slide("Faits marquants et difficultés", subtitle=period)
    gap, height = 0.4, BODY_BOTTOM - BODY_TOP
    width = (CONTENT_W - gap) / 2
    notes = []
    columns = (
        ("Faits marquants", texts["highlights"], content["highlights"]),
        ("Difficultés", texts["difficulties"], content["difficulties"]),
    )
    for index, (title, text, excerpts) in enumerate(columns):
        paras = _column_paras(title, text, excerpts, width - 2 * TEXT_INSET, height - 0.1)
        deck.text(slide, (MARGIN + index * (width + gap), BODY_TOP, width, height), paras)
        notes.append(f"{title} (coordination) : {text or 'pas de texte'}")
        notes += [f"- {item['action']} ({item['period']}) : {item['text']}" for item in excerpts]
    deck.notes(slide, *notes)


# --- Indicators --------------------------------------------------------------------------------


def _gap(indicator: dict) -> str:
    if indicator["latest"] is None or indicator["target"] is None:
        return "–"
    difference = Decimal(indicator["latest"]) - Decimal(indicator["target"])
    sign = "+" if difference > 0 else ("−" if difference < 0 else "")
    # The gap between two rates is in points, not in per cent of the target.
    unit = "pt" if indicator["unit"] == "%" else indicator["unit"]
    return sign + _with_unit(abs(difference), unit)


def _indicator_note(indicator: dict) -> str:
    unit = indicator["unit"]
    values = ", ".join(f"{p} : {_with_unit(v, unit)}" for p, _, v in indicator["values"])
    targets = ", ".join(f"{y} : {_with_unit(v, unit)}" for y, v in indicator["targets"])
    baseline = "pas de référence"
    if indicator["baseline"] is not None:
        baseline = (
            f"référence {_with_unit(indicator['baseline'], unit)} "
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
        _with_unit(indicator["baseline"], unit),
        f"{_with_unit(target, unit)} ({year})" if target is not None else "–",
        _value_period(indicator["latest"], unit, indicator["latest_period"]),
        [Run(_gap(indicator), RED if indicator["off_target"] else None, True)],
    ]
    return Row(cells, note=_indicator_note(indicator))


def _indicators(deck: Deck, content: dict) -> None:
    indicators = content["indicators"]
    judged = [i for i in indicators if i["off_target"] is not None]
    off = [i for i in judged if i["off_target"]]

    def figures(slide) -> float:
        boxes = [
            (fr_number(len(indicators)), "indicateurs", BLUE),
            (fr_number(sum(i["latest"] is not None for i in indicators)), "mesurés", BLUE),
            (fr_number(len(judged) - len(off)), "cible atteinte", STATUS_COLOURS["realisee"]),
            (fr_number(len(off)), "sous la cible", RED if off else BLUE),
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


# --- Facilities, coverage and petite enfance ---------------------------------------------------


def _rate_text(rate: dict) -> str:
    if rate["value"] is None:
        return "non calculable"
    text = f"{fr_number(rate['value'])}\u00a0%"
    return f"au moins {text}" if rate["lower_bound"] else text


def _coverage_paras(coverage: dict | None) -> list[Para]:
    paras = [paragraph("Couverture petite enfance", 16, colour=BLUE, bold=True)]
    if not coverage:
        text = "Le taux de couverture n'est pas calculable : aucune donnée de commune."
        return [*paras, paragraph(text, 13, before=6)]
    collective = _rate_text(coverage["collective_rate"])
    individual = _rate_text(coverage["individual_rate"])
    lines = [
        f"Taux de couverture calculé : {_rate_text(coverage['rate'])} (collectif {collective}, "
        f"individuel {individual})"
    ]
    if coverage["children"]:
        children = fr_number(coverage["children"])
        lines.append(f"Enfants de moins de 3 ans : {children} ({coverage['children_years']})")
    for label, figure in (("Taux publié", "published"), ("Taux du département", "departement")):
        if coverage[figure]:
            value = fr_number(coverage[figure]["value"], decimals=1)
            lines.append(
                f"{label} ({coverage[figure]['source']}, {coverage[figure]['year']}) : "
                f"{value}\u00a0%"
            )
    if coverage["places"]:
        places = ", ".join(f"{mode} {fr_number(value)}" for mode, value in coverage["places"])
        lines.append(f"Places : {places}")
    without = coverage["communes_without"]
    lines.append(
        f"{_plural(len(without), 'commune', 'communes')} sur {len(coverage['communes'])} sans "
        "équipement d'accueil du jeune enfant (liste dans les notes)"
        if without
        else "Toutes les communes ont au moins un équipement d'accueil du jeune enfant."
    )
    paras += [paragraph(line, 13, before=5) for line in lines]
    if coverage["missing_capacity"]:
        count = _plural(coverage["missing_capacity"], "équipement", "équipements")
        text = f"{count} sans capacité renseignée : le taux calculé est un minimum."
        paras.append(paragraph(text, 12, colour=MUTED, before=8))
    return paras


def _facilities(deck: Deck, content: dict) -> None:
    facilities = content["facilities"]
    coverage = facilities["coverage"]
    subtitle = "Registre des équipements et services du territoire"
    slide = deck.slide("Équipements et couverture", subtitle=subtitle)
    rate = _rate_text(coverage["rate"]) if coverage else "–"
    rate = "–" if rate == "non calculable" else rate.replace("au moins ", "≥\u00a0")
    figures = [
        (fr_number(facilities["count"]), "équipements en fonctionnement", BLUE),
        (fr_number(facilities["planned"]), "en projet", BLUE),
        (fr_number(coverage["total_places"]) if coverage else "–", "places d'accueil", BLUE),
        (rate, "taux de couverture calculé", BLUE),
    ]
    top = deck.key_figures(slide, figures, top=BODY_TOP) + 0.3
    columns = [
        Column("Type d'équipement", 4.2),
        Column("Nombre", 1.0, True),
        Column("Capacité", 1.3, True),
    ]
    kinds = facilities["by_kind"]
    rows = [
        Row(
            [
                shorten(kind["label"], 4.2 - 2 * CELL_X, 10),
                fr_number(kind["count"]),
                f"{fr_number(kind['places'])} {kind['unit']}" if kind["places"] else "–",
            ]
        )
        for kind in kinds
    ]
    room = BODY_BOTTOM - top - row_height(Row(["Type"] * 3), columns, 10)
    heights = [row_height(row, columns, 10) for row in rows]
    shown = len(rows)
    while shown and sum(heights[:shown]) > room:
        shown -= 1
    if shown < len(rows):  # the last types that do not fit are summed up on one row
        kept = max(shown - 1, 0)
        rest = kinds[kept:]
        others = f"Autres types ({len(rest)})"
        rows = [*rows[:kept], Row([others, fr_number(sum(k["count"] for k in rest)), ""])]
    if rows:
        deck.table(slide, columns, rows, top=top, size=10)
    else:
        message = [paragraph("Aucun équipement n'est enregistré.", 14)]
        deck.text(slide, (MARGIN, top, 6.5, 0.5), message)
    left, width, height = MARGIN + 6.9, CONTENT_W - 6.9, BODY_BOTTOM - top
    paras = _coverage_paras(coverage)
    while len(paras) > 2 and text_height(paras, width - 2 * TEXT_INSET) > height - 0.1:
        paras.pop()
    deck.text(slide, (left, top, width, height), paras)
    deck.notes(
        slide,
        *(
            f"{kind['label']} : {kind['count']}"
            + (f" ({fr_number(kind['places'])} {kind['unit']})" if kind["places"] else "")
            for kind in kinds
        ),
        "\n".join(para.text for para in _coverage_paras(coverage)[1:]),
        f"Communes sans équipement : {', '.join(coverage['communes_without'])}"
        if coverage and coverage["communes_without"]
        else "",
    )


AO_COLUMNS = [
    Column("Autorité organisatrice", 3.2),
    Column("Population", 1.4, numeric=True),
    Column("Compétences exercées", 3.6),
    Column("Obligations", 4.13),
]
SCHEMA_COLUMNS = [
    Column("Schéma de l'autorité organisatrice", 4.4),
    Column("Modes d'accueil planifiés", 4.3),
    Column("Éléments renseignés", 1.8, numeric=True),
    Column("Tient lieu de schéma", 1.83),
]


def _intro(deck: Deck, slide, paras: list[Para]) -> float:
    """Add paragraphs above a table; return where the table starts."""
    height = text_height(paras, CONTENT_W - 2 * TEXT_INSET) + 0.15
    deck.text(slide, (MARGIN, BODY_TOP, CONTENT_W, height), paras)
    return BODY_TOP + height + 0.15


def _petite_enfance(deck: Deck, content: dict) -> None:
    data = content["petite_enfance"]
    inner = [column.width - 2 * CELL_X for column in AO_COLUMNS]
    rows = [
        Row(
            [
                shorten(ao["name"], inner[0], TABLE_PT, 2),
                fr_number(ao["population"]),
                shorten(", ".join(ao["competences"]) or "–", inner[2], TABLE_PT, 3),
                shorten(" ; ".join(ao["obligations"]) or "–", inner[3], TABLE_PT, 3),
            ],
            note=f"{ao['name']} ({fr_number(ao['population'])} hab.) : "
            f"{', '.join(ao['competences'])} ; {' ; '.join(ao['obligations'])}",
        )
        for ao in data["aos"]
    ]
    missing = data["missing"]

    def intro(slide) -> float:
        count = _plural(len(data["aos"]), "autorité organisatrice", "autorités organisatrices")
        communes = _plural(data["commune_count"], "commune", "communes")
        paras = [
            paragraph(f"{count} sur {communes} · population retenue : {data['basis'].lower()}")
        ]
        if missing:
            count = _plural(len(missing), "obligation non remplie", "obligations non remplies")
            paras.append(
                paragraph(f"{count} (détail dans les notes) :", colour=RED, bold=True, before=6)
            )
            width = CONTENT_W - 2 * TEXT_INSET - BULLET_INDENT
            paras += [paragraph(shorten(item, width, 12), 12, bullet=True) for item in missing[:2]]
        if not data["aos"]:
            text = "Aucune autorité organisatrice de l'accueil du jeune enfant n'est identifiée."
            paras.append(paragraph(text, before=6))
        return _intro(deck, slide, paras)

    title = "Petite enfance : autorités organisatrices"
    subtitle = "Volet petite enfance pour la CDSF"
    slides = deck.table_slides(title, AO_COLUMNS, rows, subtitle=subtitle, before=intro)
    if missing:
        deck.notes(slides[0], "Obligations non remplies :", *missing)

    inner = [column.width - 2 * CELL_X for column in SCHEMA_COLUMNS]
    rows = [
        Row(
            [
                shorten(schema["ao"], inner[0], TABLE_PT, 2),
                shorten(
                    ", ".join(dict.fromkeys(line["mode"] for line in schema["lines"])) or "–",
                    inner[1],
                    TABLE_PT,
                    2,
                ),
                f"{schema['covered']} / {schema['total']}",
                "oui" if schema["can_stand_in"] else "non",
            ],
            note=_schema_note(schema),
        )
        for schema in data["schemas"]
    ]
    bonus = data["bonus"]
    if bonus["reason"]:
        bonus_text = f"Bonus trajectoire : {bonus['reason']}"
    else:
        bonus_text = (
            f"Bonus trajectoire : {fr_number(bonus['places_2023'])} places en 2023, "
            f"{fr_number(bonus['places_2027'])} prévues en 2027 ({bonus['growth']}), palier "
            f"{bonus['step']} : {bonus['yearly_amount']} par an."
        )

    def schemas_intro(slide) -> float:
        paras = [paragraph(shorten(bonus_text, CONTENT_W - 2 * TEXT_INSET, 14, 2))]
        if not data["schemas"]:
            paras.append(paragraph("Aucun schéma pluriannuel n'est enregistré.", before=8))
        return _intro(deck, slide, paras)

    title = "Petite enfance : schémas et bonus trajectoire"
    subtitle = "Schémas pluriannuels de maintien et de développement de l'offre d'accueil"
    deck.table_slides(
        title, SCHEMA_COLUMNS, rows, subtitle=subtitle, before=schemas_intro, notes=bonus_text
    )


def _schema_note(schema: dict) -> str:
    years = ", ".join(str(year) for year in schema["years"])
    lines = [
        f"Schéma {schema['ao']} ({schema['covered']} / {schema['total']} éléments renseignés ; "
        f"années {years}) :"
    ]
    for line in schema["lines"]:
        label = f"{line['mode']} {line['label']}".strip()
        values = " / ".join(value or "–" for value in line["years"])
        lines.append(f"- {label} : actuellement {line['current'] or '–'} ; {values}")
    return "\n".join(lines)


# --- Decisions and outlook ---------------------------------------------------------------------

DECISION_COLUMNS = [
    Column("Date", 1.55),
    Column("Instance", 2.2),
    Column("Type", 1.5),
    Column("Action concernée", 3.0),
    Column("Décision", 4.08),
]


def _decisions(deck: Deck, content: dict) -> None:
    decisions = content["decisions"]
    if not decisions:
        return
    inner = [column.width - 2 * CELL_X for column in DECISION_COLUMNS]
    rows = []
    for decision in decisions:
        text = decision["text"]
        if decision.get("postponed_to"):
            text += f" (reportée à {decision['postponed_to']})"
        date = iso_french_date(decision["date"])
        cells = [
            date,
            shorten(decision["body"], inner[1], TABLE_PT, 2),
            decision["kind"],
            shorten(decision["action"] or "–", inner[3], TABLE_PT, 2),
            shorten(text, inner[4], TABLE_PT, 3),
        ]
        about = decision["action"] or "toute la CTG"
        note = f"{date}, {decision['body']} : {decision['kind']} ({about}) – {text}"
        rows.append(Row(cells, note=note))
    first, year = content["first_year"], content["year"]
    subtitle = f"Décisions prises de {first} à {year}" if first != year else f"Décisions de {year}"
    deck.table_slides("Décisions des instances", DECISION_COLUMNS, rows, subtitle=subtitle)


def _outlook(deck: Deck, content: dict) -> None:
    outlook = content["texts"]["outlook"]
    slide = deck.slide("Perspectives et prochaines étapes")
    width, height = CONTENT_W - 2 * TEXT_INSET, BODY_BOTTOM - PLAIN_TOP
    paras = [paragraph("Perspectives", 20, colour=BLUE, bold=True)]
    if outlook:
        paras += [paragraph(part, 16, before=6) for part in fit_paragraphs(outlook, width, 16, 2.2)]
    else:
        paras.append(paragraph("À compléter par la coordination.", 16, colour=MUTED, before=6))
    attention = [
        row
        for row in content["plan"]
        if row["tracked"] and (row["late"] or row["status"] == "bloquee")
    ]
    notes = [f"Perspectives : {outlook}" if outlook else ""]
    if attention:
        heading = "Points d'attention : actions bloquées ou en retard"
        paras.append(paragraph(heading, 16, colour=BLUE, bold=True, before=18))
        more = paragraph("… liste complète dans les notes", 12, colour=MUTED, before=3)
        for row in attention:
            reasons = ["bloquée"] if row["status"] == "bloquee" else []
            reason = ", ".join([*reasons, "en retard"] if row["late"] else reasons)
            label = shorten(f"{row['number']} {row['title']}".strip(), width - 3.0, 14)
            para = Para([Run(label), Run(f" — {reason}", RED)], 14, before=3, bullet=True)
            if text_height([*paras, para, more], width) > height - 0.1:
                paras.append(more)
                break
            paras.append(para)
        notes.append("Actions bloquées ou en retard :")
        for row in attention:
            next_steps = (row["update"] or {}).get("next_steps") or ""
            notes.append(
                f"- {row['number'] or '–'} {row['title']} ({row['status_label']}"
                f"{', en retard' if row['late'] else ''})"
                + (f" ; prochaines étapes : {next_steps}" if next_steps else "")
            )
    deck.text(slide, (MARGIN, PLAIN_TOP, CONTENT_W, height), paras)
    deck.notes(slide, *notes)


# --- Entry point -------------------------------------------------------------------------------


def write_pptx(content: dict) -> bytes:
    """Return the COPIL slide deck (PPTX, 16:9) of a bilan from its content."""
    convention = content["convention"]["name"]
    footer = f"{content['kind_label']} {content['year']} – {convention}"
    deck = Deck(title=content["title"], subject=convention, footer=footer)
    _cover(deck, content)
    _key_figures(deck, content)
    _status_chart(deck, content)
    _progress_chart(deck, "Avancement moyen par axe", content["axes"])
    if len(content["thematics"]) >= 2:
        _progress_chart(deck, "Avancement moyen par thématique", content["thematics"])
    _axis_slides(deck, content)
    _comparison(deck, content)
    _highlights(deck, content)
    _indicators(deck, content)
    _facilities(deck, content)
    _petite_enfance(deck, content)
    _decisions(deck, content)
    _outlook(deck, content)
    return deck.finish()
