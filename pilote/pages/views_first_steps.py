"""The « Premiers pas » page: what a CTG is in Pilote and the five things to do first."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .first_steps import STEP_COUNT, chosen, convention_steps, visible_with_steps


@require_GET
def first_steps(request: HttpRequest) -> HttpResponse:
    """Show the first steps of the user's CTG, or the CTGs to choose from (?ctg=<slug>)."""
    conventions = visible_with_steps(request.user)
    slug = request.GET.get("ctg") or None
    current = chosen(conventions, slug)
    if slug and current is None:
        raise Http404("CTG introuvable.")
    return render(
        request,
        "pages/first_steps.html",
        {
            "conventions": conventions,
            "current": convention_steps(current, request.user) if current else None,
            "step_count": STEP_COUNT,
        },
    )
