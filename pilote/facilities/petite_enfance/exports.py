"""A schéma pluriannuel as files ready to send to the CDSF: XLSX (openpyxl) and PDF (reportlab).

Both hold the AO, the CTG and its period, the table of seed 003 (one line per mode, the places or
ETP for each year, the needs and projects), the checklist of D. 214-10-1 with its verdict and the
date of generation. The PDF uses reportlab's standard Helvetica, whose WinAnsi encoding covers
French (é è à ç œ ’ « » €); the few characters it lacks are replaced by their nearest equivalent.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pilote.conventions.models import Convention
from pilote.core.formats import french_number
from pilote.core.formulas import guard_workbook

from ..models import Schema, SchemaLine
from .overview import Checklist
from .services import TEXT_COLUMNS

TITLE = "Schéma pluriannuel de maintien et de développement de l'offre d'accueil du jeune enfant"
TEXT_HEADERS = {
    "jobs_needs": "Besoins en emplois et compétences",
    "other_needs": "Autres besoins identifiés",
    "investment_projects": "Projets d'investissement",
    "costs_calendar": "Coûts et calendrier prévisionnels",
    "engineering": "Ingénierie et moyens humains",
}


@dataclass(frozen=True)
class SchemaDocument:
    """What both exports show, read once."""

    convention: Convention
    schema: Schema
    ao_name: str
    lines: list[SchemaLine]
    checklist: Checklist
    generated_on: datetime.date

    @property
    def years(self) -> list[int]:
        return self.convention.years

    @property
    def period(self) -> str:
        years = self.years
        return f"{years[0]}–{years[-1]}"

    @property
    def heading(self) -> str:
        zone = f" – zone : {self.schema.zone}" if self.schema.zone else ""
        return f"Autorité organisatrice : {self.ao_name}{zone}"

    @property
    def verdict(self) -> str:
        checklist = self.checklist
        if checklist.can_stand_in:
            return (
                f"Les {checklist.total} contenus attendus par l'article D. 214-10-1 du CASF sont "
                "traités : la CTG peut tenir lieu de schéma pluriannuel."
            )
        return (
            f"{checklist.covered_count} contenu(s) sur {checklist.total} traité(s) : la CTG ne "
            "peut pas encore tenir lieu de schéma pluriannuel."
        )

    def dates(self) -> str:
        parts = []
        if self.schema.adopted_on:
            parts.append(f"adopté le {self.schema.adopted_on:%d/%m/%Y}")
        if self.schema.sent_to_cdsf_on:
            parts.append(f"envoyé au CDSF le {self.schema.sent_to_cdsf_on:%d/%m/%Y}")
        return ", ".join(parts)


def build_document(
    convention: Convention, schema: Schema, ao_name: str, checklist: Checklist
) -> SchemaDocument:
    """Return the export's content; `schema` comes from schema_with_details (lines and years)."""
    return SchemaDocument(
        convention=convention,
        schema=schema,
        ao_name=ao_name,
        lines=list(schema.lines.all()),
        checklist=checklist,
        generated_on=timezone.localdate(),
    )


def _year_values(line: SchemaLine) -> dict[int, Decimal]:
    return {row.year: row.value for row in line.years.all()}


def _mode_text(line: SchemaLine) -> str:
    return line.get_mode_display()


def filename(document: SchemaDocument, extension: str) -> str:
    zone = f"-{slugify(document.schema.zone)}" if document.schema.zone else ""
    return (
        f"schema-{slugify(document.ao_name)}{zone}-{document.period.replace('–', '-')}.{extension}"
    )


# ------------------------------------------------------------------------------------------ XLSX


def schema_workbook(document: SchemaDocument) -> bytes:
    """Return the XLSX file of a schéma: the table, then the checklist on a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Schéma"
    years = document.years
    headers = [
        "Mode d'accueil ou dispositif",
        "Précision",
        "Nombre de structures",
        "Unité",
        "Places ou ETP actuels",
        *(str(year) for year in years),
        *(TEXT_HEADERS[name] for name in TEXT_COLUMNS),
    ]
    bold = Font(bold=True)
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([document.heading])
    sheet.append([f"{document.convention.name} – période {document.period}"])
    sheet.append([document.dates() or "Dates d'adoption et d'envoi au CDSF non renseignées"])
    sheet.append([f"Généré par Pilote CTG le {document.generated_on:%d/%m/%Y}"])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(headers)
    fill = PatternFill("solid", fgColor="E3E3FD")
    for cell in sheet[header_row]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for line in document.lines:
        values = _year_values(line)
        row = [
            _mode_text(line),
            line.label,
            line.structure_count,
            line.get_unit_display(),
            line.current_value,
            *(values.get(year) for year in years),
            *(getattr(line, name) for name in TEXT_COLUMNS),
        ]
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.##"
    widths = [24, 22, 12, 8, 12, *([9] * len(years)), *([40] * len(TEXT_COLUMNS))]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    if document.schema.notes:
        sheet.append([])
        sheet.append(["Observations", document.schema.notes])
        sheet.cell(row=sheet.max_row, column=1).font = bold

    checks = workbook.create_sheet("Contenus D. 214-10-1")
    checks.append(["Contenus attendus du schéma (article D. 214-10-1 du CASF)"])
    checks["A1"].font = Font(bold=True, size=13)
    checks.append([document.verdict])
    checks.append([])
    checks.append(["Contenu attendu", "Traité dans la CTG", "Où le trouver"])
    for cell in checks[checks.max_row]:
        cell.font = bold
        cell.fill = fill
    for row in document.checklist.rows:
        checks.append([row.label, "Oui" if row.covered else "Non", row.reference])
        for cell in checks[checks.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABC", (70, 18, 50), strict=True):
        checks.column_dimensions[column].width = width

    workbook.properties.title = f"Schéma pluriannuel – {document.ao_name}"
    workbook.properties.creator = "Pilote CTG"
    guard_workbook(workbook)  # free texts (titles, names, notes) that look like formulas stay text
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------- PDF

# Characters that WinAnsi (Helvetica) lacks, and what to print instead.
_REPLACEMENTS = {
    "\u202f": "\u00a0",  # narrow no-break space
    "\u2009": " ",
    "\u2011": "-",
    "\u2212": "-",  # minus sign
    "\u2265": ">=",
    "\u2264": "<=",
    "\u2192": "->",
}


def winansi(text: str) -> str:
    """Return text that Helvetica's WinAnsi encoding can print."""
    out = []
    for char in str(text):
        char = _REPLACEMENTS.get(char, char)
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            char = (
                unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii") or "?"
            )
        out.append(char)
    return "".join(out)


def pdf_text(text: str) -> str:
    """Return text for a reportlab Paragraph: printable, escaped, line breaks kept."""
    return escape(winansi(text)).replace("\n", "<br/>")


@dataclass(frozen=True)
class _PdfStyles:
    title: object
    heading: object
    body: object
    cell: object
    cell_bold: object
    number: object

    def p(self, text, style=None):
        from reportlab.platypus import Paragraph

        return Paragraph(pdf_text(text), style or self.cell)


def _pdf_styles() -> _PdfStyles:
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["Normal"], fontSize=7, leading=8.5)
    cell.alignment = TA_LEFT
    return _PdfStyles(
        title=ParagraphStyle("title", parent=styles["Title"], fontSize=14, leading=17, alignment=0),
        heading=ParagraphStyle("heading", parent=styles["Heading2"], fontSize=12, leading=15),
        body=ParagraphStyle("body", parent=styles["Normal"], fontSize=9, leading=11),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName="Helvetica-Bold"),
        number=ParagraphStyle("number", parent=cell, alignment=TA_RIGHT),
    )


def schema_pdf(document: SchemaDocument) -> bytes:
    """Return the PDF of a schéma: landscape A4, the table with wrapped text, the checklist."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    buffer = BytesIO()
    page_size = landscape(A4)
    margin = 10 * mm
    generated = f"Généré par Pilote CTG le {document.generated_on:%d/%m/%Y}"

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(margin, 6 * mm, winansi(f"{document.heading} – {generated}"))
        canvas.drawRightString(page_size[0] - margin, 6 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=12 * mm,
        title=f"Schéma pluriannuel – {document.ao_name}",
        author="Pilote CTG",
        subject=document.convention.name,
    )
    styles = _pdf_styles()
    story = [
        Paragraph(pdf_text(TITLE), styles.title),
        Paragraph(pdf_text(document.heading), styles.heading),
        Paragraph(
            pdf_text(f"{document.convention.name} – période de la CTG : {document.period}"),
            styles.body,
        ),
    ]
    if document.dates():
        story.append(Paragraph(pdf_text(document.dates().capitalize() + "."), styles.body))
    story += [Paragraph(pdf_text(generated), styles.body), Spacer(1, 4 * mm)]
    story += [_pdf_table(document, styles, page_size[0] - 2 * margin), Spacer(1, 4 * mm)]
    if document.schema.notes:
        story.append(Paragraph(pdf_text(f"Observations : {document.schema.notes}"), styles.body))
        story.append(Spacer(1, 3 * mm))
    story += _pdf_checklist(document, styles)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _pdf_table(document: SchemaDocument, styles: _PdfStyles, available: float):
    """Return the schéma's table: one row per line, its years, then its text columns."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable

    p, bold, number = styles.p, styles.cell_bold, styles.number
    years = document.years
    header = [
        p("Mode d'accueil ou dispositif", bold),
        p("Précision", bold),
        p("Structures", bold),
        p("Unité", bold),
        p("Actuel", bold),
        *(p(str(year), bold) for year in years),
        *(p(TEXT_HEADERS[name], bold) for name in TEXT_COLUMNS),
    ]
    rows = [header]
    for line in document.lines:
        values = _year_values(line)
        rows.append(
            [
                p(_mode_text(line)),
                p(line.label),
                p("" if line.structure_count is None else str(line.structure_count), number),
                p(line.get_unit_display()),
                p(french_number(line.current_value), number),
                *(p(french_number(values.get(year)), number) for year in years),
                *(p(getattr(line, name)) for name in TEXT_COLUMNS),
            ]
        )
    if not document.lines:
        rows.append(
            [p("Aucune ligne saisie dans le tableau du schéma.")] + [""] * (len(header) - 1)
        )
    fixed = [26 * mm, 22 * mm, 15 * mm, 11 * mm, 12 * mm, *([12 * mm] * len(years))]
    text_width = (available - sum(fixed)) / len(TEXT_COLUMNS)
    table = LongTable(rows, colWidths=[*fixed, *([text_width] * len(TEXT_COLUMNS))], repeatRows=1)
    table.setStyle(
        [
            *_grid(colors),
            ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ]
    )
    return table


def _pdf_checklist(document: SchemaDocument, styles: _PdfStyles) -> list:
    """Return the checklist part: its heading, the verdict and the table of expected contents."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, Spacer

    p, bold = styles.p, styles.cell_bold
    check_rows = [[p("Contenu attendu", bold), p("Traité", bold), p("Où le trouver", bold)]]
    check_rows += [
        [p(row.label), p("Oui" if row.covered else "Non"), p(row.reference)]
        for row in document.checklist.rows
    ]
    checks = LongTable(
        check_rows, colWidths=[130 * mm, 18 * mm, 100 * mm], repeatRows=1, hAlign="LEFT"
    )
    checks.setStyle(_grid(colors))
    heading = "Contenus attendus du schéma (article D. 214-10-1 du CASF)"
    return [
        Paragraph(pdf_text(heading), styles.heading),
        Paragraph(pdf_text(document.verdict), styles.body),
        Spacer(1, 2 * mm),
        checks,
    ]


def _grid(colors) -> list:
    return [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#929292")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E3E3FD")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
