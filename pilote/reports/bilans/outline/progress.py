"""Progress of the plan: by axis, what changed since the previous bilan, highlights, actions."""

from __future__ import annotations

from pilote.core.formats import french_date, french_number, plural, shorten

from .. import charts
from ..blocks import (
    Block,
    Bullets,
    Heading,
    KeyFigures,
    Paragraph,
    Table,
)
from .common import (
    CHART_WIDTH_CM,
    DASH,
    NO_VALUE,
    QUOTE_EXCERPT,
    UPDATE_EXCERPT,
    chart,
    measured,
    paragraphs,
    percent,
)
from .summary import period_covered, progress_alt


def progress_table(groups: list[dict], first_header: str, caption: str) -> Table:
    """Return the figures of each group (axis or thematic): progress and actions by status."""
    return Table(
        headers=(
            first_header,
            "Actions",
            "Avec un point",
            "Avancement moyen",
            "En cours",
            "Réalisées",
            "Bloquées ou reportées",
            "En retard",
        ),
        rows=tuple(
            (
                group["label"],
                french_number(group["actions"]),
                french_number(group["updated"]),
                percent(group["mean_progress"]),
                french_number(group["statuses"].get("en_cours", 0)),
                french_number(group["done"]),
                french_number(
                    group["statuses"].get("bloquee", 0) + group["statuses"].get("reportee", 0)
                ),
                french_number(group["late"]),
            )
            for group in groups
        ),
        widths=(5, 1.1, 1.1, 1.4, 1.1, 1.2, 1.4, 1.1),
        numeric=frozenset(range(1, 8)),
        caption=caption,
    )


def progress_section(content: dict) -> list[Block]:
    blocks: list[Block] = [Heading("Avancement par axe et par thématique", 1)]
    blocks.append(Heading("Par axe", 2))
    if content["axes"]:
        blocks.append(progress_table(content["axes"], "Axe", "Actions par axe et par statut"))
    else:
        blocks.append(Paragraph("Aucune action n’est suivie dans le plan de la CTG."))
    thematics = content["thematics"]
    blocks.append(Heading("Par thématique", 2))
    if not thematics:
        blocks.append(Paragraph("Aucune thématique n’est associée aux actions du plan."))
        return blocks
    blocks.append(
        Paragraph(
            "Une action associée à plusieurs thématiques est comptée dans chacune d’elles.", "muted"
        )
    )
    if len(thematics) >= 2:
        png, _ = charts.progress_bars(thematics, width_cm=CHART_WIDTH_CM)
        blocks.append(
            chart(
                png,
                progress_alt("Avancement moyen par thématique", thematics),
                "Avancement moyen par thématique",
            )
        )
    blocks.append(progress_table(thematics, "Thématique", "Actions par thématique et par statut"))
    return blocks


def comparison_section(content: dict) -> list[Block]:
    comparison = content["comparison"]
    previous = comparison["previous"]
    blocks: list[Block] = [Heading("Ce qui a changé depuis le bilan précédent", 1)]
    reference = previous["title"] or f"{previous['kind_label']} {previous['year'] or ''}".strip()
    if previous.get("closed_at"):
        reference += f", figé le {french_date(previous['closed_at'])}"
    blocks.append(Paragraph(f"Bilan de référence : {reference}.", "lead"))
    blocks.append(
        KeyFigures(
            (
                (
                    f"{percent(comparison['mean_progress_before'])} → "
                    f"{percent(comparison['mean_progress_after'])}",
                    "avancement moyen",
                ),
                (
                    f"{french_number(comparison['done_before'] or 0)} → "
                    f"{french_number(comparison['done_after'] or 0)}",
                    "actions réalisées",
                ),
                (french_number(len(comparison["status_changes"])), "changements de statut"),
                (
                    french_number(len(comparison["progressed"])),
                    "avancements sans changement de statut",
                ),
            )
        )
    )
    blocks += _status_changes(comparison)
    blocks += _plan_changes(comparison)
    blocks += _indicator_changes(comparison)
    return blocks


def _status_changes(comparison: dict) -> list[Block]:
    """Return the actions whose status or only progress changed since the previous bilan."""
    blocks: list[Block] = []
    blocks.append(Heading("Changements de statut", 2))
    if comparison["status_changes"]:
        blocks.append(
            Table(
                headers=("Action", "Statut avant", "Statut après", "Avancement"),
                rows=tuple(
                    (
                        change["action"],
                        change["before"],
                        change["after"],
                        f"{percent(change['before_progress'])} → "
                        f"{percent(change['after_progress'])}",
                    )
                    for change in comparison["status_changes"]
                ),
                widths=(7, 2, 2, 2.2),
                caption="Actions dont le statut a changé",
            )
        )
    else:
        blocks.append(Paragraph("Aucune action n’a changé de statut."))
    blocks.append(Heading("Actions qui ont progressé", 2))
    if comparison["progressed"]:
        blocks.append(
            Table(
                headers=("Action", "Avancement avant", "Avancement après"),
                rows=tuple(
                    (
                        change["action"],
                        percent(change["before_progress"]),
                        percent(change["after_progress"]),
                    )
                    for change in comparison["progressed"]
                ),
                widths=(8, 2, 2),
                numeric=frozenset({1, 2}),
                caption="Actions dont l’avancement a changé sans changement de statut",
            )
        )
    else:
        blocks.append(Paragraph("Aucune autre action n’a vu son avancement changer."))
    return blocks


def _plan_changes(comparison: dict) -> list[Block]:
    blocks: list[Block] = []
    blocks.append(Heading("Actions ajoutées ou retirées du plan", 2))
    if comparison["added"]:
        blocks.append(
            Paragraph(f"{plural(len(comparison['added']), 'action ajoutée', 'actions ajoutées')} :")
        )
        blocks.append(Bullets(tuple(comparison["added"])))
    if comparison["removed"]:
        blocks.append(
            Paragraph(
                f"{plural(len(comparison['removed']), 'action retirée', 'actions retirées')} :"
            )
        )
        blocks.append(Bullets(tuple(comparison["removed"])))
    if not comparison["added"] and not comparison["removed"]:
        blocks.append(Paragraph("Aucune action n’a été ajoutée ni retirée du plan."))
    return blocks


def _indicator_changes(comparison: dict) -> list[Block]:
    blocks: list[Block] = []
    blocks.append(Heading("Indicateurs", 2))
    if comparison["indicator_changes"]:
        blocks.append(
            Table(
                headers=("Indicateur", "Valeur précédente", "Nouvelle valeur"),
                rows=tuple(
                    (
                        change["name"],
                        dated(change["before"], change["unit"], change["before_period"]),
                        dated(change["after"], change["unit"], change["after_period"]),
                    )
                    for change in comparison["indicator_changes"]
                ),
                widths=(7, 2.5, 2.5),
                caption="Indicateurs dont la dernière valeur a changé",
            )
        )
    else:
        blocks.append(Paragraph("Aucun indicateur n’a de nouvelle valeur."))
    return blocks


def dated(value: str | None, unit: str, period: str) -> str:
    if value is None:
        return "Pas de mesure"
    return f"{measured(value, unit)} ({period})" if period else measured(value, unit)


def excerpts_table(items: list[dict], caption: str, header: str) -> Table:
    return Table(
        headers=("Action", "Période", header),
        rows=tuple(
            (item["action"] or NO_VALUE, item["period"], shorten(item["text"], QUOTE_EXCERPT))
            for item in items
        ),
        widths=(4.5, 1.3, 7),
        caption=caption,
    )


def highlights_section(content: dict) -> list[Block]:
    texts = content["texts"]
    blocks: list[Block] = [Heading("Faits marquants et difficultés", 1)]
    window = period_covered(content)
    for key, title, header, empty in (
        (
            "highlights",
            "Faits marquants",
            "Ce qui a été fait",
            "Aucun fait marquant n’a été rédigé ni relevé dans les points de suivi de la période.",
        ),
        (
            "difficulties",
            "Difficultés",
            "Difficulté signalée",
            "Aucune difficulté n’a été rédigée ni signalée dans les points de suivi de la période.",
        ),
    ):
        blocks.append(Heading(title, 2))
        written = texts.get(key, "")
        items = content[key]
        if written:
            blocks += paragraphs(written)
        if items:
            blocks.append(Heading("Extraits des points de suivi", 3))
            blocks.append(
                Paragraph(
                    f"Dernier texte de chaque action sur la période ({window}), du plus récent au "
                    "plus ancien.",
                    "muted",
                )
            )
            blocks.append(excerpts_table(items, f"{title} des points de suivi ({window})", header))
        if not written and not items:
            blocks.append(Paragraph(empty))
    outlook = texts.get("outlook", "")
    if outlook:
        blocks.append(Heading("Perspectives", 2))
        blocks += paragraphs(outlook)
    return blocks


def action_cells(row: dict) -> tuple[str, ...]:
    """Return the cells of a tracked action in the table of actions."""
    title = row["title"]
    if row["pilots"]:
        title += f"\nPilotes : {', '.join(row['pilots'])}"
    status = row["status_label"] or NO_VALUE
    if row["late"]:
        status += "\nen retard"
    update = row["update"]
    if update is None:
        latest = "Aucun point de suivi"
    elif update["done"].strip():
        latest = f"{update['period']} : {shorten(update['done'], UPDATE_EXCERPT)}"
    else:
        latest = update["period"]
    return (
        row["number"],
        title,
        row["period"] or NO_VALUE,
        status,
        percent(row["progress"]),
        latest,
    )


def actions_section(content: dict) -> list[Block]:
    blocks: list[Block] = [Heading("Tableau des actions", 1)]
    plan = content["plan"]
    if not plan:
        blocks.append(Paragraph("Le plan d’actions de la CTG est vide."))
        return blocks
    late = content["totals"]["late"]
    blocks.append(
        Paragraph(
            f"Tous les éléments du plan dans son ordre ; pour chaque action, son statut et son "
            f"avancement au dernier point de suivi, et ce qui a été fait selon ce point. "
            f"{plural(late, 'action est', 'actions sont')} en retard."
            if late
            else "Tous les éléments du plan dans son ordre ; pour chaque action, son statut et son "
            "avancement au dernier point de suivi, et ce qui a été fait selon ce point. Aucune "
            "action n’est en retard.",
            "muted",
        )
    )
    rows: list[tuple[str, ...]] = []
    emphasis: set[int] = set()
    for row in plan:
        if row["tracked"]:
            rows.append(action_cells(row))
        else:
            emphasis.add(len(rows))
            rows.append((row["number"], f"{row['level']} {DASH} {row['title']}", "", "", "", ""))
    blocks.append(
        Table(
            headers=("N°", "Action", "Période", "Statut", "Avanc.", "Dernier point de suivi"),
            rows=tuple(rows),
            widths=(0.9, 5.2, 1.5, 1.7, 1.3, 6.4),
            emphasis=frozenset(emphasis),
            numeric=frozenset({4}),
            caption="Les actions du plan et leur dernier point de suivi",
        )
    )
    return blocks
