"""Facilities and petite enfance in a bilan: register, coverage, schéma, obligations."""

from __future__ import annotations

from decimal import Decimal

from pilote.core.formats import french_euros, french_number, plural

from .. import charts
from ..blocks import (
    Block,
    Bullets,
    Heading,
    KeyFigures,
    Paragraph,
    Table,
)
from .common import CHART_WIDTH_CM, COVERAGE_CHART_LIMIT, DASH, NO_VALUE, chart


def rate_text(rate: dict) -> str:
    """Return a rate in places per 100 children ("10,3"), or "Non calculé"."""
    if rate["value"] is None:
        return "Non calculé"
    return french_number(rate["value"], decimals=1)


def coverage_alt(coverage: dict) -> str:
    rows = sorted(
        (
            (row["name"], Decimal(row["rate"]["value"]))
            for row in coverage["communes"]
            if row["rate"]["value"] is not None
        ),
        key=lambda item: -item[1],
    )[:COVERAGE_CHART_LIMIT]
    parts = ", ".join(f"{name} : {french_number(value)}" for name, value in rows)
    text = (
        "Taux de couverture calculé par commune (places pour 100 enfants de moins de 3 ans) : "
        f"{parts}."
    )
    published = coverage.get("published")
    if published and published.get("value"):
        text += f" Taux publié du territoire : {french_number(published['value'])}."
    return text


def facilities_section(content: dict) -> list[Block]:
    facilities = content["facilities"]
    blocks: list[Block] = [Heading("Équipements et couverture", 1)]
    blocks += _register(facilities)
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
    blocks.append(KeyFigures(_coverage_figures(coverage)))
    blocks.append(Paragraph(" ".join(_coverage_notes(coverage)), "muted"))
    blocks += _coverage_details(coverage)
    return blocks


def _register(facilities: dict) -> list[Block]:
    """Return the facilities of the register counted by kind."""
    blocks: list[Block] = [Heading("Équipements du territoire", 2)]
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
                        french_number(entry["count"]),
                        f"{french_number(entry['places'])} {entry['unit']}".strip()
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
    return blocks


def _coverage_figures(coverage: dict) -> tuple:
    """Return the published rate first (the reference), then the places of the register."""
    published, departement = coverage.get("published"), coverage.get("departement")
    figures = [
        (french_number(published["value"]), f"taux publié du territoire ({published['year']})")
        if published
        else (NO_VALUE, "taux publié du territoire")
    ]
    if departement:
        figures.append(
            (french_number(departement["value"]), f"taux du département ({departement['year']})")
        )
    incomplete = " (incomplet)" if coverage["rate"]["lower_bound"] else ""
    figures.append((rate_text(coverage["rate"]), f"places comptées au registre{incomplete}"))
    if coverage["rate"]["value"] is not None:
        figures.append((rate_text(coverage["collective_rate"]), "dont accueil collectif"))
        figures.append((rate_text(coverage["individual_rate"]), "dont accueil individuel"))
    return tuple(figures)


def _coverage_notes(coverage: dict) -> list[str]:
    published = coverage.get("published")
    notes = ["Taux en places pour 100 enfants de moins de 3 ans."]
    if coverage["rate"]["value"] is not None:
        notes.append(
            f"{french_number(coverage['total_places'])} places pour "
            f"{french_number(coverage['children'])} enfants de moins de 3 ans "
            f"(millésime {coverage['children_years']})."
        )
    elif coverage["rate"]["reason"]:
        notes.append(f"Taux non calculé : {coverage['rate']['reason']}.")
    if coverage["missing_capacity"]:
        notes.append(
            f"{plural(coverage['missing_capacity'], 'équipement n’a', 'équipements n’ont')} pas de "
            "capacité renseignée : non comptés, ils manquent aux places du registre, dont le "
            "taux est une estimation incomplète (le taux réel est plus élevé) ; le taux publié "
            "fait référence."
        )
    if published:
        notes.append(
            f"Taux publié : millésime {published['year']}"
            + (f", source {published['source']}." if published.get("source") else ".")
        )
    return notes


def _coverage_details(coverage: dict) -> list[Block]:
    """Return the places by mode, the chart by commune and the communes without a facility."""
    blocks: list[Block] = []
    if coverage["places"]:
        blocks.append(
            Table(
                headers=("Mode d’accueil", "Places"),
                rows=tuple((mode, french_number(places)) for mode, places in coverage["places"]),
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
                f"{french_number(len(coverage['communes']))} : {', '.join(without)}."
            )
        )
    else:
        blocks.append(Paragraph("Chaque commune du territoire compte au moins un équipement."))
    return blocks


def petite_enfance_section(content: dict) -> list[Block]:
    data = content["petite_enfance"]
    blocks: list[Block] = [Heading("Volet petite enfance pour la CDSF", 1)]
    blocks += _authorities(data)
    blocks.append(Heading("Obligations non remplies", 2))
    if data["missing"]:
        blocks.append(Bullets(tuple(data["missing"])))
    else:
        blocks.append(Paragraph("Aucune obligation manquante n’est relevée."))
    blocks.append(Heading("Schémas pluriannuels", 2))
    if not data["schemas"]:
        blocks.append(Paragraph("Aucun schéma pluriannuel n’est enregistré."))
    for schema in data["schemas"]:
        blocks += _schema(schema)
    blocks += _bonus(data["bonus"])
    return blocks


def _authorities(data: dict) -> list[Block]:
    blocks: list[Block] = [Heading("Autorités organisatrices de l’accueil du jeune enfant", 2)]
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
                        french_number(ao["population"])
                        if ao["population"] is not None
                        else NO_VALUE,
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
    return blocks


def _schema(schema: dict) -> list[Block]:
    """Return whether the CTG can stand in for the schéma, and its lines of offer."""
    blocks: list[Block] = [Heading(f"Schéma de {schema['ao']}", 3)]
    if schema["can_stand_in"]:
        sentence = (
            f"La CTG peut tenir lieu de schéma : les {french_number(schema['total'])} contenus "
            "attendus (article D. 214-10-1 du CASF) sont traités."
        )
    elif schema["covered"]:
        covered = plural(schema["covered"], "contenu attendu", "contenus attendus")
        verb = "est traité" if schema["covered"] == 1 else "sont traités"
        sentence = (
            f"La CTG ne peut pas encore tenir lieu de schéma : {covered} sur "
            f"{french_number(schema['total'])} {verb}."
        )
    else:
        sentence = (
            "La CTG ne peut pas encore tenir lieu de schéma : aucun des "
            f"{french_number(schema['total'])} contenus attendus n’est encore traité."
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
    return blocks


def _bonus(bonus: dict) -> list[Block]:
    blocks: list[Block] = [Heading("Bonus trajectoire de développement", 2)]
    if bonus["growth"]:
        figures = [
            (french_number(bonus["places_2023"]), "places cofinancées en 2023"),
            (french_number(bonus["places_2027"]), "places prévues en 2027"),
            (bonus["growth"], "progression"),
            (
                f"+{french_euros(bonus['step'])}" if bonus["step"] else "Aucun",
                "palier par place et par an",
            ),
        ]
        if bonus["yearly_amount"]:
            figures.append((bonus["yearly_amount"], "montant annuel estimé"))
        blocks.append(KeyFigures(tuple(figures)))
    else:
        blocks.append(Paragraph(bonus["reason"] or "Le bonus trajectoire n’est pas calculable."))
    return blocks
