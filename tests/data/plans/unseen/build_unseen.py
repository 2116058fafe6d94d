"""Write the "unseen" set: plans in layouts the main corpus does not have, with gold trees.

    .venv/bin/python tests/data/plans/unseen/build_unseen.py [SEED] [DIR]

Written apart from the parser (its rules were not read first) to check that the importer
generalises: a landscape table whose axes are only coloured band rows, "1.a" / "A-1" /
"Action 1.2.3" numbering, "Enjeu" / "Orientation stratégique" levels under roman numbers, fiches
in Word text boxes, a two-column PDF, typed "•" / "–" bullets for the actions of a fiche, an
OpenDocument text, a plan printed to PDF from a spreadsheet, and a Markdown plan whose headings
are all "###". Gold trees have the same shape as the main corpus's (see ../build_corpus.py);
bullets without a number are kept in the gold with "number": null (not scored).
"""

from __future__ import annotations

import io
import json
import random
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from writers import DocxOut, TextOut  # noqa: E402

VERBS = [
    "Structurer",
    "Renforcer",
    "Développer",
    "Accompagner",
    "Soutenir",
    "Favoriser",
    "Coordonner",
    "Consolider",
    "Promouvoir",
    "Faciliter",
    "Diversifier",
    "Pérenniser",
    "Outiller",
    "Valoriser",
    "Mobiliser",
    "Expérimenter",
]
OBJECTS = [
    "l'offre d'accueil du jeune enfant",
    "les lieux d'accueil enfants-parents",
    "la parentalité des pères",
    "les accueils de loisirs périscolaires",
    "l'accès aux droits des allocataires",
    "le réseau des assistantes maternelles",
    "les projets portés par les adolescents",
    "l'animation de la vie sociale",
    "l'inclusion des enfants en situation de handicap",
    "la mobilité des jeunes ruraux",
    "l'information des familles nouvellement arrivées",
    "les espaces de vie sociale",
    "la prévention des impayés de loyer",
    "l'aide aux aidants familiaux",
    "le numérique au service des familles",
    "les départs en vacances des familles",
    "la médiation familiale",
    "l'accueil des enfants aux horaires atypiques",
    "l'engagement bénévole des habitants",
    "la qualité éducative des accueils",
]
COMPLEMENTS = [
    "",
    "",
    "",
    " sur les communes rurales",
    " dans les quartiers prioritaires",
    " avec les partenaires de la convention",
    " à l'échelle intercommunale",
    " en lien avec le Département et la Caf",
    " pour les familles monoparentales",
    " au plus près des habitants",
    " dans le cadre du projet éducatif de territoire",
]
PILOTS = ["Caf", "Communauté de communes", "Commune", "Centre social", "Département", "MSA"]
YEARS = ["2025", "2026", "2027", "2028", "2025-2026", "2026-2028"]
THEMES = ["Petite enfance", "Enfance", "Jeunesse", "Parentalité", "Animation de la vie sociale"]
BODY = (
    "Cette action s'appuie sur le diagnostic partagé et sur les échanges avec les partenaires "
    "du territoire ; elle fera l'objet d'un bilan annuel présenté au comité de pilotage."
)


class Titles:
    """Draw titles without repeating one inside a document."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.used = rng, set()

    def __call__(self, long: bool = False) -> str:
        while True:
            title = f"{self.rng.choice(VERBS)} {self.rng.choice(OBJECTS)}"
            if long or self.rng.random() < 0.4:
                title += self.rng.choice(COMPLEMENTS)
            if title not in self.used:
                self.used.add(title)
                return title


def node(kind: str, number: str | None, title: str, children=None) -> dict:
    return {"kind": kind, "number": number, "title": title, "children": children or []}


def gold(layout: str, levels: list[str], plan: list[dict]) -> dict:
    return {"layout": layout, "convention": {"level_names": levels}, "plan": plan}


def counts(rng: random.Random, low: int, high: int) -> int:
    return rng.randint(low, high)


# ---------------------------------------------------------------- 1. band rows in a table


def band_table(rng: random.Random) -> tuple[bytes, dict]:
    """Landscape Word table Axe | Objectif | Action | Pilote | Échéance, axes as band rows."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    titles = Titles(rng)
    out = DocxOut()
    section = out.doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    out.para("Convention territoriale globale 2025-2029", bold=True)
    out.para("Annexe 2 : plan d'actions")
    out.para(BODY)
    plan = []
    table = out.doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    header = ["Axe", "Objectif", "Action", "Pilote", "Échéance"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for a in range(1, counts(rng, 3, 4) + 1):
        axis = node("Axe", str(a), titles(long=True))
        plan.append(axis)
        row = table.add_row()
        band = row.cells[0].merge(row.cells[4])
        band.paragraphs[0].add_run(f"AXE {a} : {axis['title'].upper()}").bold = True
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), rng.choice(["C6E0B4", "BDD7EE", "F8CBAD"]))
        band._tc.get_or_add_tcPr().append(shading)
        for o in range(1, counts(rng, 2, 3) + 1):
            objective = node("Objectif", f"{a}.{o}", titles())
            axis["children"].append(objective)
            for i in range(1, counts(rng, 2, 4) + 1):
                action = node("Action", f"{a}.{o}.{i}", titles(long=rng.random() < 0.3))
                objective["children"].append(action)
                cells = table.add_row().cells
                if i == 1:
                    cells[1].text = f"{a}.{o} {objective['title']}"
                cells[2].text = f"{a}.{o}.{i} {action['title']}"
                cells[3].text = rng.choice(PILOTS)
                cells[4].text = rng.choice(YEARS)
    out.para("Fait à Mende, le 3 mars 2025.")
    return out.bytes(), gold(
        "Word paysage : tableau, axes en lignes de bandeau colorées",
        ["Axe", "Objectif", "Action"],
        plan,
    )


# ---------------------------------------------------------------- 2. "1.a" and bullets


def letters_bullets(rng: random.Random) -> tuple[bytes, dict]:
    """Word without styles: "1. AXE" in capitals, "1.a" objectives, typed "•" / "–" actions."""
    titles = Titles(rng)
    out = DocxOut()
    out.para("PLAN D'ACTIONS DE LA CTG", bold=True)
    out.para("Le plan d'actions se décline en axes et en objectifs.")
    plan = []
    for a in range(1, counts(rng, 3, 4) + 1):
        axis = node("Axe", str(a), titles())
        plan.append(axis)
        out.para(f"{a}. {axis['title']}", bold=True, caps=True)
        for o in "abcd"[: counts(rng, 2, 4)]:
            objective = node("Objectif", f"{a}.{o}", titles())
            axis["children"].append(objective)
            out.para(f"{a}.{o} {objective['title']}", bold=True)
            out.para("Actions envisagées :")
            mark = rng.choice(["•", "–"])
            for _ in range(counts(rng, 2, 3)):
                action = node("Action", None, titles())
                objective["children"].append(action)
                out.para(f"{mark} {action['title']}")
    return out.bytes(), gold(
        "Word sans styles : 1. / 1.a et actions à puces tapées", ["Axe", "Objectif"], plan
    )


# ---------------------------------------------------------------- 3. Enjeu / Orientation (PDF)


def enjeux_pdf(rng: random.Random) -> tuple[bytes, dict]:
    """PDF: "ENJEU I", "Orientation stratégique 1.2", "Action 1.2.3" with body text."""
    from writers import PdfOut

    titles = Titles(rng)
    out = PdfOut("CTG du Pays de Lunel - plan d'actions", "Document de travail - version 3")
    out.heading(1, "Les enjeux de la convention")
    out.para(BODY)
    plan = []
    for e in range(1, counts(rng, 2, 3) + 1):
        roman = ["I", "II", "III", "IV"][e - 1]
        stake = node("Enjeu", roman, titles())
        plan.append(stake)
        out.heading(1, f"ENJEU {roman} – {stake['title']}")
        out.para(BODY)
        for o in range(1, counts(rng, 2, 3) + 1):
            orientation = node("Orientation stratégique", f"{e}.{o}", titles())
            stake["children"].append(orientation)
            out.heading(2, f"Orientation stratégique {e}.{o} : {orientation['title']}")
            for i in range(1, counts(rng, 2, 4) + 1):
                action = node("Action", f"{e}.{o}.{i}", titles(long=rng.random() < 0.5))
                orientation["children"].append(action)
                out.para(f"Action {e}.{o}.{i} : {action['title']}", bold=True)
                out.field("Pilote", rng.choice(PILOTS))
                out.field("Échéance", rng.choice(YEARS))
    return out.bytes(), gold(
        "PDF : Enjeu I / Orientation stratégique 1.2 / Action 1.2.3",
        ["Enjeu", "Orientation stratégique", "Action"],
        plan,
    )


# ---------------------------------------------------------------- 4. fiches in text boxes

_TEXTBOX = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml">'
    '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline>'
    '<wp:extent cx="5400000" cy="1800000"/><wp:docPr id="{id}" name="Zone de texte {id}"/>'
    '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
    'wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent>{body}</w:txbxContent></wps:txbx>'
    "</wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>"
    "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{body}</w:txbxContent>"
    "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)


def _box_paragraph(text: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p><w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def textboxes(rng: random.Random) -> tuple[bytes, dict]:
    """Word: axes as Heading 1, each fiche in a text box (drawing with its VML fallback)."""
    from docx.oxml import parse_xml

    titles = Titles(rng)
    out = DocxOut()
    out.heading(1, "Présentation de la démarche")
    out.para(BODY)
    plan, number, box = [], 0, 0
    for a in range(1, counts(rng, 3, 4) + 1):
        axis = node("Axe", str(a), titles())
        plan.append(axis)
        out.heading(1, f"Axe {a} - {axis['title']}")
        out.para(BODY)
        for _ in range(counts(rng, 2, 4)):
            number += 1
            box += 1
            fiche = node("Fiche action", str(number), titles(long=True))
            axis["children"].append(fiche)
            body = "".join(
                [
                    _box_paragraph(f"Fiche action n°{number} : {fiche['title']}", bold=True),
                    _box_paragraph(f"Pilote : {rng.choice(PILOTS)}"),
                    _box_paragraph(f"Partenaires : {rng.choice(PILOTS)}, {rng.choice(PILOTS)}"),
                    _box_paragraph(f"Calendrier : {rng.choice(YEARS)}"),
                ]
            )
            paragraph = out.doc.add_paragraph()
            paragraph._p.append(parse_xml(_TEXTBOX.format(id=box, body=body)))
    return out.bytes(), gold("Word : fiches dans des zones de texte", ["Axe", "Fiche action"], plan)


# ---------------------------------------------------------------- 5. two-column PDF


def two_columns_pdf(rng: random.Random) -> tuple[bytes, dict]:
    """PDF in two columns (a newsletter-like plan) with a running header and page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    titles = Titles(rng)
    sheet = getSampleStyleSheet()
    story, plan = [], []
    for a in range(1, counts(rng, 3, 4) + 1):
        axis = node("Axe", str(a), titles())
        plan.append(axis)
        story.append(Paragraph(f"Axe {a}. {escape(axis['title'])}", sheet["Heading2"]))
        story.append(Paragraph(BODY, sheet["BodyText"]))
        for o in range(1, counts(rng, 2, 3) + 1):
            objective = node("Objectif", f"{a}.{o}", titles())
            axis["children"].append(objective)
            story.append(
                Paragraph(f"<b>{a}.{o} {escape(objective['title'])}</b>", sheet["BodyText"])
            )
            for i in range(1, counts(rng, 2, 3) + 1):
                action = node("Action", f"{a}.{o}.{i}", titles(long=rng.random() < 0.5))
                objective["children"].append(action)
                story.append(Paragraph(f"{a}.{o}.{i} {escape(action['title'])}", sheet["BodyText"]))
    buffer = io.BytesIO()
    width, height = A4
    gap, margin = 0.8 * cm, 1.8 * cm
    column = (width - 2 * margin - gap) / 2
    frames = [
        Frame(margin, margin, column, height - 2 * margin, id="left"),
        Frame(margin + column + gap, margin, column, height - 2 * margin, id="right"),
    ]

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(
            margin, height - 1.1 * cm, "Convention territoriale globale - Vallée de l'Hérault"
        )
        canvas.drawCentredString(width / 2, 1 * cm, f"- {doc.page} -")
        canvas.restoreState()

    document = BaseDocTemplate(buffer, pagesize=A4, invariant=1)
    document.addPageTemplates([PageTemplate(frames=frames, onPage=decorate)])
    document.build(story)
    return buffer.getvalue(), gold("PDF sur deux colonnes", ["Axe", "Objectif", "Action"], plan)


# ---------------------------------------------------------------- 6. fiches with bullets


def fiches_bullets(rng: random.Random) -> tuple[bytes, dict]:
    """Word: Heading 1 orientations, bold "Fiche n°N – title", then "•" actions (List Bullet)."""
    titles = Titles(rng)
    out = DocxOut()
    out.heading(1, "Article 4 – Le plan d'actions")
    out.para("Les signataires s'engagent sur les orientations suivantes.")
    plan, number = [], 0
    for a in range(1, counts(rng, 3, 4) + 1):
        orientation = node("Orientation", str(a), titles())
        plan.append(orientation)
        out.heading(1, f"Orientation {a} : {orientation['title']}")
        for _ in range(counts(rng, 2, 3)):
            number += 1
            fiche = node("Fiche", str(number), titles())
            orientation["children"].append(fiche)
            out.para(f"Fiche n°{number} – {fiche['title']}", bold=True)
            out.field("Objectif", titles())
            out.para("Actions :")
            for _ in range(counts(rng, 2, 4)):
                action = node("Action", None, titles())
                fiche["children"].append(action)
                if rng.random() < 0.5:
                    out.bullet(action["title"])
                else:
                    out.para(f"– {action['title']}")
            out.field("Pilote", rng.choice(PILOTS))
    out.heading(1, "Article 5 – Durée de la convention")
    out.para("La présente convention est conclue pour une durée de quatre ans.")
    return out.bytes(), gold(
        "Word : fiches en gras et actions à puces « • » / « – »", ["Orientation", "Fiche"], plan
    )


# ---------------------------------------------------------------- 7. OpenDocument text


def _odt(paragraphs: list[tuple[str, int | None]]) -> bytes:
    """Write an .odt: (text, outline level or None for a body paragraph)."""
    body = []
    for text, level in paragraphs:
        if level:
            body.append(
                f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">'
                f"{escape(text)}</text:h>"
            )
        else:
            body.append(f'<text:p text:style-name="Standard">{escape(text)}</text:p>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3">'
        f"<office:body><office:text>{''.join(body)}</office:text></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def odt_plan(rng: random.Random) -> tuple[bytes, dict]:
    """LibreOffice Writer: Titre 1 axes, Titre 2 objectives, numbered action paragraphs."""
    titles = Titles(rng)
    paragraphs: list[tuple[str, int | None]] = [("Plan d'actions", None), (BODY, None)]
    plan = []
    for a in range(1, counts(rng, 3, 4) + 1):
        axis = node("Axe", str(a), titles())
        plan.append(axis)
        paragraphs.append((f"Axe {a} : {axis['title']}", 1))
        for o in range(1, counts(rng, 2, 3) + 1):
            objective = node("Objectif", f"{a}.{o}", titles())
            axis["children"].append(objective)
            paragraphs.append((f"Objectif {a}.{o} : {objective['title']}", 2))
            for i in range(1, counts(rng, 2, 3) + 1):
                action = node("Action", f"{a}.{o}.{i}", titles())
                objective["children"].append(action)
                paragraphs.append((f"{a}.{o}.{i}. {action['title']}", None))
                paragraphs.append((f"Porteur : {rng.choice(PILOTS)}", None))
    return _odt(paragraphs), gold(
        "OpenDocument (.odt) : titres 1/2 et actions numérotées",
        ["Axe", "Objectif", "Action"],
        plan,
    )


# ---------------------------------------------------------------- 8. a spreadsheet printed to PDF


def excel_pdf(rng: random.Random) -> tuple[bytes, dict]:
    """Landscape PDF as a spreadsheet prints it: grid, small font, axis repeated on each row."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    titles = Titles(rng)
    style = ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=9.5)
    rows = [["N°", "Axe", "Fiche action", "Pilote", "Partenaires", "Calendrier"]]
    plan = []
    for a in range(1, counts(rng, 3, 5) + 1):
        axis = node("Axe", str(a), titles())
        plan.append(axis)
        for f in range(1, counts(rng, 3, 6) + 1):
            fiche = node("Fiche action", f"{a}.{f}", titles(long=rng.random() < 0.5))
            axis["children"].append(fiche)
            rows.append(
                [
                    f"{a}.{f}",
                    f"Axe {a} - {axis['title']}",
                    fiche["title"],
                    rng.choice(PILOTS),
                    f"{rng.choice(PILOTS)}, {rng.choice(PILOTS)}",
                    rng.choice(YEARS),
                ]
            )
    cells = [[Paragraph(escape(text), style) for text in row] for row in rows]
    table = Table(
        cells, colWidths=[1.2 * cm, 6 * cm, 8 * cm, 3 * cm, 4 * cm, 2.5 * cm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, "#000000"),
                ("BACKGROUND", (0, 0), (-1, 0), "#D9D9D9"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    buffer = io.BytesIO()
    pagesize = landscape(A4)

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(pagesize[0] / 2, pagesize[1] - 1 * cm, "Plan d'actions CTG")
        canvas.drawCentredString(pagesize[0] / 2, 0.8 * cm, f"Page {doc.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer, pagesize=pagesize, leftMargin=1.5 * cm, rightMargin=1.5 * cm, invariant=1
    )
    document.build([table], onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue(), gold(
        "PDF imprimé depuis un tableur : grille, axe répété", ["Axe", "Fiche action"], plan
    )


# ---------------------------------------------------------------- 9. Markdown, "###" only


def md_flat(rng: random.Random) -> tuple[bytes, dict]:
    """Markdown whose headings are all "###": the levels come from the numbers only."""
    titles = Titles(rng)
    out = TextOut(markdown=True)
    out.heading(1, "Convention territoriale globale")
    out.para(BODY)
    plan = []
    for a in range(1, counts(rng, 3, 4) + 1):
        axis = node("Axe", str(a), titles())
        plan.append(axis)
        out.heading(3, f"Axe {a} – {axis['title']}")
        for o in range(1, counts(rng, 2, 3) + 1):
            objective = node("Objectif", f"{a}.{o}", titles())
            axis["children"].append(objective)
            out.heading(3, f"{a}.{o} {objective['title']}")
            for i in range(1, counts(rng, 1, 3) + 1):
                action = node("Action", f"{a}.{o}.{i}", titles())
                objective["children"].append(action)
                out.heading(3, f"{a}.{o}.{i} {action['title']}")
                out.field("Pilote", rng.choice(PILOTS))
    return out.bytes(), gold(
        "Markdown : tous les titres en « ### », niveaux par la numérotation",
        ["Axe", "Objectif", "Action"],
        plan,
    )


# ---------------------------------------------------------------- 10. A-1 numbering (text)


def letter_dash_txt(rng: random.Random) -> tuple[bytes, dict]:
    """Text: "A. THEME" parts and "A-1 title" fiches, inside articles and a signature block."""
    titles = Titles(rng)
    lines = [
        "CONVENTION TERRITORIALE GLOBALE",
        "",
        "Article 1 – Objet",
        "La présente convention définit le projet social de territoire.",
        "Article 2 – Le plan d'actions",
        "",
    ]
    plan = []
    for a, theme in enumerate(rng.sample(THEMES, counts(rng, 3, 4))):
        letter = "ABCDE"[a]
        part = node("Thématique", letter, theme)
        plan.append(part)
        lines += ["", f"{letter}. {theme.upper()}", ""]
        for f in range(1, counts(rng, 3, 5) + 1):
            fiche = node("Fiche", f"{letter}-{f}", titles())
            part["children"].append(fiche)
            lines.append(f"{letter}-{f} {fiche['title']}")
            lines.append(f"    Pilote : {rng.choice(PILOTS)} ; échéance : {rng.choice(YEARS)}")
    lines += [
        "",
        "Article 3 – Durée",
        "La convention est conclue du 1er janvier 2025 au 31 décembre 2028.",
        "",
        "Pour la Caf, la directrice                Pour la Communauté, le président",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8"), gold(
        "Texte : parties A. / fiches A-1 entre des articles", ["Thématique", "Fiche"], plan
    )


DOCUMENTS = [
    ("u01_word_paysage_bandeaux", "docx", band_table),
    ("u02_word_lettres_puces", "docx", letters_bullets),
    ("u03_pdf_enjeux_orientations", "pdf", enjeux_pdf),
    ("u04_word_zones_de_texte", "docx", textboxes),
    ("u05_pdf_deux_colonnes", "pdf", two_columns_pdf),
    ("u06_word_fiches_puces", "docx", fiches_bullets),
    ("u07_odt_titres", "odt", odt_plan),
    ("u08_pdf_depuis_tableur", "pdf", excel_pdf),
    ("u09_md_titres_plats", "md", md_flat),
    ("u10_txt_lettre_tiret", "txt", letter_dash_txt),
]


def main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    folder = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE
    folder.mkdir(parents=True, exist_ok=True)
    for index, (name, extension, write) in enumerate(DOCUMENTS):
        data, truth = write(random.Random(seed * 100 + index))
        (folder / f"{name}.{extension}").write_bytes(data)
        (folder / f"{name}.gold.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    print(f"{len(DOCUMENTS)} documents written to {folder}")


if __name__ == "__main__":
    main()
