"""The « Journal » pages: who did what and when, in a CTG or in a département; their exports."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pilote.accounts.perms import can_view_audit, can_view_departement_audit
from pilote.core.downloads import download_response
from pilote.territories.models import Departement

from .access import get_convention_for_user
from .forms import error_summary
from .journal import (
    EXPORT_FORMATS,
    JournalFilter,
    convention_events,
    departement_events,
    journal_table,
)

PAGE_SIZE = 50


def _convention(request: HttpRequest, slug: str):
    convention = get_convention_for_user(request, slug)
    if not can_view_audit(request.user, convention):
        raise PermissionDenied(
            "Le journal d’une CTG est réservé à la Caf du département et à la coordination."
        )
    return convention


def _departement(request: HttpRequest, code: str) -> Departement:
    departement = get_object_or_404(Departement, code=code)
    if not can_view_departement_audit(request.user, departement.code):
        raise PermissionDenied("Le journal d’un département est réservé aux conseillers de sa Caf.")
    return departement


def _page(
    request: HttpRequest, template: str, events, context: dict, export: tuple[str, dict]
) -> HttpResponse:
    filterset = JournalFilter(request.GET or None, events)
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    suffix = f"?{query.urlencode()}" if query else ""
    view_name, kwargs = export
    exports = [
        (spec.label, reverse(view_name, kwargs={**kwargs, "extension": spec.extension}) + suffix)
        for spec in EXPORT_FORMATS.values()
    ]
    return render(
        request,
        template,
        {
            **context,
            "filter": filterset,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "ellipsis": Paginator.ELLIPSIS,
            "is_filtered": any(v for k, v in request.GET.items() if k != "page"),
            "errors": error_summary(filterset.form) if filterset.is_bound else [],
            "exports": exports,
            "retention_days": settings.AUDIT_RETENTION_DAYS,
        },
    )


def _export(request: HttpRequest, events, extension: str, title: str, name: str, **options):
    spec = EXPORT_FORMATS.get(extension)
    if spec is None:
        raise Http404("Format d’export inconnu.")
    filterset = JournalFilter(request.GET or None, events)
    # Unfiltered: every event; filters that do not hold (a period ending before it starts): none.
    rows = events.none() if filterset.is_bound and not filterset.is_valid() else filterset.qs
    content = spec.write(journal_table(title, rows, **options))
    return download_response(content, f"journal-{name}.{spec.extension}", spec.content_type)


@require_GET
def convention_journal(request: HttpRequest, slug: str) -> HttpResponse:
    """List the CTG's events, filtered and paginated (Caf adviser, coordination)."""
    convention = _convention(request, slug)
    return _page(
        request,
        "conventions/journal.html",
        convention_events(convention),
        {"convention": convention},
        ("journal:convention_export", {"slug": convention.slug}),
    )


@require_GET
def convention_journal_export(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    """Return the CTG's events, as filtered on the page, as CSV or XLSX."""
    convention = _convention(request, slug)
    return _export(
        request,
        convention_events(convention),
        extension,
        f"Journal – {convention.name}",
        convention.slug,
        with_convention=False,
    )


@require_GET
def departement_journal(request: HttpRequest, code: str) -> HttpResponse:
    """List the events of the département's CTGs and the logins of its people (its Caf)."""
    departement = _departement(request, code)
    return _page(
        request,
        "conventions/journal_departement.html",
        departement_events(departement),
        {"departement": departement},
        ("journal:departement_export", {"code": departement.code}),
    )


@require_GET
def departement_journal_export(request: HttpRequest, code: str, extension: str) -> HttpResponse:
    """Return the département's events, as filtered on the page, as CSV or XLSX."""
    departement = _departement(request, code)
    return _export(
        request,
        departement_events(departement),
        extension,
        f"Journal – {departement}",
        f"departement-{departement.code}",
        with_convention=True,
    )
