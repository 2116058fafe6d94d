"""The cover and the synthesis of a bilan: key figures, texts, charts of the statuses."""

from __future__ import annotations

from pilote.core.formats import french_date, french_number, plural
from pilote.governance.bilans.content import NEVER_UPDATED, STATUS_ORDER, population_text

from .. import charts
from ..blocks import (
    Block,
    Cover,
    Heading,
    KeyFigures,
    Paragraph,
    Table,
)
from .common import CHART_WIDTH_CM, DASH, chart, paragraphs, percent


def period_covered(content: dict) -> str:
    """Return the period the bilan reports on: "année 2026" or "2023 – 2026"."""
    first, year = content["first_year"], content["year"]
    return f"année {year}" if first == year else f"{first} {DASH} {year}"


def state_date(content: dict) -> str:
    """Return the date the figures stand at: the generation date, at the latest the year's end."""
    generated = (content.get("generated_at") or content["as_of"])[:10]
    return min(generated, content["as_of"])


def cover_section(content: dict) -> Cover:
    convention = content["convention"]
    territory = [convention["epci"]] if convention["epci"] else []
    territory.append(plural(convention["commune_count"], "commune"))
    if convention["population"]:
        territory.append(population_text(convention))
    subtitle = (
        convention["name"],
        f"Convention {convention['period']} · {convention['departement']}",
        f"Territoire : {', '.join(territory)}",
        f"Période couverte : {period_covered(content)}",
    )
    if content["status"] == "clos" and content.get("closed_at"):
        status = f"Bilan figé le {french_date(content['closed_at'])}"
        if content.get("closed_by"):
            status += f" par {content['closed_by']}"
    else:
        status = (
            f"Document de travail {DASH} bilan non figé "
            f"(état au {french_date(state_date(content))})"
        )
    return Cover(
        title=f"{content['kind_label']} {content['year']}", subtitle=subtitle, status=status
    )


def key_figures(totals: dict) -> KeyFigures:
    return KeyFigures(
        (
            (french_number(totals["actions"]), "actions suivies"),
            (percent(totals["mean_progress"]), "avancement moyen"),
            (french_number(totals["done"]), "réalisées"),
            (french_number(totals["late"]), "en retard"),
            (french_number(totals["statuses"].get(NEVER_UPDATED, 0)), "sans point de suivi"),
        )
    )


def status_alt(totals: dict, labels: dict[str, str]) -> str:
    parts = [
        f"{labels[status]} : {french_number(totals['statuses'][status])}"
        for status in STATUS_ORDER
        if totals["statuses"].get(status)
    ]
    actions = french_number(totals["actions"])
    return f"Répartition des {actions} actions par statut : {' ; '.join(parts)}."


def progress_alt(title: str, groups: list[dict]) -> str:
    parts = [
        f"{group['label']} : "
        + (
            "aucun point de suivi"
            if group["mean_progress"] is None
            else percent(group["mean_progress"])
        )
        for group in groups
    ]
    return f"{title} : {' ; '.join(parts)}."


def synthesis_section(content: dict) -> list[Block]:
    totals = content["totals"]
    blocks: list[Block] = [Heading("Synthèse", 1)]
    summary = content["texts"].get("summary", "")
    if summary:
        blocks += paragraphs(summary, "lead")
    else:
        blocks.append(
            Paragraph("La coordination n’a pas rédigé de synthèse pour ce bilan.", "muted")
        )
    blocks.append(Heading("Chiffres clés", 2))
    blocks.append(key_figures(totals))
    blocks.append(
        Paragraph(
            f"{plural(totals['actions'], 'action suivie', 'actions suivies')} dans le plan, dont "
            f"{french_number(totals['updated'])} avec au moins un point de suivi ; état au "
            f"{french_date(state_date(content))}.",
            "muted",
        )
    )
    comparison = content.get("comparison")
    if comparison:
        previous = comparison["previous"]
        blocks.append(
            Paragraph(
                f"Depuis le bilan précédent ({previous['title'] or previous['kind_label']}) : "
                f"avancement moyen {percent(comparison['mean_progress_before'])} → "
                f"{percent(comparison['mean_progress_after'])}, actions réalisées "
                f"{french_number(comparison['done_before'] or 0)} → "
                f"{french_number(comparison['done_after'] or 0)}.",
            )
        )
    else:
        blocks.append(Paragraph("Premier bilan : pas de comparaison.", "muted"))
    if totals["actions"]:
        labels = content["status_labels"]
        blocks.append(Heading("Actions par statut", 2))
        blocks.append(
            chart(
                charts.status_bar(totals["statuses"], labels, width_cm=CHART_WIDTH_CM),
                status_alt(totals, labels),
                "Répartition des actions par statut",
            )
        )
    axes = content["axes"]
    blocks.append(Heading("Avancement par axe", 2))
    if axes:
        png, _ = charts.progress_bars(axes, width_cm=CHART_WIDTH_CM)
        blocks.append(
            chart(png, progress_alt("Avancement moyen par axe", axes), "Avancement moyen par axe")
        )
        blocks.append(
            Table(
                headers=("Axe", "Actions", "Avancement moyen", "Réalisées", "En retard"),
                rows=tuple(
                    (
                        axis["label"],
                        french_number(axis["actions"]),
                        percent(axis["mean_progress"]),
                        french_number(axis["done"]),
                        french_number(axis["late"]),
                    )
                    for axis in axes
                ),
                widths=(6, 1.2, 1.6, 1.2, 1.2),
                numeric=frozenset({1, 2, 3, 4}),
                caption="Avancement moyen par axe",
            )
        )
    else:
        blocks.append(Paragraph("Aucune action n’est suivie dans le plan de la CTG."))
    return blocks
