"""The last slides: decisions of the bodies and outlook."""

from __future__ import annotations

from pilote.core.formats import french_date

from .deck import (
    BLUE,
    BODY_BOTTOM,
    CELL_X,
    CONTENT_W,
    MARGIN,
    MUTED,
    PLAIN_TOP,
    RED,
    TABLE_PT,
    TEXT_INSET,
    Column,
    Deck,
    Para,
    Row,
    Run,
    fit_paragraphs,
    paragraph,
    shorten,
    text_height,
)

DECISION_COLUMNS = [
    Column("Date", 1.55),
    Column("Instance", 2.2),
    Column("Type", 1.5),
    Column("Action concernée", 3.0),
    Column("Décision", 4.08),
]


def decisions_slide(deck: Deck, content: dict) -> None:
    decisions = content["decisions"]
    if not decisions:
        return
    inner = [column.width - 2 * CELL_X for column in DECISION_COLUMNS]
    rows = []
    for decision in decisions:
        text = decision["text"]
        if decision.get("postponed_to"):
            # A bilan frozen before the quarter existed has the year only.
            text += f" (reportée à {decision.get('postponed_label') or decision['postponed_to']})"
        date = french_date(decision["date"])
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


def outlook_slide(deck: Deck, content: dict) -> None:
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
