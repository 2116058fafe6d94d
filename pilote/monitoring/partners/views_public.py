"""The partner's one-page form, opened by a personal link without an account.

An unknown, tampered, expired or revoked token gets the same 404 page: the page never says
whether a CTG or a link exists. The page shows the actions the link names and nothing else of
the CTG (no internal notes, no other action, no people), is not indexed and sends its address
(with the token) to no other site.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from pilote.plans.models import Indicator

from ..queries import latest_updates
from . import services
from .forms import ReportForm
from .models import SubmissionState
from .queries import number_key

FOREIGN_ACTION = "Ce formulaire ne permet de rendre compte que des actions nommées par votre lien."


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _invalid(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "monitoring/partners/invalid.html", status=404))


def _blocks(request: HttpRequest, link) -> list[tuple]:
    """Return each named action with its form and its latest status (read only)."""
    nodes = sorted(
        # Never an internal action (pilote.plans.visibility), even one named before it became so.
        link.actions.public()
        .select_related("level")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk"))
        ),
        key=number_key,
    )
    latest = latest_updates(
        link.convention, node_ids={node.pk for node in nodes}, include_internal=False
    )
    data = request.POST if request.method == "POST" else None
    return [
        (
            node,
            ReportForm(
                data,
                convention=link.convention,
                indicators=node.indicators.all(),
                prefix=f"action-{node.pk}",
            ),
            latest.get(node.pk),
        )
        for node in nodes
    ]


@login_not_required
@never_cache
def partner_form(request: HttpRequest, token: str) -> HttpResponse:
    """Show the named actions' form; on a valid submit keep it pending and say thank you."""
    link = services.find_link(token)
    if link is None:
        return _invalid(request)
    blocks = _blocks(request, link)
    error = ""
    status = 200
    if request.method == "POST":
        allowed = {str(node.pk) for node, _, _ in blocks}
        if not set(request.POST.getlist("actions")) <= allowed:
            error, status = FOREIGN_ACTION, 400
        elif all(form.is_valid() for _, form, _ in blocks):
            reports = [_report(node, form) for node, form, _ in blocks if form.is_filled]
            try:
                services.submit(link, reports)
            except services.PartnerError as failure:
                error, status = str(failure), 400
            else:
                return _private(redirect("monitoring:partner_thanks", token=token))
        else:
            error = "Le formulaire contient des erreurs : corrigez les champs signalés."
    context = {"link": link, "convention": link.convention, "blocks": blocks, "error": error}
    return _private(render(request, "monitoring/partners/public_form.html", context, status=status))


def _report(node, form: ReportForm) -> services.ActionReport:
    data = form.cleaned_data
    return services.ActionReport(
        node=node,
        status=data["status"],
        progress=data["progress"],
        done=data["done"],
        difficulties=data["difficulties"],
        next_steps=data["next_steps"],
        measurements=data["measurements"],
    )


@login_not_required
@never_cache
def partner_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """Thank the partner and list what waits for the coordination's validation."""
    link = services.find_link(token)
    if link is None:
        return _invalid(request)
    pending = sorted(
        (
            submission.node
            for submission in link.submissions.filter(
                state=SubmissionState.PENDING, node__is_internal=False
            ).select_related("node")
        ),
        key=number_key,
    )
    context = {"link": link, "convention": link.convention, "pending": pending, "token": token}
    return _private(render(request, "monitoring/partners/thanks.html", context))
