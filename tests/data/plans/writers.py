"""Write documents the way office software does: Word (python-docx), PDF (reportlab), text.

Each writer takes the same calls (heading, para, field, table, page_break…) so that a layout
can be written once and saved in several formats where it makes sense.
"""

from __future__ import annotations

import copy
import io

from docx import Document as new_docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


class DocxOut:
    def __init__(self) -> None:
        self.doc = new_docx()
        self.num_ids: dict[str, str] = {}

    def heading(self, level: int, text: str, *, num: tuple[str, int] | None = None) -> None:
        paragraph = self.doc.add_paragraph(text, style=f"Heading {level}")
        if num:
            self._number(paragraph, *num)

    def para(self, text: str, *, bold: bool = False, caps: bool = False, style=None, num=None):
        paragraph = self.doc.add_paragraph(style=style)
        paragraph.add_run(text.upper() if caps else text).bold = bold
        if num:
            self._number(paragraph, *num)
        return paragraph

    def field(self, label: str, value: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.add_run(f"{label} : ").bold = True
        paragraph.add_run(value)

    def bullet(self, text: str) -> None:
        self.doc.add_paragraph(text, style="List Bullet")

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(self, rows: list[list[str]], *, merge: tuple[int, ...] = (), bold_first=True):
        """rows[0] is the header; columns in merge are merged vertically where equal."""
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                cell.paragraphs[0].add_run(text).bold = r == 0 and bold_first
        for column in merge:
            start = 1
            for r in range(2, len(rows) + 1):
                if r == len(rows) or rows[r][column] != rows[start][column]:
                    if r - 1 > start:
                        top = table.cell(start, column)
                        merged = top.merge(table.cell(r - 1, column))
                        for paragraph in merged.paragraphs[1:]:
                            paragraph._element.getparent().remove(paragraph._element)
                        merged.paragraphs[0].runs[0].text = rows[start][column]
                    start = r

    def fields_table(self, pairs: list[tuple[str, str]]) -> None:
        table = self.doc.add_table(rows=len(pairs), cols=2)
        table.style = "Table Grid"
        for r, (label, value) in enumerate(pairs):
            table.cell(r, 0).paragraphs[0].add_run(label).bold = True
            table.cell(r, 1).text = value

    def define_list(self, name: str, levels: list[tuple[str, str]]) -> None:
        """Add a multilevel list to numbering.xml: levels are (numFmt, lvlText)."""
        numbering = self.doc.part.numbering_part.element
        abstract_id = str(100 + len(self.num_ids))
        abstract = OxmlElement("w:abstractNum")
        abstract.set(qn("w:abstractNumId"), abstract_id)
        multi = OxmlElement("w:multiLevelType")
        multi.set(qn("w:val"), "multilevel")
        abstract.append(multi)
        for ilvl, (fmt, text) in enumerate(levels):
            level = OxmlElement("w:lvl")
            level.set(qn("w:ilvl"), str(ilvl))
            for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
                child = OxmlElement(tag)
                child.set(qn("w:val"), value)
                level.append(child)
            abstract.append(level)
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        num_id = str(200 + len(self.num_ids))
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), num_id)
        ref = OxmlElement("w:abstractNumId")
        ref.set(qn("w:val"), abstract_id)
        num.append(ref)
        numbering.append(num)
        self.num_ids[name] = num_id

    def _number(self, paragraph, name: str, ilvl: int) -> None:
        properties = paragraph._p.get_or_add_pPr()
        num_pr = OxmlElement("w:numPr")
        level = OxmlElement("w:ilvl")
        level.set(qn("w:val"), str(ilvl))
        num_id = OxmlElement("w:numId")
        num_id.set(qn("w:val"), self.num_ids[name])
        num_pr.append(level)
        num_pr.append(num_id)
        properties.append(num_pr)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


class TextOut:
    """Plain text (markdown=False) or Markdown."""

    def __init__(self, *, markdown: bool = False) -> None:
        self.lines: list[str] = []
        self.markdown = markdown

    def heading(self, level: int, text: str, **_) -> None:
        if self.markdown:
            self.lines += ["", "#" * level + " " + text, ""]
        else:
            self.lines += ["", text.upper() if level == 1 else text, ""]

    def para(self, text: str, *, bold: bool = False, caps: bool = False, **_) -> None:
        text = text.upper() if caps else text
        self.lines.append(f"**{text}**" if bold and self.markdown else text)

    def field(self, label: str, value: str) -> None:
        self.lines.append(f"**{label}** : {value}" if self.markdown else f"{label} : {value}")

    def bullet(self, text: str) -> None:
        self.lines.append(f"- {text}")

    def blank(self) -> None:
        self.lines.append("")

    def page_break(self) -> None:
        self.lines.append("\f" if not self.markdown else "")

    def table(self, rows: list[list[str]], **_) -> None:
        if self.markdown:
            self.lines.append("")
            self.lines.append("| " + " | ".join(rows[0]) + " |")
            self.lines.append("|" + "|".join("---" for _ in rows[0]) + "|")
            self.lines.extend("| " + " | ".join(row) + " |" for row in rows[1:])
            self.lines.append("")
        else:
            self.lines.extend("\t".join(row) for row in rows)

    def bytes(self) -> bytes:
        return ("\n".join(self.lines) + "\n").encode("utf-8")


class PdfOut:
    """A PDF with flowing paragraphs, a running header and footer, and page numbers."""

    def __init__(self, header: str, footer: str, *, width_cm: float = 15) -> None:
        from reportlab.lib.styles import getSampleStyleSheet

        self.story: list = []
        self.header, self.footer = header, footer
        self.width_cm = width_cm
        sheet = getSampleStyleSheet()
        self.styles = {
            1: copy.copy(sheet["Heading1"]),
            2: copy.copy(sheet["Heading2"]),
            3: copy.copy(sheet["Heading3"]),
            "p": sheet["BodyText"],
        }

    def heading(self, level: int, text: str, **_) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(_escape(text), self.styles[min(level, 3)]))

    def para(self, text: str, *, bold: bool = False, caps: bool = False, **_) -> None:
        from reportlab.platypus import Paragraph

        text = _escape(text.upper() if caps else text)
        self.story.append(Paragraph(f"<b>{text}</b>" if bold else text, self.styles["p"]))

    def field(self, label: str, value: str) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(
            Paragraph(f"<b>{_escape(label)} :</b> {_escape(value)}", self.styles["p"])
        )

    def bullet(self, text: str) -> None:
        self.para(f"• {text}")

    def table(self, rows: list[list[str]], widths: list[float], **_) -> None:
        """A drawn table; long cells wrap inside their column."""
        from reportlab.platypus import Paragraph, Table, TableStyle

        cells = [[Paragraph(_escape(text), self.styles["p"]) for text in row] for row in rows]
        table = Table(cells, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#555555")]))
        self.story.append(table)

    def page_break(self) -> None:
        from reportlab.platypus import PageBreak

        self.story.append(PageBreak())

    def bytes(self) -> bytes:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import cm
        from reportlab.platypus import SimpleDocTemplate

        buffer = io.BytesIO()
        margin = (21 - self.width_cm) / 2 * cm
        document = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, invariant=1
        )

        def decorate(canvas, doc):
            canvas.saveState()
            canvas.setFont("Helvetica", 8)
            canvas.drawString(margin, A4[1] - 1.2 * cm, self.header)
            canvas.drawString(margin, 1.2 * cm, self.footer)
            canvas.drawRightString(A4[0] - margin, 1.2 * cm, f"Page {doc.page}")
            canvas.restoreState()

        document.build(self.story, onFirstPage=decorate, onLaterPages=decorate)
        return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
