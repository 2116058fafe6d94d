"""Upload a document or a spreadsheet and propose its plan; send the spreadsheet template."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from pilote.conventions.access import get_convention_for_user
from pilote.conventions.forms import error_summary, megabytes
from pilote.conventions.models import Convention
from pilote.core import upload_session
from pilote.core.downloads import download_response

from .. import review, review_places, template
from ..exceptions import DocumentError
from ..forms import (
    ACCEPTED,
    UploadForm,
)
from ..reading import plan_size, read_plan_file
from ..spreadsheet import SpreadsheetResult
from ..spreadsheet_columns import COLUMNS
from .common import (
    MAX_SESSION_CHARS,
    MAX_SOURCE_CHARS,
    SESSION_KEY,
    base_context,
    page_url,
    target_convention,
)

# --------------------------------------------------------------------------- upload


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Send a document or a spreadsheet; go on to the review, or see what is wrong."""
    convention = target_convention(request, slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    report: SpreadsheetResult | None = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        data = upload_file.read()
        try:
            payload, report = _read_upload(convention, data, upload_file.name)
        except DocumentError as error:
            form.add_error("file", error.message)
        else:
            if payload is not None:
                try:
                    token = _store(request, payload)
                except upload_session.UploadTooLarge as error:
                    form.add_error("file", error.message)
                else:
                    return redirect(page_url("review", convention, token=token))
            else:
                form = UploadForm()  # ready for the corrected file
    existing = plan_size(convention)
    return render(
        request,
        "imports/upload.html",
        {
            **base_context(convention),
            "form": form,
            "errors": error_summary(form),
            "report": report,
            "existing": existing,
            "accept": ACCEPTED,
            "max_size": megabytes(settings.IMPORT_MAX_BYTES),
            "columns": COLUMNS,
        },
    )


def _read_upload(
    convention: Convention | None, data: bytes, filename: str
) -> tuple[dict | None, SpreadsheetResult | None]:
    """Return the review's payload (None when the spreadsheet has errors) and the spreadsheet
    report; raise DocumentError for a document that cannot be used."""
    read = read_plan_file(convention, data, filename)
    if read.proposal is None:
        return None, read.report
    lines = _document_lines(read.document.document) if read.document else None
    return _payload(convention, read.kind, filename, read.proposal, lines), read.report


def _payload(convention, kind: str, filename: str, proposal: dict, lines) -> dict:
    review.ensure_ids(proposal)
    review_places.link_unplaced(proposal)
    return {
        "slug": convention.slug if convention else "",
        "kind": kind,
        "filename": filename,
        "proposal": proposal,
        "lines": lines,
        "undo": [],
    }


def _document_lines(document) -> list[list] | None:
    """Return (line, page, text) of each block of the document, or None when too long."""
    lines, size = [], 0
    for block in document.blocks:
        if block.cells is not None:
            text = " | ".join(" ".join(span.text for span in cell).strip() for cell in block.cells)
        else:
            text = block.text
        size += len(text) + 12
        if size > MAX_SOURCE_CHARS:
            return None
        lines.append([block.line, block.page, text])
    return lines


def _store(request: HttpRequest, payload: dict) -> str:
    try:
        return upload_session.store(request, SESSION_KEY, payload, max_chars=MAX_SESSION_CHARS)
    except upload_session.UploadTooLarge:
        if payload.get("lines") is None:
            raise
        payload["lines"] = None  # keep the review, without the document's text
        return upload_session.store(request, SESSION_KEY, payload, max_chars=MAX_SESSION_CHARS)


@require_GET
def template_file(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Send the XLSX template: empty, or with the CTG's plan to edit and import again."""
    convention = get_convention_for_user(request, slug) if slug else None
    name = f"plan-{convention.slug}.xlsx" if convention else "modele-plan-d-actions.xlsx"
    return download_response(template.template_xlsx(convention), name, template.XLSX_TYPE)
