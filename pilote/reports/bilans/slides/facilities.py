"""The slides of the facilities, the coverage and petite enfance."""

from __future__ import annotations

from pilote.core.formats import french_number, plural

from .deck import (
    BLUE,
    BODY_BOTTOM,
    BODY_TOP,
    BULLET_INDENT,
    CELL_X,
    CONTENT_W,
    MARGIN,
    MUTED,
    RED,
    TABLE_PT,
    TEXT_INSET,
    Column,
    Deck,
    Para,
    Row,
    paragraph,
    row_height,
    shorten,
    text_height,
)


def _rate_text(rate: dict) -> str:
    """Return a rate in places per 100 children ("10,3"): a coverage rate is not a percentage."""
    if rate["value"] is None:
        return "non calculable"
    return french_number(rate["value"], decimals=1)


def _published_line(label: str, figure: dict) -> str:
    value = french_number(figure["value"], decimals=1)
    source = f", source {figure['source']}" if figure.get("source") else ""
    return f"{label} : {value} places pour 100 enfants (millésime {figure['year']}{source})"


def _coverage_paras(coverage: dict | None) -> list[Para]:
    paras = [paragraph("Couverture petite enfance", 16, colour=BLUE, bold=True)]
    if not coverage:
        text = "Le taux de couverture n'est pas calculable : aucune donnée de commune."
        return [*paras, paragraph(text, 13, before=6)]
    lines = []
    # The published rate leads: it is the reference; the register's count comes second.
    for label, figure in (("Taux publié", "published"), ("Taux du département", "departement")):
        if coverage[figure]:
            lines.append(_published_line(label, coverage[figure]))
    collective = _rate_text(coverage["collective_rate"])
    individual = _rate_text(coverage["individual_rate"])
    computed = (
        f"Places comptées au registre : {_rate_text(coverage['rate'])} pour 100 enfants "
        f"(collectif {collective}, individuel {individual})"
    )
    if coverage["rate"]["lower_bound"]:
        computed += " – estimation incomplète"
    lines.append(computed)
    if coverage["children"]:
        children = french_number(coverage["children"])
        lines.append(f"Enfants de moins de 3 ans : {children} ({coverage['children_years']})")
    if coverage["places"]:
        places = ", ".join(f"{mode} {french_number(value)}" for mode, value in coverage["places"])
        lines.append(f"Places : {places}")
    without = coverage["communes_without"]
    lines.append(
        f"{plural(len(without), 'commune', 'communes')} sur {len(coverage['communes'])} sans "
        "équipement d'accueil du jeune enfant (liste dans les notes)"
        if without
        else "Toutes les communes ont au moins un équipement d'accueil du jeune enfant."
    )
    paras += [paragraph(line, 13, before=5) for line in lines]
    if coverage["missing_capacity"]:
        count = plural(coverage["missing_capacity"], "équipement", "équipements")
        text = (
            f"{count} sans capacité renseignée, non comptés : le taux réel est plus élevé que "
            "les places comptées au registre (capacités à compléter dans le registre)."
        )
        paras.append(paragraph(text, 12, colour=MUTED, before=8))
    return paras


def facilities_slides(deck: Deck, content: dict) -> None:
    facilities = content["facilities"]
    coverage = facilities["coverage"]
    subtitle = "Registre des équipements et services du territoire"
    slide = deck.slide("Équipements et couverture", subtitle=subtitle)
    published = coverage.get("published") if coverage else None
    rate = (
        (
            french_number(published["value"], decimals=1),
            f"taux de couverture publié ({published['year']})",
        )
        if published
        else ("–", "taux de couverture publié")
    )
    figures = [
        (french_number(facilities["count"]), "équipements en fonctionnement", BLUE),
        (french_number(facilities["planned"]), "en projet", BLUE),
        (french_number(coverage["total_places"]) if coverage else "–", "places au registre", BLUE),
        (*rate, BLUE),
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
                french_number(kind["count"]),
                f"{french_number(kind['places'])} {kind['unit']}" if kind["places"] else "–",
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
        rows = [*rows[:kept], Row([others, french_number(sum(k["count"] for k in rest)), ""])]
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
            + (f" ({french_number(kind['places'])} {kind['unit']})" if kind["places"] else "")
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


def petite_enfance_slides(deck: Deck, content: dict) -> None:
    """Add the petite-enfance slides: organising authorities, then schémas and bonus."""
    data = content["petite_enfance"]
    _authorities_slides(deck, data)
    _schemas_slides(deck, data)


def _authorities_slides(deck: Deck, data: dict) -> None:
    inner = [column.width - 2 * CELL_X for column in AO_COLUMNS]
    rows = [
        Row(
            [
                shorten(ao["name"], inner[0], TABLE_PT, 2),
                french_number(ao["population"]),
                shorten(", ".join(ao["competences"]) or "–", inner[2], TABLE_PT, 3),
                shorten(" ; ".join(ao["obligations"]) or "–", inner[3], TABLE_PT, 3),
            ],
            note=f"{ao['name']} ({french_number(ao['population'])} hab.) : "
            f"{', '.join(ao['competences'])} ; {' ; '.join(ao['obligations'])}",
        )
        for ao in data["aos"]
    ]
    missing = data["missing"]

    def intro(slide) -> float:
        count = plural(len(data["aos"]), "autorité organisatrice", "autorités organisatrices")
        communes = plural(data["commune_count"], "commune", "communes")
        paras = [
            paragraph(f"{count} sur {communes} · population retenue : {data['basis'].lower()}")
        ]
        if missing:
            count = plural(len(missing), "obligation non remplie", "obligations non remplies")
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


def _schemas_slides(deck: Deck, data: dict) -> None:
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
            f"Bonus trajectoire : {french_number(bonus['places_2023'])} places en 2023, "
            f"{french_number(bonus['places_2027'])} prévues en 2027 ({bonus['growth']}), palier "
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
