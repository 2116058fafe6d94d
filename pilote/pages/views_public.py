"""Public pages of the published CTGs (no login).

A CTG that is not published answers 404 exactly like an unknown slug: the public side never
reveals that a CTG exists. No robots meta tag: a published page is meant to be found, and a
withdrawn one drops out of search engines with its 404. Editors publish a CTG on
pilote.conventions.views_publication.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from pilote.conventions.models import Convention

from .public import build_public_page


@login_not_required
@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    """List the published CTGs: name, territory and period."""
    conventions = (
        Convention.objects.filter(is_public=True)
        .select_related("epci", "departement")
        .with_commune_count()
        .order_by("name", "pk")
    )
    return render(request, "conventions/public_index.html", {"conventions": conventions})


@login_not_required
@require_GET
def public_convention(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the plan of a published CTG and its progress, with nothing internal."""
    convention = get_object_or_404(
        Convention.objects.select_related("epci"), slug=slug, is_public=True
    )
    return render(request, "conventions/public.html", {"page": build_public_page(convention)})


@login_not_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """Say what personal data the instance keeps, why, how long, and whom to ask (docs/rgpd.md)."""
    return render(
        request,
        "conventions/privacy.html",
        {
            "controller": settings.PRIVACY_CONTROLLER,
            "contact": settings.PRIVACY_CONTACT,
            "retention": {
                "audit": getattr(settings, "AUDIT_RETENTION_DAYS", 365),
                "trash": getattr(settings, "TRASH_RETENTION_DAYS", 30),
                "invitation": getattr(settings, "INVITATION_MAX_AGE_DAYS", 14),
                "partner_link": getattr(settings, "PARTNER_LINK_MAX_AGE_DAYS", 30),
            },
        },
    )
