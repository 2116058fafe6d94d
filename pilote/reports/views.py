"""The exports page of a CTG and its downloads: plan, follow-up table, open data.

Whoever may read the CTG may download every export; internal notes and internal items (plan
elements, follow-up points: pilote.plans.visibility) only reach those who may read them, and the
open data never holds any.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from pilote.accounts.perms import can_see_internal_notes
from pilote.conventions.access import get_convention_for_user
from pilote.conventions.models import Convention
from pilote.core import downloads
from pilote.core.downloads import download_response
from pilote.core.table_writers import FORMATS
from pilote.plans.visibility import can_see_internal

from . import docx_plan, opendata
from .spreadsheets import followup_table, plan_table

TABLES = {"plan": plan_table, "suivi": followup_table}


def _filename(slug: str, what: str, extension: str) -> str:
    return f"{slug}-{what}-{timezone.localdate().isoformat()}.{extension}"


@require_GET
def exports_page(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)

    def links(table: str) -> list[dict]:
        return [
            {
                "url": reverse(f"reports:{table}_{key}", kwargs={"slug": slug}),
                "label": spec.label,
                "filename": _filename(slug, table, key),
            }
            for key, spec in FORMATS.items()
        ]

    context = {
        "convention": convention,
        "plan_links": links("plan"),
        "followup_links": links("suivi"),
        "docx_url": reverse("reports:plan_docx", kwargs={"slug": slug}),
        "docx_filename": _filename(slug, "plan", "docx"),
        "json_url": reverse("conventions:export", kwargs={"slug": slug}),
        "opendata_url": reverse("reports:opendata", kwargs={"slug": slug}),
        "opendata_filename": opendata.filename(slug),
        "opendata_all_url": reverse("reports:opendata_all"),
        "opendata_all_filename": opendata.filename(),
        "visible_count": Convention.objects.visible_to(request.user).count(),
        "internal_notes": can_see_internal_notes(request.user, convention),
        "fields": opendata.FIELDS,
    }
    return render(request, "reports/exports.html", context)


@require_GET
def table_export(request: HttpRequest, slug: str, table: str, extension: str) -> HttpResponse:
    """Send the plan or the follow-up table as XLSX, ODS or CSV."""
    convention = get_convention_for_user(request, slug)
    spec = FORMATS[extension]
    internal = can_see_internal(request.user, convention)
    content = spec.write(TABLES[table](convention, include_internal=internal))
    return download_response(content, _filename(slug, table, extension), spec.content_type)


@require_GET
def plan_docx(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the plan as a Word document, with the internal notes for those who may read them."""
    convention = get_convention_for_user(request, slug)
    content = docx_plan.plan_document(
        convention, include_internal=can_see_internal(request.user, convention)
    )
    return download_response(content, _filename(slug, "plan", "docx"), downloads.DOCX)


@require_GET
def opendata_convention(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the open data of one CTG."""
    convention = get_convention_for_user(request, slug)
    return download_response(
        opendata.opendata_csv([convention]), opendata.filename(slug), downloads.CSV
    )


@require_GET
def opendata_all(request: HttpRequest) -> HttpResponse:
    """Send the open data of every CTG the user can see."""
    conventions = Convention.objects.visible_to(request.user)
    return download_response(opendata.opendata_csv(conventions), opendata.filename(), downloads.CSV)
