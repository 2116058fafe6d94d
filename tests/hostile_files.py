"""Small hostile uploads, generated: zip bombs, lying zips, far cells, deep JSON (issue 13).

Shared by the tests (tests/imports, tests/core, tests/exchange) and bench/hostile_uploads.py.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCX_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_XLSX_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
_XLSX_RELS = _DOCX_RELS.replace("word/document.xml", "xl/workbook.xml")
_XLSX_WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_XLSX_WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SHEET_HEAD = (
    '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main"><sheetData>'
)
MEGABYTE = 1024 * 1024


def _zip(members: dict[str, bytes | str], *, repeated: tuple[str, bytes, bytes, int] | None = None):
    """Return a zip of these members; `repeated`: (name, head, chunk, times) written in a stream."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members.items():
            stored = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=stored)
        if repeated:
            name, head, chunk, times = repeated
            with archive.open(name, "w", force_zip64=True) as stream:
                stream.write(head)
                for _ in range(times):
                    stream.write(chunk)
    return buffer.getvalue()


def docx_document(body: str) -> bytes:
    """Return a minimal DOCX whose body is this XML."""
    document = (
        f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )
    return _zip(
        {
            "[Content_Types].xml": _DOCX_TYPES,
            "_rels/.rels": _DOCX_RELS,
            "word/document.xml": document,
        }
    )


def docx_bomb(megabytes: int = 150) -> bytes:
    """Return a DOCX of empty paragraphs: about 250 KB that expand to `megabytes` MB."""
    head = f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>'.encode()
    return _zip(
        {"[Content_Types].xml": _DOCX_TYPES, "_rels/.rels": _DOCX_RELS},
        repeated=("word/document.xml", head, b"<w:p/>" * (MEGABYTE // 6), megabytes),
    )


def docx_bomb_under_limit() -> bytes:
    """Return a DOCX of empty paragraphs just under the size limit (95 MB decompressed)."""
    return docx_bomb(95)


def docx_empty_paragraphs(count: int = 60_000) -> bytes:
    """Return a small DOCX (a few KB) of one heading and `count` empty paragraphs."""
    return docx_document(
        "<w:p><w:r><w:t>Axe 1 : Petite enfance</w:t></w:r></w:p>" + "<w:p/>" * count
    )


def lying_zip(data: bytes, name: str, declared: int = 1000) -> bytes:
    """Return the zip with `name` declaring `declared` bytes (and their CRC) while holding more."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
        prefix = archive.read(name)[:declared]
    crc = zlib.crc32(prefix)
    patched = bytearray(data)
    encoded = name.encode()
    # The local header (CRC at 14, size at 22) and the central directory entry (CRC at 16, size
    # at 24) both say `declared` bytes.
    local = info.header_offset
    struct.pack_into("<L", patched, local + 14, crc)
    struct.pack_into("<L", patched, local + 22, declared)
    central = patched.find(b"PK\x01\x02", local + 1)
    while patched[central + 46 : central + 46 + len(encoded)] != encoded:
        central = patched.find(b"PK\x01\x02", central + 1)
    struct.pack_into("<L", patched, central + 16, crc)
    struct.pack_into("<L", patched, central + 24, declared)
    return bytes(patched)


def docx_lying() -> bytes:
    """Return a DOCX whose document.xml says 1 000 bytes but inflates to 20 MB."""
    body = "<w:p><w:r><w:t>Axe 1</w:t></w:r></w:p>" + "<w:p/>" * (20 * MEGABYTE // 6)
    return lying_zip(docx_document(body), "word/document.xml")


def xlsx_sheet(sheet_data: str) -> bytes:
    """Return a minimal XLSX whose first sheet holds this sheetData."""
    return _zip(
        {
            "[Content_Types].xml": _XLSX_TYPES,
            "_rels/.rels": _XLSX_RELS,
            "xl/workbook.xml": _XLSX_WORKBOOK,
            "xl/_rels/workbook.xml.rels": _XLSX_WORKBOOK_RELS,
            "xl/worksheets/sheet1.xml": _SHEET_HEAD + sheet_data + "</sheetData></worksheet>",
        }
    )


def _inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_far_cell() -> bytes:
    """Return a 1.5 KB XLSX with a cell in A1 and one in XFD1048576 (python-calamine: 500 GB)."""
    return xlsx_sheet(
        f'<row r="1">{_inline("A1", "Intitulé")}</row>'
        f'<row r="1048576">{_inline("XFD1048576", "x")}</row>'
    )


def xlsx_bomb(megabytes: int = 150) -> bytes:
    """Return an XLSX whose sheet expands to `megabytes` MB of empty rows."""
    head = (_SHEET_HEAD + f'<row r="1">{_inline("A1", "Intitulé")}</row>').encode()
    return _zip(
        {
            "[Content_Types].xml": _XLSX_TYPES,
            "_rels/.rels": _XLSX_RELS,
            "xl/workbook.xml": _XLSX_WORKBOOK,
            "xl/_rels/workbook.xml.rels": _XLSX_WORKBOOK_RELS,
        },
        repeated=("xl/worksheets/sheet1.xml", head, b"<row/>" * (MEGABYTE // 6), megabytes),
    )


def xlsx_bomb_under_limit() -> bytes:
    """Return an XLSX of empty rows just under the size limit (95 MB decompressed)."""
    return xlsx_bomb(95)


def ods_repeated() -> bytes:
    """Return an ODS with a non-empty cell repeated on 16 384 columns and a million rows."""
    from odfdo import Document, Table

    document = Document("spreadsheet")
    document.body.clear()
    table = Table("Plan")
    table.set_value((0, 0), "Intitulé")
    document.body.append(table)
    buffer = io.BytesIO()
    document.save(buffer)
    row = (
        b'<table:table-row table:number-rows-repeated="1048575">'
        b'<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
        b"<text:p>x</text:p></table:table-cell></table:table-row>"
    )
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["content.xml"] = members["content.xml"].replace(
        b"</table:table>", row + b"</table:table>"
    )
    return _zip(members)


def zip_of_many_members(count: int = 5_000) -> bytes:
    """Return a DOCX-looking zip of `count` empty members."""
    members = {f"word/media/{index}.xml": "" for index in range(count)}
    return _zip({"word/document.xml": "<w:document/>", **members})


def nested_json(depth: int = 100_000) -> bytes:
    """Return a JSON document of `depth` nested lists (a few hundred KB)."""
    return b"[" * depth + b"]" * depth
