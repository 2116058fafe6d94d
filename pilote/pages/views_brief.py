"""The "en bref" page of a CTG: one page, readable on a phone, for the members of its COPIL."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pilote.conventions.access import get_convention_for_user
from pilote.plans.visibility import can_see_internal

from .brief import build_brief


@login_required
@require_GET
def convention_brief(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a CTG's status by axis, key indicators and next COPIL on one short page."""
    convention = get_convention_for_user(request, slug)
    return render(
        request,
        "conventions/brief.html",
        {
            "convention": convention,
            "brief": build_brief(
                convention, include_internal=can_see_internal(request.user, convention)
            ),
        },
    )
