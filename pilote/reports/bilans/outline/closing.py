"""The end of a bilan: decisions of the bodies, budgets, annexes."""

from __future__ import annotations

from pilote.core.formats import french_date, french_euros, plural

from ..blocks import (
    Block,
    Bullets,
    Heading,
    KeyFigures,
    Paragraph,
    Table,
)
from .common import METHOD_NOTES, NO_VALUE
from .summary import period_covered


def decisions_section(content: dict) -> list[Block]:
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
            # A bilan frozen before the quarter existed has the year only.
            text += f" (reportée à {decision.get('postponed_label') or decision['postponed_to']})"
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


def money(value: str | None) -> str:
    return french_euros(value, decimals=0, empty=NO_VALUE)


def budget_section(content: dict) -> list[Block]:
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


def annexes_section(content: dict) -> list[Block]:
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
        f"Territoire : {plural(convention['commune_count'], 'commune')} ; "
        + (
            f"{convention['population_source']} des communes (populations légales de l’Insee)."
            if convention.get("population_source")
            else "populations légales de l’Insee."
        ),
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
