"""The actions axis by axis, what changed since the previous bilan, highlights."""

from __future__ import annotations

from pilote.core.formats import french_number, french_percent, plural
from pilote.core.units import with_unit
from pilote.governance.bilans.content import NEVER_UPDATED, STATUS_COLOURS

from .common import MAX_EXCERPTS, lower_first
from .deck import (
    BLUE,
    BODY_BOTTOM,
    BODY_TOP,
    CELL_X,
    CONTENT_W,
    MARGIN,
    MAX_TABLE_ROWS,
    MUTED,
    RED,
    TABLE_PT,
    TEXT_INSET,
    Column,
    Deck,
    Para,
    Row,
    Run,
    clip,
    fit_paragraphs,
    paragraph,
    shorten,
    text_height,
)


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
        f"{' (en retard)' if row['late'] else ''}, avancement {french_percent(row['progress'])}"
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
        french_percent(row["progress"]),
        update["period"] if update else "aucun",
    ]
    return Row(cells, note=note)


def axis_slides(deck: Deck, content: dict) -> None:
    width = CONTENT_W - 2 * CELL_X
    for index, (axis, rows) in enumerate(_axes_rows(content["plan"])):
        figures = content["axes"][index] if index < len(content["axes"]) else None
        parts = []
        if figures:
            parts = [
                plural(figures["actions"], "action suivie", "actions suivies"),
                f"avancement moyen {french_percent(figures['mean_progress'])}",
                plural(figures["done"], "réalisée", "réalisées"),
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


def value_period(value, unit: str, period: str) -> str:
    if value is None:
        return "–"
    return f"{with_unit(value, unit)} ({period})" if period else with_unit(value, unit)


def _before_after(before, after, show=french_number) -> str:
    return f"{'–' if before is None else show(before)} → {'–' if after is None else show(after)}"


def comparison_slides(deck: Deck, content: dict) -> None:
    comparison = content.get("comparison")
    if not comparison:
        return
    previous = comparison["previous"]
    name = f"{previous['kind_label'] or 'bilan'} {previous['year'] or ''}".strip()
    since = f"Depuis le {lower_first(name)}"
    slide = deck.slide("Ce qui a changé depuis le bilan précédent", subtitle=since)
    progress = _before_after(
        comparison["mean_progress_before"], comparison["mean_progress_after"], french_percent
    )
    figures = [
        (progress, "avancement moyen", BLUE),
        (
            _before_after(comparison["done_before"], comparison["done_after"]),
            "actions réalisées",
            STATUS_COLOURS["realisee"],
        ),
        (french_number(len(comparison["status_changes"])), "changements de statut", BLUE),
        (french_number(len(comparison["progressed"])), "actions qui ont progressé", BLUE),
    ]
    top = deck.key_figures(slide, figures, top=BODY_TOP) + 0.3
    width = CONTENT_W - 2 * TEXT_INSET
    paras = []
    added, removed = comparison["added"], comparison["removed"]
    for items, singular, plural_form in (
        (added, "action ajoutée au plan", "actions ajoutées au plan"),
        (removed, "action retirée du plan", "actions retirées du plan"),
    ):
        if items:
            paras.append(
                paragraph(f"{plural(len(items), singular, plural_form)} :", 14, bold=True, before=6)
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
        plural(len(changes), "indicateur a", "indicateurs ont") + " une nouvelle valeur."
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
        _status_changes(deck, comparison["status_changes"], since)
    if comparison["progressed"]:
        _progressed(deck, comparison["progressed"], since)
    if changes:
        _indicator_changes(deck, changes, since)


def _status_changes(deck: Deck, changes: list[dict], since: str) -> None:
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
                _before_after(change["before_progress"], change["after_progress"], french_percent),
            ],
            note=f"{change['action']} : {change['before']} → {change['after']}",
        )
        for change in changes
    ]
    deck.table_slides("Changements de statut", columns, rows, subtitle=since)


def _indicator_changes(deck: Deck, changes: list[dict], since: str) -> None:
    columns = [
        Column("Indicateur", 6.33),
        Column("Valeur précédente", 3.0, numeric=True),
        Column("Nouvelle valeur", 3.0, numeric=True),
    ]
    rows = [
        Row(
            [
                shorten(item["name"], 6.33 - 2 * CELL_X, TABLE_PT, 2),
                value_period(item["before"], item["unit"], item["before_period"]),
                value_period(item["after"], item["unit"], item["after_period"]),
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
                _before_after(item["before_progress"], item["after_progress"], french_percent),
            ]
        )
        for item in shown
    ]
    subtitle = f"{since}, sans changement de statut"
    if len(ordered) > len(shown):
        subtitle += f" : les {len(shown)} plus fortes progressions sur {len(ordered)}"
    notes = "\n".join(
        f"{item['action']} : "
        f"{_before_after(item['before_progress'], item['after_progress'], french_percent)}"
        for item in ordered
    )
    deck.table_slides("Actions qui ont progressé", columns, rows, subtitle=subtitle, notes=notes)


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


def highlights_slide(deck: Deck, content: dict) -> None:
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
