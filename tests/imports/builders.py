"""Documents built in the tests: Word files with python-docx, PDFs with reportlab and pypdf."""

from __future__ import annotations

import io
from pathlib import Path

# A copy of ../shared/seeds (real public CTG documents), so that the tests run from any checkout.
SEEDS_DIR = Path(__file__).resolve().parents[1] / "data" / "seeds"
SEED_000 = SEEDS_DIR / "000_0c289fa766b5db35.txt"
SEED_001 = SEEDS_DIR / "001_66ef9667b532b547.txt"
SEED_003 = SEEDS_DIR / "003_fb72c8bfd925f632.txt"
DEMO_DIR = Path(__file__).resolve().parents[2] / "pilote" / "demo" / "data"


def docx_bytes(*parts) -> bytes:
    """Return a Word document: str → paragraph, ("Heading 1", text) → styled paragraph,
    [[cell, …], …] → a table (first row = headers)."""
    import docx

    document = docx.Document()
    for part in parts:
        if isinstance(part, str):
            document.add_paragraph(part)
        elif isinstance(part, tuple):
            style, text = part
            if style == "bold":
                document.add_paragraph().add_run(text).bold = True
            else:
                document.add_paragraph(text, style=style)
        else:
            table = document.add_table(rows=0, cols=len(part[0]))
            for row in part:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    if text.startswith("**") and text.endswith("**"):
                        cell.paragraphs[0].add_run(text[2:-2]).bold = True
                    else:
                        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(lines: list[str], *, pages: int = 1) -> bytes:
    """Return a PDF whose pages show these lines ("{page}" in a line: the page number)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for _page in range(pages):
        y = 800
        for line in lines:
            pdf.drawString(60, y, line.replace("{page}", str(_page + 1)))
            y -= 18
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_pages(pages: list[list[str]]) -> bytes:
    """Return a PDF with one page for each list of lines ("{page}": the page number)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for number, lines in enumerate(pages, 1):
        y = 800
        for line in lines:
            pdf.drawString(60, y, line.replace("{page}", str(number)))
            y -= 18
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_only_pdf() -> bytes:
    """Return a PDF with a drawing and no text, as a scanned document is."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.rect(50, 50, 400, 600, fill=1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf(data: bytes, *, user_password: str = "secret") -> bytes:  # noqa: S107
    """Return the PDF protected by a password (RC4: no extra cryptography library needed)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def walk(nodes: list[dict]):
    """Yield every node of an exchange-shaped plan, depth first."""
    for node in nodes:
        yield node
        yield from walk(node["children"])


def odt_bytes(*parts) -> bytes:
    """Return an OpenDocument text: str → paragraph, ("h1".."h6", text) → heading,
    ("bold", text) → paragraph in a bold style, ("item", text) → list item,
    [[cell, …], …] → a table."""
    import zipfile
    from xml.sax.saxutils import escape

    body = []
    for part in parts:
        if isinstance(part, str):
            body.append(f"<text:p>{escape(part)}</text:p>")
        elif isinstance(part, tuple) and part[0].startswith("h"):
            body.append(f'<text:h text:outline-level="{part[0][1]}">{escape(part[1])}</text:h>')
        elif isinstance(part, tuple) and part[0] == "bold":
            body.append(f'<text:p text:style-name="P1">{escape(part[1])}</text:p>')
        elif isinstance(part, tuple):
            body.append(
                f"<text:list><text:list-item><text:p>{escape(part[1])}</text:p>"
                "</text:list-item></text:list>"
            )
        else:
            rows = "".join(
                "<table:table-row>"
                + "".join(
                    f"<table:table-cell><text:p>{escape(c)}</text:p></table:table-cell>"
                    for c in row
                )
                + "</table:table-row>"
                for row in part
            )
            body.append(f"<table:table>{rows}</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">'
        '<office:automatic-styles><style:style style:name="P1" style:family="paragraph">'
        '<style:text-properties fo:font-weight="bold"/></style:style></office:automatic-styles>'
        f"<office:body><office:text>{''.join(body)}</office:text></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
