"""Write the corpus of plans the importer is measured on, with their gold trees.

    .venv/bin/python tests/data/plans/build_corpus.py

Each document is a CTG action plan written in one of the layouts real plans take (Word heading
styles, bold and typed numbers, Word automatic numbering, tables, one fiche per page, PDF with
running headers, text, Markdown), often inside the convention's own text (articles, diagnostic,
signatures, annexes). Next to each document, <name>.gold.json holds the tree a reviewer expects:
{"layout", "convention": {"level_names"}, "plan": [{"kind", "number", "title", "children"}]}.
The documents were written for realism first, then measured (bench/import_accuracy.py); they
are seeded, so running this again writes the same files.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus_content import (  # noqa: E402
    ANNEXES,
    CONVENTION_ARTICLES,
    FINDINGS,
    SIGNATURES,
    Level,
    Node,
    Titles,
    build_tree,
)
from writers import DocxOut, PdfOut, TextOut  # noqa: E402

TERRITORIES = [
    "Communauté de communes du Val de Durance",
    "Communauté d'agglomération Cœur de Savoie",
    "Communauté de communes des Monts du Lyonnais",
    "Ville de Saint-Dizier",
    "Communauté de communes Terres de Lorraine",
    "Communauté de communes du Pays de Mormal",
]


def walk(nodes: list[Node]):
    for node in nodes:
        yield node
        yield from node.walk()


def fiche_fields(out, node: Node, *, fields=("Pilote", "Partenaires", "Calendrier")) -> None:
    values = {
        "Pilote": ", ".join(node.pilots),
        "Pilotes": ", ".join(node.pilots),
        "Partenaires": ", ".join(node.partners),
        "Calendrier": node.period,
        "Échéance": node.period,
        "Indicateurs": " ; ".join(node.indicators),
    }
    for name in fields:
        out.field(name, values[name])


def intro(out, territory: str, years: str, rng: random.Random) -> None:
    out.para(f"Convention territoriale globale {years}", bold=True)
    out.para(territory)
    out.para(
        "Le présent document présente le plan d'actions élaboré avec les partenaires à partir "
        "du diagnostic partagé. Il a été validé par le comité de pilotage."
    )


def articles(out, *, count: int = 4, style: str = "heading") -> None:
    for number, (title, text) in enumerate(CONVENTION_ARTICLES[:count], 1):
        line = f"Article {number} – {title}"
        if style == "heading":
            out.heading(2, line)
        else:
            out.para(line, bold=True)
        out.para(text)


def diagnostic(out, *, heading: bool = True) -> None:
    if heading:
        out.heading(1, "Diagnostic partagé : les principaux constats")
    else:
        out.para("LES PRINCIPAUX CONSTATS DU DIAGNOSTIC", bold=True)
    for number, finding in enumerate(FINDINGS, 1):
        out.para(f"{number}. {finding}")
        out.para(
            "Ce constat ressort des données de la Caf et de l'Insee ainsi que des entretiens "
            "menés avec les acteurs du territoire."
        )


def signatures(out) -> None:
    for line in SIGNATURES:
        out.para(line)


def annex_list(out) -> None:
    out.para("Liste des annexes :", bold=True)
    for line in ANNEXES:
        out.para(line)


def gold(layout: str, levels: list[str], roots: list[Node]) -> dict:
    return {
        "layout": layout,
        "convention": {"level_names": levels},
        "plan": [root.gold() for root in roots],
    }


# ---------------------------------------------------------------------------- layouts


def docx_heading_styles(rng):
    """Heading 1 "Axe 1 – …", Heading 2 "1.1 …", Heading 3 "Fiche action n°N : …"."""
    levels = [
        Level("Axe", (3, 4), "path", "axe"),
        Level("Niveau 2", (2, 3), "path", "objective"),
        Level("Fiche action", (2, 3), "continuous"),
    ]
    roots = build_tree(levels, rng)
    out = DocxOut()
    intro(out, TERRITORIES[0], "2025-2029", rng)
    out.heading(1, "Le plan d'actions")
    for axe in roots:
        out.heading(1, f"Axe {axe.number} – {axe.title}")
        out.para("Cet axe répond aux enjeux identifiés lors du diagnostic partagé.")
        for objective in axe.children:
            out.heading(2, f"{objective.number} {objective.title}")
            for fiche in objective.children:
                out.heading(3, f"Fiche action n°{fiche.number} : {fiche.title}")
                out.para(fiche.description)
                fiche_fields(out, fiche)
    return (
        "docx",
        out.bytes(),
        gold("Word : styles de titre 1/2/3", ["Axe", "Niveau 2", "Fiche action"], roots),
    )


def docx_caf_bold_fiches(rng):
    """Heading 2 "Axe 1 – …", Heading 3 "1.1 …", bold "Fiche action n°1 : …" + fields."""
    levels = [
        Level("Axe", (4, 4), "path", "axe"),
        Level("Niveau 2", (2, 2), "path", "objective"),
        Level("Fiche action", (2, 3), "continuous"),
    ]
    roots = build_tree(levels, rng)
    out = DocxOut()
    intro(out, TERRITORIES[1], "2024-2028", rng)
    out.heading(1, "Plan d'actions de la CTG")
    for axe in roots:
        out.heading(2, f"Axe {axe.number} – {axe.title}")
        out.para(
            "Les partenaires ont souhaité faire de cet axe une priorité : les actions qui suivent "
            "en précisent la mise en œuvre."
        )
        for orientation in axe.children:
            out.heading(3, f"{orientation.number} {orientation.title}")
            for fiche in orientation.children:
                out.para(f"Fiche action n°{fiche.number} : {fiche.title}", bold=True)
                fiche_fields(out, fiche)
                out.para(fiche.description)
    return (
        "docx",
        out.bytes(),
        gold("Word Caf : titres 2/3 et fiches en gras", ["Axe", "Niveau 2", "Fiche action"], roots),
    )


def docx_bold_typed(rng):
    """No styles: "I. PETITE ENFANCE" in bold capitals, "A. …" bold, "1. …" plain."""
    levels = [
        Level("Niveau 1", (3, 3), "roman", "axe"),
        Level("Niveau 2", (2, 3), "upper", "objective"),
        Level("Niveau 3", (2, 3), "restart"),
    ]
    roots = build_tree(levels, rng)
    out = DocxOut()
    intro(out, TERRITORIES[2], "2023-2026", rng)
    articles(out, count=3, style="bold")
    out.para("PLAN D'ACTIONS", bold=True)
    for axe in roots:
        out.para(f"{axe.number}. {axe.title}", bold=True, caps=True)
        for objective in axe.children:
            out.para(f"{objective.number}. {objective.title}", bold=True)
            for action in objective.children:
                out.para(f"{action.number}. {action.title}")
                out.para(f"Porteur : {action.pilots[0]} – échéance {action.period}")
    signatures(out)
    return (
        "docx",
        out.bytes(),
        gold(
            "Word sans styles : gras, capitales, I. / A. / 1.",
            ["Niveau 1", "Niveau 2", "Niveau 3"],
            roots,
        ),
    )


def docx_autonum_headings(rng):
    """Heading 1/2/3 numbered by Word's automatic multilevel list (numbering.xml only)."""
    levels = [
        Level("Niveau 1", (3, 3), "path", "axe"),
        Level("Niveau 2", (2, 3), "path", "objective"),
        Level("Niveau 3", (2, 3), "path"),
    ]
    roots = build_tree(levels, rng)
    out = DocxOut()
    out.define_list("plan", [("decimal", "%1."), ("decimal", "%1.%2."), ("decimal", "%1.%2.%3.")])
    intro(out, TERRITORIES[3], "2025-2029", rng)
    for axe in roots:
        out.heading(1, axe.title, num=("plan", 0))
        for objective in axe.children:
            out.heading(2, objective.title, num=("plan", 1))
            for action in objective.children:
                out.heading(3, action.title, num=("plan", 2))
                out.para(action.description)
                fiche_fields(out, action, fields=("Pilotes", "Échéance"))
    return (
        "docx",
        out.bytes(),
        gold(
            "Word : numérotation automatique des titres",
            ["Niveau 1", "Niveau 2", "Niveau 3"],
            roots,
        ),
    )


def docx_autonum_list(rng):
    """Plain paragraphs in a multilevel list "I." / "A." / "1)": no heading style at all."""
    levels = [
        Level("Niveau 1", (3, 4), "roman", "axe"),
        Level("Niveau 2", (2, 3), "upper", "objective"),
        Level("Niveau 3", (1, 3), "restart"),
    ]
    roots = build_tree(levels, rng)
    out = DocxOut()
    out.define_list("plan", [("upperRoman", "%1."), ("upperLetter", "%2."), ("decimal", "%3)")])
    intro(out, TERRITORIES[4], "2025-2028", rng)
    out.para("Les orientations et les actions", bold=True)
    for axe in roots:
        out.para(axe.title, bold=True, num=("plan", 0), style="List Paragraph")
        for objective in axe.children:
            out.para(objective.title, bold=True, num=("plan", 1), style="List Paragraph")
            for action in objective.children:
                out.para(action.title, num=("plan", 2), style="List Paragraph")
    return (
        "docx",
        out.bytes(),
        gold(
            "Word : liste numérotée automatique I. / A. / 1)",
            ["Niveau 1", "Niveau 2", "Niveau 3"],
            roots,
        ),
    )


def _fiche_table_rows(roots, *, axis_label: str, with_objectives: bool) -> list[list[str]]:
    header = ["Axe stratégique", "Objectif", "N°", "Fiche action", "Pilote", "Calendrier"]
    if not with_objectives:
        header = [h for h in header if h != "Objectif"]
    rows = [header]
    for axe in roots:
        for objective in axe.children:
            fiches = objective.children if with_objectives else [objective]
            for fiche in fiches:
                row = [f"{axis_label} {axe.number} – {axe.title}"]
                if with_objectives:
                    row.append(f"{objective.number} {objective.title}")
                row += [fiche.number, fiche.title, ", ".join(fiche.pilots), fiche.period]
                rows.append(row)
    return rows


def docx_table_merged(rng):
    """One table row per fiche; the axe and objective cells vertically merged."""
    levels = [
        Level("Axe stratégique", (3, 4), "path", "axe"),
        Level("Objectif", (2, 3), "path", "objective"),
        Level("Fiche action", (2, 3), "continuous"),
    ]
    roots = build_tree(levels, rng)
    out = DocxOut()
    intro(out, TERRITORIES[5], "2026-2030", rng)
    out.heading(1, "Tableau de synthèse du plan d'actions")
    rows = _fiche_table_rows(roots, axis_label="Axe", with_objectives=True)
    out.table(rows, merge=(0, 1))
    gold_roots = roots
    return (
        "docx",
        out.bytes(),
        gold(
            "Word : tableau, cellules d'axe fusionnées",
            ["Axe stratégique", "Objectif", "Fiche action"],
            gold_roots,
        ),
    )


def docx_table_repeated(rng):
    """One table row per action; the axe repeated on every row; no objective level."""
    levels = [
        Level("Axe", (4, 5), "restart", "axe"),
        Level("Action", (3, 5), "continuous"),
    ]
    roots = build_tree(levels, rng)
    out = DocxOut()
    intro(out, TERRITORIES[0], "2024-2027", rng)
    diagnostic(out)
    out.heading(1, "Le plan d'actions")
    rows = [["Axe", "N°", "Action", "Pilote", "Partenaires", "Échéance"]]
    for axe in roots:
        for action in axe.children:
            rows.append(
                [
                    f"Axe {axe.number} : {axe.title}",
                    action.number,
                    action.title,
                    ", ".join(action.pilots),
                    ", ".join(action.partners),
                    action.period,
                ]
            )
    out.table(rows)
    return (
        "docx",
        out.bytes(),
        gold("Word : tableau, axe répété sur chaque ligne", ["Axe", "Action"], roots),
    )


def docx_fiche_blocks(rng, *, glued_toc: bool = False):
    """A table of contents, a summary table, then one "FICHE ACTION N°" block per page."""
    levels = [
        Level("Axe", (3, 4), "restart", "axe"),
        Level("Fiche action", (2, 3), "continuous"),
    ]
    roots = build_tree(levels, rng)
    out = DocxOut()
    intro(out, TERRITORIES[2], "2025-2029", rng)
    out.para("SOMMAIRE", bold=True)
    page = 4
    for axe in roots:
        for fiche in axe.children:
            if glued_toc:
                out.para(f"Fiche action n°{fiche.number} – {fiche.title} {page}")
            else:
                out.para(f"Fiche action n°{fiche.number} – {fiche.title} ........ {page}")
            page += 1
    out.page_break()
    out.heading(1, "Synthèse du plan d'actions")
    rows = [["N°", "Axe", "Intitulé de l'action", "Pilote"]]
    for axe in roots:
        for fiche in axe.children:
            rows.append([fiche.number, f"Axe {axe.number}", fiche.title, fiche.pilots[0]])
    out.table(rows)
    for axe in roots:
        for fiche in axe.children:
            out.page_break()
            out.para(f"FICHE ACTION N°{fiche.number}", bold=True)
            out.fields_table(
                [
                    ("Axe", f"Axe {axe.number} : {axe.title}"),
                    ("Intitulé", fiche.title),
                    ("Pilote", ", ".join(fiche.pilots)),
                    ("Partenaires", ", ".join(fiche.partners)),
                    ("Description", fiche.description),
                    ("Calendrier", fiche.period),
                    ("Indicateurs", " ; ".join(fiche.indicators)),
                ]
            )
    layout = "Word : sommaire, synthèse puis une fiche (tableau) par page"
    if glued_toc:
        layout += ", n° de page collés"
    return "docx", out.bytes(), gold(layout, ["Axe", "Fiche action"], roots)


def pdf_three_levels(rng):
    """PDF: "Axe 1 : …", "Objectif 1.1 : …", "Action 1.1.1 – …", headers, wrapped titles."""
    levels = [
        Level("Axe", (3, 3), "path", "axe"),
        Level("Objectif", (2, 3), "path", "objective"),
        Level("Action", (2, 3), "path"),
    ]
    roots = build_tree(levels, rng)
    for node in walk(roots):
        if node.kind == "Action" and rng.random() < 0.4:
            node.title += (
                ", en articulation avec les dispositifs portés par la Caf et le Département"
            )
    out = PdfOut(f"CTG 2025-2029 – {TERRITORIES[3]}", "Plan d'actions – version validée en COPIL")
    out.heading(1, "Plan d'actions")
    for axe in roots:
        out.heading(2, f"Axe {axe.number} : {axe.title}")
        for objective in axe.children:
            out.heading(3, f"Objectif {objective.number} : {objective.title}")
            for action in objective.children:
                out.para(f"Action {action.number} – {action.title}", bold=True)
                fiche_fields(out, action)
                out.para(action.description)
    return (
        "pdf",
        out.bytes(),
        gold(
            "PDF : en-têtes et pieds de page, titres sur deux lignes",
            ["Axe", "Objectif", "Action"],
            roots,
        ),
    )


def pdf_fiches(rng):
    """PDF: one fiche per page, "FICHE ACTION N° 3" then labelled fields."""
    levels = [
        Level("Orientation", (3, 3), "restart", "axe"),
        Level("Fiche action", (2, 3), "continuous"),
    ]
    roots = build_tree(levels, rng)
    out = PdfOut(f"Convention territoriale globale – {TERRITORIES[4]}", "Caf de la Moselle")
    out.heading(1, "Les fiches actions")
    for orientation in roots:
        for fiche in orientation.children:
            out.page_break()
            out.heading(2, f"FICHE ACTION N° {fiche.number}")
            out.field("Orientation", f"Orientation {orientation.number} – {orientation.title}")
            out.field("Intitulé", fiche.title)
            out.field("Objectifs", fiche.description)
            fiche_fields(out, fiche, fields=("Pilote", "Partenaires", "Calendrier", "Indicateurs"))
    return (
        "pdf",
        out.bytes(),
        gold("PDF : une fiche action par page", ["Orientation", "Fiche action"], roots),
    )


def pdf_roman_two_levels(rng):
    """PDF: "I – …" roman axes, "1. …" continuous actions, long titles wrapped, narrow page."""
    levels = [
        Level("Niveau 1", (4, 4), "roman", "axe"),
        Level("Niveau 2", (3, 4), "continuous"),
    ]
    roots = build_tree(levels, rng)
    out = PdfOut("Projet social de territoire 2024-2028", "Document de travail", width_cm=11)
    out.para("PLAN D'ACTIONS", bold=True)
    for axe in roots:
        out.para(f"{axe.number} – {axe.title}", bold=True)
        for action in axe.children:
            out.para(f"{action.number}. {action.title}")
            out.para(f"Pilote : {', '.join(action.pilots)}")
    return (
        "pdf",
        out.bytes(),
        gold("PDF : I – / 1., page étroite (titres coupés)", ["Niveau 1", "Niveau 2"], roots),
    )


def txt_five_levels(rng):
    """TXT: Enjeu / Axe / Orientation / Objectif / Action, all labelled."""
    levels = [
        Level("Enjeu", (2, 2), "restart", "axe"),
        Level("Axe", (2, 2), "path", "axe"),
        Level("Orientation", (1, 2), "path", "objective"),
        Level("Objectif", (1, 2), "path", "objective"),
        Level("Action", (2, 3), "continuous"),
    ]
    roots = build_tree(levels, rng)
    out = TextOut()
    out.para("PROJET SOCIAL DE TERRITOIRE – PLAN D'ACTIONS 2025-2029")
    out.blank()
    for enjeu in roots:
        out.para(f"ENJEU {enjeu.number} – {enjeu.title.upper()}")
        for axe in enjeu.children:
            out.para(f"Axe {axe.number} – {axe.title}")
            for orientation in axe.children:
                out.para(f"Orientation {orientation.number} : {orientation.title}")
                for objective in orientation.children:
                    out.para(f"Objectif {objective.number} : {objective.title}")
                    for action in objective.children:
                        out.para(f"Action {action.number} : {action.title}")
                        out.field("Pilote", ", ".join(action.pilots))
                out.blank()
    return (
        "txt",
        out.bytes(),
        gold(
            "Texte : 5 niveaux nommés", ["Enjeu", "Axe", "Orientation", "Objectif", "Action"], roots
        ),
    )


def txt_pgt_tabs(rng):
    """PGT: three thematic parts, each a tab-separated table whose numbering restarts."""
    parts = []
    titles = Titles(rng)
    for theme in ("Petite enfance", "Enfance", "Jeunesse"):
        levels = [
            Level("Axe", (2, 3), "restart", "axe"),
            Level("Objectif", (2, 2), "path", "objective"),
            Level("Fiche", (2, 3), "continuous", "action"),
        ]
        roots = build_tree(levels, rng, titles=titles, theme=theme)
        for axe in roots:  # each part draws its axes and objectives from the same list
            titles.used.difference_update({axe.title, *(o.title for o in axe.children)})
        parts.append(Node("Partie", "", theme, roots))
    out = TextOut()
    out.para("PROJET GLOBAL DE TERRITOIRE 2024-2027")
    for part in parts:
        out.blank()
        out.para(part.title.upper())
        out.blank()
        rows = [["Axe", "Objectif", "N°", "Fiche action", "Pilote", "Calendrier"]]
        for axe in part.children:
            for objective in axe.children:
                for fiche in objective.children:
                    rows.append(
                        [
                            f"Axe {axe.number} – {axe.title}",
                            f"{objective.number} {objective.title}",
                            fiche.number,
                            fiche.title,
                            fiche.pilots[0],
                            fiche.period,
                        ]
                    )
        out.table(rows)
    return (
        "txt",
        out.bytes(),
        gold(
            "Texte PGT : parties thématiques, tableaux à tabulations",
            ["Partie", "Axe", "Objectif", "Fiche"],
            parts,
        ),
    )


def md_headings(rng):
    """Markdown: "# Axe 1", "## Objectif 1.2", "### Fiche 1.2.1" and bold field labels."""
    levels = [
        Level("Axe", (3, 3), "restart", "axe"),
        Level("Objectif", (2, 3), "path", "objective"),
        Level("Fiche", (2, 3), "path"),
    ]
    roots = build_tree(levels, rng)
    out = TextOut(markdown=True)
    out.heading(1, "CTG 2025-2029 : plan d'actions")
    for axe in roots:
        out.heading(2, f"Axe {axe.number} – {axe.title}")
        for objective in axe.children:
            out.heading(3, f"Objectif {objective.number} : {objective.title}")
            for fiche in objective.children:
                out.heading(4, f"Fiche {fiche.number} – {fiche.title}")
                fiche_fields(out, fiche)
                out.blank()
    return "md", out.bytes(), gold("Markdown : titres #", ["Axe", "Objectif", "Fiche"], roots)


def md_pipe_table(rng):
    """Markdown pipe table; the orientation cell left empty below its first row."""
    levels = [
        Level("Orientation", (3, 4), "restart", "axe"),
        Level("Action", (2, 4), "path"),
    ]
    roots = build_tree(levels, rng)
    out = TextOut(markdown=True)
    out.heading(1, "Plan d'actions de la convention territoriale globale")
    out.para("Le tableau ci-dessous récapitule les actions retenues par le COPIL.")
    rows = [["Orientation", "N°", "Action", "Pilote", "Échéance"]]
    for orientation in roots:
        for index, action in enumerate(orientation.children):
            label = f"Orientation {orientation.number} : {orientation.title}" if index == 0 else ""
            rows.append([label, action.number, action.title, action.pilots[0], action.period])
    out.table(rows)
    return (
        "md",
        out.bytes(),
        gold("Markdown : tableau à barres verticales", ["Orientation", "Action"], roots),
    )


def txt_thematic_groups(rng):
    """Two levels: unnumbered thematic groups in capitals, actions numbered 1…N."""
    levels = [
        Level("Thématique", (4, 5), "none", "theme"),
        Level("Action", (3, 5), "continuous"),
    ]
    roots = build_tree(levels, rng)
    out = TextOut()
    out.para("CTG du Pays de Mormal 2025-2028 – Plan d'actions")
    out.blank()
    for group in roots:
        out.para(group.title.upper())
        for action in group.children:
            out.para(f"{action.number}. {action.title} ({action.period})")
        out.blank()
    return (
        "txt",
        out.bytes(),
        gold(
            "Texte : groupes thématiques non numérotés, actions 1…N",
            ["Thématique", "Action"],
            roots,
        ),
    )


def docx_convention_noise(rng):
    """A whole convention: articles, diagnostic findings, plan in annexe 3, signatures."""
    levels = [
        Level("Axe", (3, 4), "restart", "axe"),
        Level("Action", (2, 4), "path"),
    ]
    roots = build_tree(levels, rng)
    out = DocxOut()
    intro(out, TERRITORIES[5], "2025-2029", rng)
    articles(out, count=6)
    signatures(out)
    annex_list(out)
    out.page_break()
    out.heading(1, "Annexe 1 – Diagnostic partagé")
    diagnostic(out, heading=False)
    out.page_break()
    out.heading(1, "Annexe 3 – Plan d'actions")
    for axe in roots:
        out.heading(2, f"Axe {axe.number} : {axe.title}")
        for action in axe.children:
            out.para(f"{action.number} {action.title}")
            out.para(action.description)
    out.heading(1, "Annexe 4 – Gouvernance")
    out.para("1. Le comité de pilotage")
    out.para("2. Le comité technique")
    return (
        "docx",
        out.bytes(),
        gold("Word : convention entière (articles, diagnostic, annexes)", ["Axe", "Action"], roots),
    )


def txt_diagnostic_noise(rng):
    """Text: numbered diagnostic findings, then the plan "1." / "1.1", then an annex list."""
    levels = [
        Level("Niveau 1", (3, 4), "path", "axe"),
        Level("Niveau 2", (2, 4), "path"),
    ]
    roots = build_tree(levels, rng)
    out = TextOut()
    out.para("CONVENTION TERRITORIALE GLOBALE 2023-2027")
    out.blank()
    diagnostic(out, heading=False)
    out.blank()
    out.para("PLAN D'ACTIONS")
    out.blank()
    for axe in roots:
        out.para(f"{axe.number}. {axe.title}")
        for action in axe.children:
            out.para(f"{action.number} {action.title}")
        out.blank()
    annex_list(out)
    signatures(out)
    return (
        "txt",
        out.bytes(),
        gold("Texte : constats numérotés puis plan 1. / 1.1", ["Niveau 1", "Niveau 2"], roots),
    )


def docx_four_levels_abbrev(rng):
    """Axe stratégique → OI → OO → Fiche, abbreviated labels, headings then bold."""
    levels = [
        Level("Axe stratégique", (2, 3), "restart", "axe"),
        Level("Objectif intermédiaire", (2, 2), "path", "objective"),
        Level("Objectif opérationnel", (1, 2), "path", "objective"),
        Level("Fiche action", (1, 3), "continuous"),
    ]
    roots = build_tree(levels, rng)
    out = DocxOut()
    intro(out, TERRITORIES[1], "2026-2030", rng)
    for axe in roots:
        out.heading(1, f"Axe stratégique {axe.number} : {axe.title}")
        for oi in axe.children:
            out.heading(2, f"OI {oi.number} : {oi.title}")
            for oo in oi.children:
                out.para(f"OO {oo.number} : {oo.title}", bold=True)
                for fiche in oo.children:
                    out.para(f"Fiche {fiche.number} : {fiche.title}", bold=True)
                    fiche_fields(out, fiche, fields=("Pilote", "Calendrier", "Indicateurs"))
    return (
        "docx",
        out.bytes(),
        gold(
            "Word : 4 niveaux, OI / OO abrégés",
            ["Axe stratégique", "Objectif intermédiaire", "Objectif opérationnel", "Fiche action"],
            roots,
        ),
    )


def docx_pgt_parts(rng):
    """Word PGT: "PARTIE 1 – PETITE ENFANCE", axes and fiches whose numbering restarts."""
    parts = []
    for index, theme in enumerate(("Petite enfance", "Enfance", "Jeunesse"), 1):
        levels = [
            Level("Axe", (2, 2), "restart", "axe"),
            Level("Fiche action", (2, 4), "continuous"),
        ]
        roots = build_tree(levels, rng)
        parts.append(Node("Partie", str(index), theme, roots))
    out = DocxOut()
    intro(out, TERRITORIES[2], "2024-2028", rng)
    for part in parts:
        out.heading(1, f"Partie {part.number} – {part.title.upper()}")
        for axe in part.children:
            out.heading(2, f"Axe {axe.number} : {axe.title}")
            for fiche in axe.children:
                out.para(f"Fiche action n°{fiche.number} : {fiche.title}", bold=True)
                fiche_fields(out, fiche)
    return (
        "docx",
        out.bytes(),
        gold(
            "Word PGT : parties numérotées, numérotation qui repart",
            ["Partie", "Axe", "Fiche action"],
            parts,
        ),
    )


def md_bullets_annexes(rng):
    """Markdown: "## Orientation 1", actions as "- Action 1.1 : …" bullets, then annexes."""
    levels = [
        Level("Orientation", (3, 4), "restart", "axe"),
        Level("Action", (2, 4), "path"),
    ]
    roots = build_tree(levels, rng)
    out = TextOut(markdown=True)
    out.heading(1, "Convention territoriale globale 2025-2029")
    out.heading(2, "Article 1 – Objet")
    out.para(CONVENTION_ARTICLES[0][1])
    out.heading(2, "Article 2 – Le plan d'actions")
    for orientation in roots:
        out.heading(3, f"Orientation {orientation.number} – {orientation.title}")
        for action in orientation.children:
            out.bullet(f"Action {action.number} : {action.title}")
    out.heading(2, "Annexes")
    for index, line in enumerate(ANNEXES, 1):
        out.para(f"{index}. {line.split(' : ')[1]}")
    out.blank()
    signatures(out)
    return (
        "md",
        out.bytes(),
        gold(
            "Markdown : puces « Action n : » et annexes numérotées",
            ["Orientation", "Action"],
            roots,
        ),
    )


def txt_roman_letters(rng):
    """Text: "I. …" / "A. …" / "1. …" typed, with prose between."""
    levels = [
        Level("Niveau 1", (3, 3), "roman", "axe"),
        Level("Niveau 2", (2, 3), "upper", "objective"),
        Level("Niveau 3", (2, 3), "restart"),
    ]
    roots = build_tree(levels, rng)
    out = TextOut()
    out.para("Plan d'actions de la CTG 2024-2028")
    out.blank()
    for axe in roots:
        out.para(f"{axe.number}. {axe.title}")
        out.para("Constat : les partenaires partagent la nécessité d'agir sur ce champ.")
        for objective in axe.children:
            out.para(f"{objective.number}. {objective.title}")
            for action in objective.children:
                out.para(f"{action.number}. {action.title}")
        out.blank()
    return (
        "txt",
        out.bytes(),
        gold("Texte : I. / A. / 1. tapés", ["Niveau 1", "Niveau 2", "Niveau 3"], roots),
    )


def docx_table_per_axis(rng):
    """Word: a heading per axe, then a table of its fiches (N°, Intitulé, Pilote, Année)."""
    levels = [
        Level("Axe", (3, 4), "restart", "axe"),
        Level("Fiche action", (2, 4), "path"),
    ]
    roots = build_tree(levels, rng)
    out = DocxOut()
    intro(out, TERRITORIES[3], "2025-2028", rng)
    for axe in roots:
        out.heading(2, f"Axe {axe.number} – {axe.title}")
        out.para("Les actions retenues pour cet axe sont les suivantes.")
        rows = [["N°", "Intitulé", "Pilote", "Année"]]
        rows += [[f.number, f.title, f.pilots[0], f.period] for f in axe.children]
        out.table(rows)
    return (
        "docx",
        out.bytes(),
        gold("Word : un tableau de fiches par axe", ["Axe", "Fiche action"], roots),
    )


def pdf_table(rng):
    """PDF of a drawn table, one row per fiche, the axe repeated (pypdf gives a cell a line)."""
    levels = [
        Level("Axe", (3, 4), "restart", "axe"),
        Level("Fiche action", (3, 5), "continuous"),
    ]
    roots = build_tree(levels, rng)
    out = PdfOut(f"CTG – {TERRITORIES[5]}", "Annexe 3 – plan d'actions")
    out.heading(1, "Annexe 3 – Plan d'actions")
    rows = [["Axe", "N°", "Fiche action", "Pilote", "Calendrier"]]
    for axe in roots:
        for fiche in axe.children:
            rows.append(
                [
                    f"Axe {axe.number} – {axe.title}",
                    fiche.number,
                    fiche.title,
                    fiche.pilots[0],
                    fiche.period,
                ]
            )
    out.table(rows, widths=[125, 25, 195, 85, 70])
    return (
        "pdf",
        out.bytes(),
        gold("PDF : tableau dessiné, une ligne par fiche", ["Axe", "Fiche action"], roots),
    )


LAYOUTS = [
    ("01_word_styles_titres", docx_heading_styles),
    ("02_word_caf_fiches_gras", docx_caf_bold_fiches),
    ("03_word_gras_capitales", docx_bold_typed),
    ("04_word_numerotation_auto_titres", docx_autonum_headings),
    ("05_word_liste_numerotee_auto", docx_autonum_list),
    ("06_word_tableau_cellules_fusionnees", docx_table_merged),
    ("07_word_tableau_axe_repete", docx_table_repeated),
    ("08_word_fiches_par_page", docx_fiche_blocks),
    ("09_word_fiches_sommaire_colle", lambda rng: docx_fiche_blocks(rng, glued_toc=True)),
    ("10_pdf_trois_niveaux", pdf_three_levels),
    ("11_pdf_fiches", pdf_fiches),
    ("12_pdf_romains_page_etroite", pdf_roman_two_levels),
    ("13_txt_cinq_niveaux", txt_five_levels),
    ("14_txt_pgt_tabulations", txt_pgt_tabs),
    ("15_md_titres", md_headings),
    ("16_md_tableau", md_pipe_table),
    ("17_txt_groupes_thematiques", txt_thematic_groups),
    ("18_word_convention_entiere", docx_convention_noise),
    ("19_txt_constats_puis_plan", txt_diagnostic_noise),
    ("20_word_quatre_niveaux_abreges", docx_four_levels_abbrev),
    ("21_word_pgt_parties", docx_pgt_parts),
    ("22_md_puces_annexes", md_bullets_annexes),
    ("23_txt_romains_lettres", txt_roman_letters),
    ("24_word_tableau_par_axe", docx_table_per_axis),
    ("25_pdf_tableau", pdf_table),
]


def main() -> None:
    """Write the corpus here; with arguments SEED DIR, another draw of it in DIR (a check on
    documents the parser was not tuned on)."""
    seed, directory = (int(sys.argv[1]), Path(sys.argv[2])) if len(sys.argv) > 2 else (1000, HERE)
    directory.mkdir(parents=True, exist_ok=True)
    for index, (name, layout) in enumerate(LAYOUTS):
        rng = random.Random(seed + index)
        extension, data, truth = layout(rng)
        (directory / f"{name}.{extension}").write_bytes(data)
        (directory / f"{name}.gold.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        count = sum(1 for _ in _numbered(truth["plan"]))
        print(f"{name}.{extension}: {count} éléments numérotés")


def _numbered(nodes):
    for node in nodes:
        if node["number"]:
            yield node
        yield from _numbered(node["children"])


if __name__ == "__main__":
    main()
