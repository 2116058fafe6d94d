"""Pages of the bilans: list, preparation (texts, preview), closing.

Their documents are sent by pilote.reports.bilans.views (same URL namespace).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.access import get_convention_for_user
from pilote.conventions.forms import error_summary
from pilote.conventions.views_trash import announce_trashed
from pilote.core.concurrency import StaleEdit, page_context, relock, save_if_current
from pilote.core.formats import french_percent

from ..exceptions import GovernanceError
from ..models import Review
from . import services
from .access import get_review
from .formats import FORMATS
from .forms import ReviewCreateForm, ReviewTextsForm


def _bound(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _list_url(convention) -> str:
    return reverse("governance:reviews", kwargs={"slug": convention.slug})


def _add_error(form, error: GovernanceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _render(request, template: str, convention, title: str, crumbs=(), **context):
    links = [
        {"url": reverse("conventions:list"), "title": "Conventions"},
        {"url": convention.get_absolute_url(), "title": convention.name},
        {"url": _list_url(convention), "title": "Bilans"},
        *({"url": url, "title": label} for url, label in crumbs),
    ]
    if template == "reviews.html":
        links.pop()
    return render(
        request,
        f"governance/{template}",
        {
            "convention": convention,
            "page_title": title,
            "breadcrumb": {
                "links": links,
                "current": title,
                "root_dir": reverse("conventions:list"),
            },
            "can_edit": can_edit_convention(request.user, convention),
            "formats": FORMATS,
            **context,
        },
        status=409 if context.get("edit_conflict") else 200,
    )


@require_GET
def review_list(request: HttpRequest, slug: str) -> HttpResponse:
    """List the bilans of the CTG, closed and in preparation."""
    convention = get_convention_for_user(request, slug)
    reviews = list(
        Review.objects.filter(convention=convention)
        .select_related("meeting__body", "closed_by")
        .defer("snapshot")
        .order_by("-year", "kind", "pk")
    )
    for review in reviews:
        review.convention = convention
    today = timezone.localdate()
    initial_year = today.year if today.year in convention.years else convention.years[-1]
    form = ReviewCreateForm(convention=convention, initial={"year": initial_year})
    return _render(
        request, "reviews.html", convention, "Bilans", reviews=reviews, form=form, errors=[]
    )


@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Start the draft of a bilan."""
    convention = get_convention_for_user(request, slug, edit=True)
    form = ReviewCreateForm(_bound(request), convention=convention)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.create_review(convention, by=request.user, data=form.data_object())
        except GovernanceError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                f"Le {review} est en préparation : rédigez la synthèse, vérifiez le contenu, "
                "puis figez-le.",
            )
            return redirect(review.get_absolute_url())
    return _render(
        request,
        "review_create.html",
        convention,
        "Préparer un bilan",
        form=form,
        errors=error_summary(form),
        cancel_url=_list_url(convention),
    )


def _content_summary(content: dict) -> dict:
    """Return the figures of the preview, formatted once for the template."""
    totals = content["totals"]
    return {
        "key_figures": [
            (str(totals["actions"]), "actions suivies"),
            (
                french_percent(totals["mean_progress"]),
                "avancement moyen",
            ),
            (str(totals["done"]), "réalisées"),
            (str(totals["late"]), "en retard"),
            (str(totals["statuses"].get("sans_point", 0)), "sans point de suivi"),
        ],
        "indicator_count": len(content["indicators"]),
        "off_target": [i for i in content["indicators"] if i["off_target"]],
        "facility_count": content["facilities"]["count"],
        "decision_count": len(content["decisions"]),
    }


@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show a bilan: its content, documents, and for a draft the texts to write."""
    convention = get_convention_for_user(request, slug)
    review = get_review(convention, pk)
    can_edit = can_edit_convention(request.user, convention)
    form = conflict = None
    if not review.is_closed and can_edit:

        def build(data, read):
            initial = {**services.review_texts(read), "meeting": str(read.meeting_id or "")}
            return ReviewTextsForm(data, convention=convention, initial=initial)

        form = build(_bound(request), review)
        if request.method == "POST" and form.is_valid():
            try:
                save_if_current(
                    request.POST,
                    form,
                    lock=lambda: relock(Review, pk, lambda: get_review(convention, pk)),
                    fresh=lambda locked: build(None, locked),
                    save=lambda: services.update_review(
                        review, by=request.user, texts=form.texts(), meeting_id=form.meeting_id()
                    ),
                )
            except StaleEdit as stale:
                conflict = stale.conflict
            except GovernanceError as error:
                _add_error(form, error)
            else:
                messages.success(request, "Les textes du bilan ont été enregistrés.")
                return redirect(review.get_absolute_url())
    elif request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        messages.error(request, "Ce bilan est figé : ses textes ne peuvent plus être modifiés.")
        return redirect(review.get_absolute_url())
    content = services.review_content(review)
    previous = services.previous_review(review)
    return _render(
        request,
        "review.html",
        convention,
        str(review),
        review=review,
        content=content,
        summary=_content_summary(content),
        comparison=content.get("comparison"),
        previous=previous,
        form=form,
        errors=error_summary(form) if form is not None else [],
        **(page_context(request, form, conflict=conflict) if form is not None else {}),
    )


@require_http_methods(["GET", "POST"])
def review_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Freeze a bilan after confirmation."""
    convention = get_convention_for_user(request, slug, edit=True)
    review = get_review(convention, pk)
    if request.method == "POST":
        try:
            services.close_review(review, by=request.user)
        except GovernanceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"Le {review} est figé : ses documents resteront tels quels, quoi qu'il arrive "
                "ensuite au plan.",
            )
        return redirect(review.get_absolute_url())
    if review.is_closed:
        return redirect(review.get_absolute_url())
    return _render(
        request,
        "review_close.html",
        convention,
        f"Figer le {review}",
        crumbs=[(review.get_absolute_url(), str(review))],
        review=review,
        previous=services.previous_review(review),
    )


@require_http_methods(["GET", "POST"])
def review_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Delete a draft bilan after confirmation."""
    convention = get_convention_for_user(request, slug, edit=True)
    review = get_review(convention, pk)
    if review.is_closed:
        messages.error(
            request, "Un bilan figé ne se supprime pas : il garde ce qui a été présenté."
        )
        return redirect(review.get_absolute_url())
    if request.method == "POST":
        item = services.delete_review(review, by=request.user)
        announce_trashed(request, item, f"Le {review} en préparation a été placé")
        return redirect(_list_url(convention))
    return _render(
        request,
        "review_delete.html",
        convention,
        f"Supprimer le {review}",
        crumbs=[(review.get_absolute_url(), str(review))],
        review=review,
    )
