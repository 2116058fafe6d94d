"""The outline of a bilan: its content (governance.bilans.content) laid out once as blocks.

The PDF, DOCX and ODT writers render these blocks and nothing else, so that the three documents
say the same thing in the same order. Every section is always present and says in a sentence
when it has nothing to show, except the comparison with the previous bilan, which only exists
when there is a previous bilan (a first bilan says so in its synthèse). Every chart comes with a
text alternative that gives the same figures in words.
"""

from __future__ import annotations

import re
import struct
from decimal import Decimal

from pilote.governance.bilans.content import NEVER_UPDATED, STATUS_ORDER, fr_number
from pilote.governance.bilans.content import iso_french_date as french_date

from . import charts
from .blocks import (
    Block,
    Bullets,
    Chart,
    Cover,
    Heading,
    KeyFigures,
    Paragraph,
    Table,
)

DASH = "–"
NO_VALUE = "—"
UPDATE_EXCERPT = 300  # characters of the latest "done" text in the table of actions
QUOTE_EXCERPT = 500  # characters of a highlight or difficulty quoted from an update
MAX_INDICATOR_CHARTS = 12
COVERAGE_CHART_LIMIT = 25  # communes in the coverage chart (the highest rates)
CHART_WIDTH_CM = 16.0
COUNT_UNITS = {"nombre", "nb", "nb.", "unités"}  # units that add nothing after a number

# The definitions of the dashboard (pilote.monitoring.dashboard), worded for a bilan.
METHOD_NOTES = (
    "Une action est un élément suivi du plan (niveau suivi de la CTG) ; son statut et son "
    "avancement sont ceux de son dernier point de suivi jusqu’au 4e trimestre de l’année du bilan.",
    "Une action est « en retard » quand sa fin prévue (trimestre de fin, ou 4e trimestre de son "
    "année de fin) est antérieure au trimestre de référence du bilan et que son dernier statut "
    "n’est ni « Réalisée » ni « Abandonnée » ; une action sans point de suivi compte comme non "
    "terminée.",
    "L’avancement moyen d’un axe ou d’une thématique est la moyenne de l’avancement déclaré au "
    "dernier point de suivi de ses actions ; les actions sans point de suivi sont exclues de la "
    "moyenne et comptées à part.",
    "L’état d’un indicateur compare sa dernière mesure à la cible de la même année : une valeur "
    "inférieure à la cible est signalée « sous la cible ».",
    "Le taux de couverture calculé rapporte les places d’accueil du jeune enfant du registre des "
    "équipements aux enfants de moins de 3 ans ; « au moins » signale que des capacités manquent "
    "dans le registre.",
)


# --- Small formatting helpers ---------------------------------------------------------------------


def percent(value: int | float | str | None) -> str:
    """Return "54 %" (non-breaking space), or a dash for None."""
    return NO_VALUE if value is None else f"{fr_number(value)}\u00a0%"


def count(value: int) -> str:
    return fr_number(value)


def plural(number: int, singular: str, plural_form: str | None = None) -> str:
    """Return "1 action", "3 actions" (the number written the French way)."""
    word = singular if number in (0, 1) else (plural_form or f"{singular}s")
    return f"{fr_number(number)} {word}"


def shorten(text: str, limit: int) -> str:
    """Return the text on one line, cut on a word before `limit` characters with an ellipsis."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"


def paragraphs(text: str, style: str = "body") -> list[Block]:
    """Return one Paragraph per paragraph of a text written by the coordination."""
    parts = [re.sub(r"[ \t]*\n[ \t]*", " ", part).strip() for part in re.split(r"\n\s*\n", text)]
    return [Paragraph(part, style) for part in parts if part]


def label(number: str, title: str) -> str:
    return f"{number} {title}".strip()


def unit_suffix(unit: str) -> str:
    """Return the unit to write after a value: " %" or " places"; nothing for a plain count."""
    if not unit or unit.casefold() in COUNT_UNITS:
        return ""
    return "\u00a0%" if unit == "%" else f" {unit}"


def measured(value: str | None, unit: str = "") -> str:
    return NO_VALUE if value is None else f"{fr_number(value)}{unit_suffix(unit)}"


def png_size_cm(png: bytes) -> tuple[float, float]:
    """Return the width and height of a PNG in cm at the charts' resolution."""
    width, height = struct.unpack(">II", png[16:24])
    return width / charts.DPI * 2.54, height / charts.DPI * 2.54


def chart(png: bytes, alt: str, caption: str, *, max_width_cm: float = CHART_WIDTH_CM) -> Chart:
    """Return a Chart block of the image's own proportions, no wider than `max_width_cm`."""
    width, height = png_size_cm(png)
    if width > max_width_cm:
        height, width = height * max_width_cm / width, max_width_cm
    return Chart(
        png=png, width_cm=round(width, 2), height_cm=round(height, 2), alt=alt, caption=caption
    )


# --- The document ---------------------------------------------------------------------------------


def build_blocks(content: dict) -> list[Block]:
    """Return the blocks of a bilan, from its content (see bilans.content.build_bilan)."""
    blocks: list[Block] = [_cover(content)]
    blocks += _synthesis(content)
    blocks += _progress(content)
    if content.get("comparison"):
        blocks += _comparison(content)
    blocks += _highlights(content)
    blocks += _actions(content)
    blocks += _indicators(content)
    blocks += _decisions(content)
    blocks += _facilities(content)
    blocks += _petite_enfance(content)
    blocks += _budget(content)
    blocks += _annexes(content)
    return blocks


def period_covered(content: dict) -> str:
    """Return the period the bilan reports on: "année 2026" or "2023 – 2026"."""
    first, year = content["first_year"], content["year"]
    return f"année {year}" if first == year else f"{first} {DASH} {year}"


def state_date(content: dict) -> str:
    """Return the date the figures stand at: the generation date, at the latest the year's end."""
    generated = (content.get("generated_at") or content["as_of"])[:10]
    return min(generated, content["as_of"])


def _cover(content: dict) -> Cover:
    convention = content["convention"]
    territory = [convention["epci"]] if convention["epci"] else []
    territory.append(plural(convention["commune_count"], "commune"))
    if convention["population"]:
        territory.append(plural(convention["population"], "habitant"))
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


# --- 2. Synthèse ----------------------------------------------------------------------------------


def key_figures(totals: dict) -> KeyFigures:
    return KeyFigures(
        (
            (count(totals["actions"]), "actions suivies"),
            (percent(totals["mean_progress"]), "avancement moyen"),
            (count(totals["done"]), "réalisées"),
            (count(totals["late"]), "en retard"),
            (count(totals["statuses"].get(NEVER_UPDATED, 0)), "sans point de suivi"),
        )
    )


def status_alt(totals: dict, labels: dict[str, str]) -> str:
    parts = [
        f"{labels[status]} : {count(totals['statuses'][status])}"
        for status in STATUS_ORDER
        if totals["statuses"].get(status)
    ]
    return f"Répartition des {count(totals['actions'])} actions par statut : {' ; '.join(parts)}."


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


def _synthesis(content: dict) -> list[Block]:
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
            f"{count(totals['updated'])} avec au moins un point de suivi ; état au "
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
                f"{count(comparison['done_before'] or 0)} → "
                f"{count(comparison['done_after'] or 0)}.",
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
                        count(axis["actions"]),
                        percent(axis["mean_progress"]),
                        count(axis["done"]),
                        count(axis["late"]),
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


# --- 3. Avancement par axe et par thématique ------------------------------------------------------


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
                count(group["actions"]),
                count(group["updated"]),
                percent(group["mean_progress"]),
                count(group["statuses"].get("en_cours", 0)),
                count(group["done"]),
                count(group["statuses"].get("bloquee", 0) + group["statuses"].get("reportee", 0)),
                count(group["late"]),
            )
            for group in groups
        ),
        widths=(5, 1.1, 1.1, 1.4, 1.1, 1.2, 1.4, 1.1),
        numeric=frozenset(range(1, 8)),
        caption=caption,
    )


def _progress(content: dict) -> list[Block]:
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


# --- 4. Ce qui a changé depuis le bilan précédent -------------------------------------------------


def _comparison(content: dict) -> list[Block]:
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
                    f"{count(comparison['done_before'] or 0)} → "
                    f"{count(comparison['done_after'] or 0)}",
                    "actions réalisées",
                ),
                (count(len(comparison["status_changes"])), "changements de statut"),
                (count(len(comparison["progressed"])), "avancements sans changement de statut"),
            )
        )
    )
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
    blocks.append(Heading("Indicateurs", 2))
    if comparison["indicator_changes"]:
        blocks.append(
            Table(
                headers=("Indicateur", "Valeur précédente", "Nouvelle valeur"),
                rows=tuple(
                    (
                        change["name"],
                        _dated(change["before"], change["unit"], change["before_period"]),
                        _dated(change["after"], change["unit"], change["after_period"]),
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


def _dated(value: str | None, unit: str, period: str) -> str:
    if value is None:
        return "Pas de mesure"
    return f"{measured(value, unit)} ({period})" if period else measured(value, unit)


# --- 5. Faits marquants et difficultés ------------------------------------------------------------


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


def _highlights(content: dict) -> list[Block]:
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


# --- 6. Tableau des actions -----------------------------------------------------------------------


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


def _actions(content: dict) -> list[Block]:
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


# --- 7. Indicateurs -------------------------------------------------------------------------------


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
    written = f"{sign}{fr_number(abs(gap))}{unit_suffix(indicator['unit'])}"
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


def _indicators(content: dict) -> list[Block]:
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
                (count(len(indicators)), "indicateurs"),
                (count(measured_count), "mesurés"),
                (count(off), "sous la cible"),
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
                    _dated(indicator["latest"], indicator["unit"], indicator["latest_period"]),
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
                f" {fr_number(left_out)} autres indicateurs mesurés ou dotés de cibles ne sont pas"
                " représentés en graphique ; leurs valeurs figurent dans le tableau."
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


# --- 8. Décisions des instances -------------------------------------------------------------------


def _decisions(content: dict) -> list[Block]:
    blocks: list[Block] = [Heading("Décisions des instances", 1)]
    decisions = content["decisions"]
    if not decisions:
        blocks.append(
            Paragraph(
                "Aucune décision d’instance n’est enregistrée pour la période "
                f"({period_covered(content)})."
            )
        )
        return blocks
    rows = []
    for decision in decisions:
        text = decision["text"]
        if decision.get("postponed_to"):
            text += f" (reportée à {decision['postponed_to']})"
        rows.append(
            (
                french_date(decision["date"]),
                decision["body"],
                decision["kind"],
                decision["action"] or NO_VALUE,
                text,
            )
        )
    blocks.append(
        Table(
            headers=("Date", "Instance", "Décision", "Action", "Texte"),
            rows=tuple(rows),
            widths=(2.2, 2.4, 1.8, 4, 5.6),
            caption=f"Décisions des réunions de la période ({period_covered(content)})",
        )
    )
    return blocks


# --- 9. Équipements et couverture -----------------------------------------------------------------


def rate_text(rate: dict) -> str:
    if rate["value"] is None:
        return "Non calculé"
    prefix = "au moins " if rate["lower_bound"] else ""
    return f"{prefix}{fr_number(rate['value'])}"


def coverage_alt(coverage: dict) -> str:
    rows = sorted(
        (
            (row["name"], Decimal(row["rate"]["value"]))
            for row in coverage["communes"]
            if row["rate"]["value"] is not None
        ),
        key=lambda item: -item[1],
    )[:COVERAGE_CHART_LIMIT]
    parts = ", ".join(f"{name} : {fr_number(value)}" for name, value in rows)
    text = (
        "Taux de couverture calculé par commune (places pour 100 enfants de moins de 3 ans) : "
        f"{parts}."
    )
    published = coverage.get("published")
    if published and published.get("value"):
        text += f" Taux publié du territoire : {fr_number(published['value'])}."
    return text


def _facilities(content: dict) -> list[Block]:
    facilities = content["facilities"]
    blocks: list[Block] = [Heading("Équipements et couverture", 1)]
    blocks.append(Heading("Équipements du territoire", 2))
    if facilities["count"]:
        sentence = (
            f"{plural(facilities['count'], 'équipement en service', 'équipements en service')}"
        )
        if facilities["planned"]:
            planned = plural(facilities["planned"], "équipement en projet", "équipements en projet")
            sentence += f" et {planned}"
        blocks.append(Paragraph(f"{sentence} au registre de la CTG."))
        blocks.append(
            Table(
                headers=("Type d’équipement", "Nombre", "Capacité"),
                rows=tuple(
                    (
                        entry["label"],
                        count(entry["count"]),
                        f"{fr_number(entry['places'])} {entry['unit']}".strip()
                        if entry["places"] is not None
                        else NO_VALUE,
                    )
                    for entry in facilities["by_kind"]
                ),
                widths=(8, 2, 3),
                numeric=frozenset({1, 2}),
                caption="Équipements en service par type",
            )
        )
    elif facilities["planned"]:
        blocks.append(
            Paragraph(
                f"Aucun équipement en service n’est enregistré ; "
                f"{plural(facilities['planned'], 'équipement est', 'équipements sont')} en projet."
            )
        )
    else:
        blocks.append(Paragraph("Aucun équipement n’est enregistré."))
    blocks.append(Heading("Couverture en accueil du jeune enfant", 2))
    coverage = facilities["coverage"]
    if coverage is None:
        blocks.append(
            Paragraph(
                "La couverture n’est pas calculable : aucune commune du territoire n’est "
                "renseignée."
            )
        )
        return blocks
    figures = [(rate_text(coverage["rate"]), "taux calculé de la CTG")]
    if coverage["rate"]["value"] is not None:
        figures.append((rate_text(coverage["collective_rate"]), "dont accueil collectif"))
        figures.append((rate_text(coverage["individual_rate"]), "dont accueil individuel"))
    published, departement = coverage.get("published"), coverage.get("departement")
    figures.append(
        (fr_number(published["value"]), f"taux publié du territoire ({published['year']})")
        if published
        else (NO_VALUE, "taux publié du territoire")
    )
    if departement:
        figures.append(
            (fr_number(departement["value"]), f"taux du département ({departement['year']})")
        )
    blocks.append(KeyFigures(tuple(figures)))
    notes = ["Taux en places pour 100 enfants de moins de 3 ans."]
    if coverage["rate"]["value"] is not None:
        notes.append(
            f"{fr_number(coverage['total_places'])} places pour {fr_number(coverage['children'])} "
            f"enfants de moins de 3 ans (millésime {coverage['children_years']})."
        )
    elif coverage["rate"]["reason"]:
        notes.append(f"Taux non calculé : {coverage['rate']['reason']}.")
    if coverage["missing_capacity"]:
        notes.append(
            f"{plural(coverage['missing_capacity'], 'équipement n’a', 'équipements n’ont')} pas de "
            "capacité renseignée : le taux calculé est un minimum."
        )
    if published:
        notes.append(
            f"Taux publié : millésime {published['year']}"
            + (f", source {published['source']}." if published.get("source") else ".")
        )
    blocks.append(Paragraph(" ".join(notes), "muted"))
    if coverage["places"]:
        blocks.append(
            Table(
                headers=("Mode d’accueil", "Places"),
                rows=tuple((mode, fr_number(places)) for mode, places in coverage["places"]),
                widths=(8, 3),
                numeric=frozenset({1}),
                caption="Places d’accueil du jeune enfant par mode",
            )
        )
    png = charts.coverage_bars(coverage, width_cm=CHART_WIDTH_CM, limit=COVERAGE_CHART_LIMIT)
    if png is not None:
        caption = "Taux de couverture calculé par commune"
        rated = sum(1 for row in coverage["communes"] if row["rate"]["value"] is not None)
        if rated > COVERAGE_CHART_LIMIT:
            caption += f" (les {COVERAGE_CHART_LIMIT} plus élevés sur {rated})"
        blocks.append(chart(png, coverage_alt(coverage), caption))
    blocks.append(Heading("Communes sans équipement d’accueil du jeune enfant", 3))
    without = coverage["communes_without"]
    if without:
        blocks.append(
            Paragraph(
                f"{plural(len(without), 'commune', 'communes')} sur "
                f"{count(len(coverage['communes']))} : {', '.join(without)}."
            )
        )
    else:
        blocks.append(Paragraph("Chaque commune du territoire compte au moins un équipement."))
    return blocks


# --- 10. Volet petite enfance pour la CDSF --------------------------------------------------------


def _petite_enfance(content: dict) -> list[Block]:
    data = content["petite_enfance"]
    blocks: list[Block] = [Heading("Volet petite enfance pour la CDSF", 1)]
    blocks.append(Heading("Autorités organisatrices de l’accueil du jeune enfant", 2))
    if data["aos"]:
        blocks.append(
            Paragraph(
                f"Seuils appréciés sur la {data['basis'].lower()} ; "
                f"{plural(data['commune_count'], 'commune')} sur le territoire.",
                "muted",
            )
        )
        blocks.append(
            Table(
                headers=(
                    "Autorité organisatrice",
                    "Population",
                    "Compétences exercées",
                    "Obligations",
                ),
                rows=tuple(
                    (
                        ao["name"],
                        fr_number(ao["population"]) if ao["population"] is not None else NO_VALUE,
                        "\n".join(ao["competences"]) or NO_VALUE,
                        "\n".join(ao["obligations"]) or NO_VALUE,
                    )
                    for ao in data["aos"]
                ),
                widths=(4, 1.8, 4.2, 6),
                numeric=frozenset({1}),
                caption="Autorités organisatrices, compétences et obligations",
            )
        )
    else:
        blocks.append(
            Paragraph("Aucune autorité organisatrice n’est identifiée sur le territoire.")
        )
    blocks.append(Heading("Obligations non remplies", 2))
    if data["missing"]:
        blocks.append(Bullets(tuple(data["missing"])))
    else:
        blocks.append(Paragraph("Aucune obligation manquante n’est relevée."))
    blocks.append(Heading("Schémas pluriannuels", 2))
    if not data["schemas"]:
        blocks.append(Paragraph("Aucun schéma pluriannuel n’est enregistré."))
    for schema in data["schemas"]:
        blocks.append(Heading(f"Schéma de {schema['ao']}", 3))
        if schema["can_stand_in"]:
            sentence = (
                f"La CTG peut tenir lieu de schéma : les {count(schema['total'])} contenus "
                "attendus (article D. 214-10-1 du CASF) sont traités."
            )
        elif schema["covered"]:
            covered = plural(schema["covered"], "contenu attendu", "contenus attendus")
            verb = "est traité" if schema["covered"] == 1 else "sont traités"
            sentence = (
                f"La CTG ne peut pas encore tenir lieu de schéma : {covered} sur "
                f"{count(schema['total'])} {verb}."
            )
        else:
            sentence = (
                "La CTG ne peut pas encore tenir lieu de schéma : aucun des "
                f"{count(schema['total'])} contenus attendus n’est encore traité."
            )
        blocks.append(Paragraph(sentence))
        if schema["lines"]:
            years = [str(year) for year in schema["years"]]
            blocks.append(
                Table(
                    headers=("Mode d’accueil", "Actuel", *years),
                    rows=tuple(
                        (
                            line["mode"] + (f"\n{line['label']}" if line["label"] else ""),
                            line["current"] or NO_VALUE,
                            *(value or NO_VALUE for value in line["years"]),
                        )
                        for line in schema["lines"]
                    ),
                    widths=(5, 1.4, *(1.4,) * len(years)),
                    numeric=frozenset(range(1, 2 + len(years))),
                    caption=f"Offre d’accueil actuelle et prévue {DASH} {schema['ao']}",
                )
            )
        else:
            blocks.append(Paragraph("Le schéma ne compte encore aucune ligne d’offre."))
    blocks.append(Heading("Bonus trajectoire de développement", 2))
    bonus = data["bonus"]
    if bonus["growth"]:
        figures = [
            (fr_number(bonus["places_2023"]), "places cofinancées en 2023"),
            (fr_number(bonus["places_2027"]), "places prévues en 2027"),
            (bonus["growth"], "progression"),
            (f"+{bonus['step']} €" if bonus["step"] else "Aucun", "palier par place et par an"),
        ]
        if bonus["yearly_amount"]:
            figures.append((bonus["yearly_amount"], "montant annuel estimé"))
        blocks.append(KeyFigures(tuple(figures)))
    else:
        blocks.append(Paragraph(bonus["reason"] or "Le bonus trajectoire n’est pas calculable."))
    return blocks


# --- 11. Budget -----------------------------------------------------------------------------------


def money(value: str | None) -> str:
    return NO_VALUE if value is None else f"{fr_number(value, decimals=0)}\u00a0€"


def _budget(content: dict) -> list[Block]:
    budget = content["budget"]
    blocks: list[Block] = [Heading("Budget", 1)]
    if budget["total"] is None:
        blocks.append(Paragraph("Aucun budget n’est renseigné dans le plan d’actions."))
        return blocks
    blocks.append(KeyFigures(((money(budget["total"]), "budget total du plan d’actions"),)))
    blocks.append(Heading("Par financeur", 2))
    blocks.append(
        Table(
            headers=("Financeur", "Montant"),
            rows=tuple((funder, money(amount)) for funder, amount in budget["by_funder"]),
            widths=(8, 3),
            numeric=frozenset({1}),
            caption="Budget par financeur",
        )
    )
    blocks.append(Heading("Par année", 2))
    blocks.append(
        Table(
            headers=("Année", "Montant"),
            rows=tuple((year, money(amount)) for year, amount in budget["by_year"]),
            widths=(8, 3),
            numeric=frozenset({1}),
            caption="Budget par année",
        )
    )
    return blocks


# --- 12. Annexes ----------------------------------------------------------------------------------


def _annexes(content: dict) -> list[Block]:
    convention = content["convention"]
    blocks: list[Block] = [Heading("Annexes", 1)]
    blocks.append(Heading("Signataires de la convention", 2))
    if convention["signatories"]:
        blocks.append(
            Table(
                headers=("Organisation", "Rôle"),
                rows=tuple(
                    (signatory["organisation"], signatory["role"] or NO_VALUE)
                    for signatory in convention["signatories"]
                ),
                widths=(8, 5),
                caption="Signataires",
            )
        )
    else:
        blocks.append(Paragraph("Aucun signataire n’est enregistré."))
    blocks.append(Heading("Avenants", 2))
    if convention["amendments"]:
        blocks.append(
            Table(
                headers=("N°", "Date", "Objet"),
                rows=tuple(
                    (str(amendment["number"]), french_date(amendment["date"]), amendment["subject"])
                    for amendment in convention["amendments"]
                ),
                widths=(1.2, 3, 9),
                caption="Avenants à la convention",
            )
        )
    else:
        blocks.append(Paragraph("Aucun avenant n’a été signé."))
    blocks.append(Heading("Niveaux du plan d’actions", 2))
    if convention["levels"]:
        blocks.append(
            Bullets(tuple(f"{index}. {name}" for index, name in enumerate(convention["levels"], 1)))
        )
    else:
        blocks.append(Paragraph("Le plan d’actions n’a pas de niveaux définis."))
    blocks.append(Heading("Notes de méthode", 2))
    blocks.append(Bullets(METHOD_NOTES))
    blocks.append(Heading("Sources et millésimes", 2))
    sources = [
        f"Plan d’actions, points de suivi et mesures des indicateurs saisis dans Pilote CTG, "
        f"jusqu’au 4e trimestre {content['year']} ; document produit le "
        f"{french_date(content['generated_at'])}.",
        f"Territoire : {plural(convention['commune_count'], 'commune')} ; population totale des "
        "communes (à défaut, population municipale) des populations légales de l’Insee.",
    ]
    coverage = content["facilities"]["coverage"]
    if coverage:
        if coverage["children_years"]:
            sources.append(f"Enfants de moins de 3 ans : millésime {coverage['children_years']}.")
        if coverage.get("published"):
            published = coverage["published"]
            sources.append(
                f"Taux de couverture publié du territoire : {published.get('source') or 'Caf'}, "
                f"millésime {published['year']}."
            )
        if coverage.get("departement"):
            departement = coverage["departement"]
            sources.append(
                f"Taux de couverture du département : {departement.get('source') or 'Caf'}, "
                f"millésime {departement['year']}."
            )
    sources.append("Équipements : registre des équipements de la CTG.")
    blocks.append(Bullets(tuple(sources)))
    return blocks
