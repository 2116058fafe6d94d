"""The page where editors publish a CTG's public page, or take it down.

The public pages themselves are in pilote.pages.views_public.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from pilote.accounts import audit
from pilote.accounts.enums import AuditAction

from . import publishing
from .access import get_convention_for_user
from .forms import error_summary
from .forms_public import PublishForm
from .services import ConventionError

PUBLISH, UNPUBLISH = "publier", "retirer"


@login_required
@require_http_methods(["GET", "POST"])
def publication(request: HttpRequest, slug: str) -> HttpResponse:
    """Confirm, then publish or take down a CTG's public page (editors only)."""
    convention = get_convention_for_user(request, slug, edit=True)
    action = request.POST.get("action") if request.method == "POST" else None
    form = PublishForm(request.POST if action == PUBLISH else None)
    if action is not None:
        try:
            if action == PUBLISH and form.is_valid():
                publishing.publish(convention, by=request.user)
                audit.record(AuditAction.PUBLISHED, request=request, convention=convention)
                messages.success(request, "La page publique de la CTG est en ligne.")
                return redirect("conventions:publication", slug=convention.slug)
            if action == UNPUBLISH:
                publishing.unpublish(convention, by=request.user)
                audit.record(AuditAction.UNPUBLISHED, request=request, convention=convention)
                messages.success(
                    request,
                    "La page publique de la CTG est retirée : son adresse ne mène plus à rien.",
                )
                return redirect("conventions:publication", slug=convention.slug)
            if action != PUBLISH:
                raise ConventionError("Action inconnue : choisissez de publier ou de retirer.")
        except ConventionError as error:
            messages.error(request, error.message)
            return redirect("conventions:publication", slug=convention.slug)
    public_url = reverse("public:convention", kwargs={"slug": convention.slug})
    return render(
        request,
        "conventions/public_confirm.html",
        {
            "convention": convention,
            "form": form,
            "errors": error_summary(form) if form.is_bound else [],
            "public_url": request.build_absolute_uri(public_url),
            "public_content": publishing.PUBLIC_CONTENT,
            "private_content": publishing.PRIVATE_CONTENT,
            "publish": PUBLISH,
            "unpublish": UNPUBLISH,
            "breadcrumb": {
                "links": [
                    {"url": reverse("conventions:list"), "title": "Conventions"},
                    {"url": convention.get_absolute_url(), "title": convention.name},
                ],
                "current": "Page publique",
                "root_dir": reverse("conventions:list"),
            },
        },
    )
