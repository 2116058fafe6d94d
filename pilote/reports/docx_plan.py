"""The plan of a CTG as a Word document (python-docx): a title page, then one section per element.

Each element of the plan is a heading of its depth (Titre 1 for the first level, Titre 2 below…),
so that Word's navigation pane and LibreOffice's navigator show the tree; its fields follow as
labelled paragraphs, empty ones left out. Internal notes appear only for those who may read them.
"""

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from pilote.core.formats import french_date, french_euros, french_percent
from pilote.core.table_writers import clean_text

from .plan_rows import PlanRow, read_plan

MAX_HEADING_LEVEL = 9  # Word's "Heading 1" … "Heading 9"


def plan_document(convention, *, include_internal: bool = False) -> bytes:
    """Return the DOCX file of the CTG: its title page, then its whole plan in outline order.

    include_internal: the internal notes and items too, for an editor (plans.visibility).
    """
    export = read_plan(convention, include_internal=include_internal)
    document = Document()
    _setup(document, convention)
    _title_page(document, convention, include_internal=include_internal)
    if not export.rows:
        document.add_paragraph("Le plan d’actions de cette CTG est vide.")
    styles = _Styles(document)
    for row in export.rows:
        _section(document, styles, row)
    if export.ctg_indicators:
        styles.heading("Indicateurs de la CTG", 1)
        for indicator in export.ctg_indicators:
            styles.add(str(indicator), "List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _setup(document, convention) -> None:
    properties = document.core_properties
    properties.title = clean_text(f"Plan d’actions – {convention.name}")
    properties.author = "Pilote CTG"
    properties.language = "fr-FR"
    properties.comments = ""
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)  # A4, not the template's Letter
    section.left_margin = section.right_margin = Cm(2.2)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    # The text is French: spelling and hyphenation follow (the template's default is en-US).
    for language in document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
        language.set(qn("w:val"), "fr-FR")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(clean_text(f"{convention.name} – page "))
    _page_number(footer)


def _page_number(paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _labelled(document, label: str, text: str):
    """Add a paragraph "Label : text" with the label in bold; skip it when text is empty."""
    if not text:
        return None
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label} : ").bold = True
    paragraph.add_run(clean_text(text))
    return paragraph


class _Styles:
    """Paragraph styles by name, their ids looked up once.

    python-docx looks a style up among all the template's styles at every use (2 ms each: a
    second for a 500-action plan); the id is set directly instead.
    """

    def __init__(self, document):
        self.document = document
        self.ids: dict[str, str] = {}

    def add(self, text: str, style: str):
        if style not in self.ids:
            self.ids[style] = self.document.styles[style].style_id
        paragraph = self.document.add_paragraph(clean_text(text))
        paragraph._p.style = self.ids[style]
        return paragraph

    def heading(self, text: str, level: int):
        return self.add(text, f"Heading {min(level, MAX_HEADING_LEVEL)}")


def _title_page(document, convention, *, include_internal: bool) -> None:
    document.add_paragraph("Convention territoriale globale", style="Subtitle")
    document.add_paragraph(clean_text(convention.name), style="Title")
    document.add_paragraph(
        f"Du {french_date(convention.start_date)} au {french_date(convention.end_date)}"
    ).runs[0].bold = True
    _labelled(document, "Statut", convention.get_status_display())
    departement = convention.departement
    _labelled(document, "Caf", f"{departement.name} ({departement.code})")
    if convention.epci_id:
        epci = convention.epci
        _labelled(document, "EPCI", f"{epci.name} (SIREN {epci.siren})")
    communes = list(convention.communes.order_by("name").values_list("name", flat=True))
    if communes:
        count = f"{len(communes)} commune{'s' if len(communes) > 1 else ''}"
        _labelled(document, "Territoire", f"{count} : {', '.join(communes)}.")
    signatories = list(convention.signatories.all())
    if signatories:
        document.add_paragraph().add_run("Signataires").bold = True
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        headers = ("Organisation", "Représentant·e", "Qualité", "Dates")
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.paragraphs[0].add_run(header).bold = True
        for signatory in signatories:
            dates = [
                f"{label} le {french_date(day)}"
                for label, day in (
                    ("délibération", signatory.deliberation_date),
                    ("signature", signatory.signature_date),
                )
                if day
            ]
            values = (
                signatory.organisation,
                signatory.representative,
                signatory.role,
                "\n".join(dates) or "–",
            )
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.text = clean_text(value)
        document.add_paragraph()
    _labelled(document, "Présentation", convention.description)
    if include_internal:
        _labelled(document, "Notes internes (Caf et coordination)", convention.internal_notes)
    generated = document.add_paragraph(
        f"Document produit par Pilote CTG le {french_date(timezone.localdate())}."
    )
    generated.runs[0].italic = True
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _heading_text(row: PlanRow) -> str:
    name = f"{row.level} {row.number}" if row.number else row.level
    return f"{name} – {row.title}"


def _section(document, styles: _Styles, row: PlanRow) -> None:
    styles.heading(_heading_text(row), row.depth + 1)
    if row.internal:
        _labelled(document, "Interne", "visible seulement par la Caf et la coordination")
    _labelled(document, "Objectif", row.objective)
    _labelled(document, "Description", row.description)
    _labelled(document, "Résultat attendu", row.expected_result)
    _labelled(document, "Public cible", row.target_public)
    has_fiche = any(
        (row.objective, row.description, row.expected_result, row.target_public, row.pilots)
    )
    if has_fiche or not row.whole_territory:
        _labelled(document, "Territoire concerné", row.territory)
    _labelled(document, "Pilotes", ", ".join(row.pilots))
    _labelled(document, "Partenaires", ", ".join(row.partners))
    _labelled(document, "Thématiques", ", ".join(row.thematics))
    _labelled(document, "Priorité", row.priority)
    _labelled(document, "Origine", row.origin)
    _labelled(document, "Période prévue", row.period)
    if row.budget_lines:
        _labelled(document, "Budget", f"{french_euros(row.budget_total)} au total")
        for line in row.budget_lines:
            styles.add(str(line), "List Bullet")
    if row.indicators:
        document.add_paragraph().add_run("Indicateurs").bold = True
        for indicator in row.indicators:
            styles.add(str(indicator), "List Bullet")
    if row.latest:
        latest = row.latest
        _labelled(
            document,
            "Dernier point de suivi",
            f"{latest.status_label}, {french_percent(latest.progress)} ({latest.period_label}, "
            f"saisi le {french_date(row.latest_date)})",
        )
        _labelled(document, "Ce qui a été fait", latest.done)
        _labelled(document, "Difficultés", latest.difficulties)
        _labelled(document, "Prochaines étapes", latest.next_steps)
    elif row.tracked:
        _labelled(document, "Dernier point de suivi", "aucun point de suivi pour l’instant")
