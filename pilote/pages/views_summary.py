"""The summary page of a CTG: facts, signatories, territory, plan and points of attention."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from pilote.accounts.perms import can_see_internal_notes
from pilote.conventions.access import get_convention_for_user
from pilote.core.fragments import render_fragment_page

from .summary import build_summary


@login_required
def convention_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a CTG at a glance: facts, signatories, territory, plan and points of attention."""
    convention = get_convention_for_user(request, slug)
    internal = can_see_internal_notes(request.user, convention)
    return render_fragment_page(
        request,
        "conventions/detail.html",
        name="summary",
        convention=convention,
        variant=(internal,),
        outer={
            "convention": convention,
            "breadcrumb": {
                "links": [{"url": reverse("conventions:list"), "title": "Conventions"}],
                "current": convention.name,
                "root_dir": reverse("conventions:list"),
            },
        },
        inner=lambda: {
            "summary": build_summary(convention, include_internal=internal),
            "show_internal_notes": internal,
        },
    )
