"""Download responses: the one place that writes Content-Disposition and the type of a file."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"
JSON = "application/json; charset=utf-8"
ZIP = "application/zip"


def attachment_header(filename: str, *, inline: bool = False) -> str:
    """Return the Content-Disposition value for `filename` (RFC 6266: ASCII name + filename*)."""
    return content_disposition_header(not inline, filename)


def download_response(
    content: bytes | str, filename: str, content_type: str, *, inline: bool = False
) -> HttpResponse:
    """Return a response that makes the browser save (or show, with `inline`) `content`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename, inline=inline)
    return response
