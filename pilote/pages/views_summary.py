"""The summary page of a CTG: facts, signatories, territory, plan and points of attention."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from pilote.accounts.perms import can_see_internal_notes
from pilote.conventions.access import get_convention_for_user

from .summary import build_summary


@login_required
def convention_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a CTG at a glance: facts, signatories, territory, plan and points of attention."""
    convention = get_convention_for_user(request, slug)
    return render(
        request,
        "conventions/detail.html",
        {
            "convention": convention,
            "summary": build_summary(
                convention, include_internal=can_see_internal_notes(request.user, convention)
            ),
            "show_internal_notes": can_see_internal_notes(request.user, convention),
            "breadcrumb": {
                "links": [{"url": reverse("conventions:list"), "title": "Conventions"}],
                "current": convention.name,
                "root_dir": reverse("conventions:list"),
            },
        },
    )
