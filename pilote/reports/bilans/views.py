"""Documents of a bilan: PDF, DOCX, ODT or the PPTX slide deck, for the bilan's page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from pilote.conventions.access import get_convention_for_user
from pilote.core.downloads import download_response
from pilote.governance.bilans import services
from pilote.governance.bilans.access import get_review
from pilote.governance.bilans.formats import FORMATS

from .documents import bilan_filename, render_bilan


@require_GET
def review_download(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    """Send a document of the bilan: PDF, DOCX, ODT or the PPTX slide deck."""
    convention = get_convention_for_user(request, slug)
    if fmt not in FORMATS:
        raise Http404("Format inconnu.")
    review = get_review(convention, pk)
    content = services.review_content(review)
    return download_response(
        render_bilan(content, fmt), bilan_filename(content, fmt), FORMATS[fmt].content_type
    )
