"""Time of the document importer on a synthetic 40-page convention, as DOCX and as PDF.

    .venv/bin/python bench/import_speed.py [--axes 9] [--fiches 5] [--repeat 3]

The document is built here: a convention's prose (articles, diagnostic), then the plan: axes,
fiches actions with their fields (objectif, actions clés, résultat attendu, public, partenaires,
indicateurs), a summary table per axe. python-docx writes the DOCX, reportlab the PDF. The
script prints the pages, the time to read and parse each file (best of --repeat) and whether
every fiche and key action was found. The target is under 5 s for 40 pages.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from pilote.imports.proposal import propose_plan  # noqa: E402

TARGET_SECONDS = 1.0  # issue 15: "a 40-page document proposed in under 1 s"
PROSE = (
    "Les signataires conviennent de mobiliser leurs moyens au service du projet social du "
    "territoire, dans le respect de leurs compétences respectives. Le comité de pilotage se "
    "réunit au moins une fois par an pour suivre la mise en œuvre du plan d'actions, examiner "
    "les indicateurs et proposer, le cas échéant, les ajustements nécessaires. "
)
THEMES = [
    "Petite enfance",
    "Enfance et jeunesse",
    "Parentalité",
    "Accès aux droits",
    "Animation de la vie sociale",
    "Logement et cadre de vie",
    "Inclusion numérique",
    "Handicap",
]


def content(axes: int, fiches: int):
    """Yield ("heading"|"para"|"bullet"|"table", payload) in document order."""
    yield "title", "Convention territoriale globale 2026-2030"
    for article in range(1, 11):
        yield "heading", f"ARTICLE {article} - DISPOSITIONS DE LA CONVENTION"
        for _ in range(4):
            yield "para", PROSE * 2
    yield "heading", "ANNEXE 1 - DIAGNOSTIC PARTAGÉ"
    for section in range(1, 6):
        yield "para", f"{section}. Données du territoire, section {section}"
        for _ in range(3):
            yield "para", PROSE * 2
    yield "heading", "ANNEXE 3 - PLAN D'ACTIONS 2026-2030"
    for axe in range(1, axes + 1):
        theme = THEMES[(axe - 1) % len(THEMES)]
        yield "heading", f"Axe {axe} : {theme}"
        rows = [
            (f"{axe}.{fiche}", f"Fiche sur {theme.lower()} n° {fiche}", "2026-2027")
            for fiche in range(1, fiches + 1)
        ]
        yield "table", rows
        for fiche in range(1, fiches + 1):
            number = f"{axe}.{fiche}"
            yield "heading2", f"Fiche action {number} — Fiche sur {theme.lower()} n° {fiche}"
            yield "para", "Objectif global :"
            yield "para", PROSE
            yield "para", "Actions clés :"
            for key in range(1, 6):
                yield (
                    "bullet",
                    f"{number}.{key} Mettre en œuvre l'action clé {key} de la fiche {number} "
                    "avec les partenaires du territoire",
                )
            yield "para", "Résultat attendu :"
            yield "para", PROSE
            yield "para", "Public cible : les familles du territoire"
            yield "para", "Pilote(s) : CA Provence-Alpes-Agglomération, Caf"
            yield "para", "Calendrier : 2026-2028"
            yield "para", "Partenaires associés"
            for partner in ("CCAS", "PMI", "Relais petite enfance", "Centres sociaux"):
                yield "bullet", partner
            yield "para", "Indicateurs"
            for indicator in ("Nombre d'actions réalisées", "Taux de satisfaction"):
                yield "bullet", indicator


def build_docx(axes: int, fiches: int) -> bytes:
    import docx

    document = docx.Document()
    for kind, payload in content(axes, fiches):
        if kind == "title":
            document.add_heading(payload, 0)
        elif kind == "heading":
            document.add_heading(payload, 1)
        elif kind == "heading2":
            document.add_heading(payload, 2)
        elif kind == "para":
            document.add_paragraph(payload)
        elif kind == "bullet":
            document.add_paragraph(payload, style="List Bullet")
        else:
            table = document.add_table(rows=1, cols=3)
            for cell, text in zip(
                table.rows[0].cells, ["N°", "Fiche action", "Calendrier"], strict=True
            ):
                cell.text = text
            for row in payload:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_pdf(axes: int, fiches: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    styles = getSampleStyleSheet()
    story = []
    for kind, payload in content(axes, fiches):
        if kind in ("title", "heading"):
            story.append(Paragraph(payload, styles["Heading1"]))
        elif kind == "heading2":
            story.append(Paragraph(payload, styles["Heading2"]))
        elif kind == "para":
            story.append(Paragraph(payload, styles["BodyText"]))
        elif kind == "bullet":
            story.append(Paragraph(f"• {payload}", styles["BodyText"]))
        else:
            story.append(Table([["N°", "Fiche action", "Calendrier"], *payload]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


def measure(data: bytes, name: str, repeat: int):
    best, proposal = None, None
    for _ in range(repeat):
        started = time.perf_counter()
        proposal = propose_plan(data, name)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, proposal


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--axes", type=int, default=9)
    parser.add_argument("--fiches", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    expected_fiches = args.axes * args.fiches
    expected_keys = expected_fiches * 5
    print("Vitesse de l'import de plans (document synthétique)")
    print()
    print(
        f"{'format':<6} {'taille':>9} {'pages':>6} {'temps':>8} {'fiches':>9} {'actions clés':>13}"
    )
    slow = False
    for name, builder in (("docx", build_docx), ("pdf", build_pdf)):
        data = builder(args.axes, args.fiches)
        seconds, proposal = measure(data, f"synthetique.{name}", args.repeat)
        pages = proposal.document.pages or _docx_pages(proposal)
        nodes = [node for root in proposal.roots for node in [root, *root.walk()]]
        fiches = sum(1 for node in nodes if node.kind == "Fiche action")
        keys = sum(1 for node in nodes if node.kind == "Action clé")
        size = f"{len(data) / 1000:.0f} ko"
        print(
            f"{name:<6} {size:>9} {pages:>6} {seconds:>7.3f}s "
            f"{fiches:>4}/{expected_fiches:<4} {keys:>6}/{expected_keys:<6}"
        )
        slow = slow or seconds > TARGET_SECONDS
    print()
    print(f"Objectif : moins de {TARGET_SECONDS:.0f} s pour 40 pages.")
    return 1 if slow else 0


def _docx_pages(proposal) -> str:
    words = sum(len(block.text.split()) for block in proposal.document.blocks)
    return f"~{round(words / 400)}"


if __name__ == "__main__":
    sys.exit(main())
