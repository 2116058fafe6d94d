"""Editors' pages of the partner links: the links of a CTG, a new link, and « À valider ».

Every page is the editors' (coordination, Caf adviser, superuser): others get a 403, a user
who cannot see the CTG a 404 (get_convention_for_user).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.accounts.models import Organisation
from pilote.conventions.access import get_convention_for_user
from pilote.core.formats import plain_decimal
from pilote.plans.models import Indicator

from . import queries, services
from .emails import site_url
from .forms import LinkForm, RefusalForm, ReportForm
from .models import PartnerLink, PartnerSubmission, SubmissionState

REVIEWED_FIELDS = ("status", "progress", "done", "difficulties", "next_steps", "measurements")


def _links_url(convention) -> str:
    return reverse("monitoring:partner_links", kwargs={"slug": convention.slug})


def _review_url(convention) -> str:
    return reverse("monitoring:partner_review", kwargs={"slug": convention.slug})


def links(request: HttpRequest, slug: str) -> HttpResponse:
    """List the CTG's partner links: to whom, which actions, until when, used or not."""
    convention = get_convention_for_user(request, slug, edit=True)
    return render(
        request,
        "monitoring/partners/links.html",
        {
            "convention": convention,
            "section": "followup",
            "links": list(queries.convention_links(convention)),
            "organisations": queries.plan_organisations(convention),
            "pending": queries.pending_count(convention),
        },
    )


def _initial(request: HttpRequest, convention, actions) -> dict:
    """Return the new link's prefill: ?action=<pk> (its pilot) or ?pilote=<organisation pk>."""
    initial: dict = {}
    by_pk = {node.pk: node for node in actions}
    organisation = None
    action = request.GET.get("action", "")
    pilot = request.GET.get("pilote", "")
    if action.isdecimal() and int(action) in by_pk:
        node = by_pk[int(action)]
        initial["actions"] = [str(node.pk)]
        organisation = queries.first_pilot_with_email(node)
    elif pilot.isdecimal():
        organisation = Organisation.objects.filter(pk=int(pilot)).first()
        if organisation:
            piloted = queries.actions_piloted_by(convention, organisation.pk, actions)
            initial["actions"] = [str(pk) for pk in piloted]
    if organisation:
        initial.update(
            organisation=str(organisation.pk),
            recipient_name=organisation.name,
            email=organisation.email,
        )
    return initial


def link_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Create a link for some actions and e-mail it (prefilled from an action or a pilot)."""
    convention = get_convention_for_user(request, slug, edit=True)
    actions = queries.tracked_actions(convention)
    organisations = queries.plan_organisations(convention)
    form = LinkForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(request, convention, actions) if request.method != "POST" else None,
        convention=convention,
        actions=actions,
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {int(pk) for pk in data["actions"]}
        by_pk = {o.pk: o for o in organisations}
        try:
            link = services.create_link(
                convention,
                by=request.user,
                recipient_name=data["recipient_name"],
                email=data["email"],
                organisation=by_pk.get(int(data["organisation"] or 0)),
                actions=[node for node in actions if node.pk in chosen],
                quarter=data["period"],
                days=data["days"],
                base_url=site_url(request),
            )
        except services.PartnerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Lien envoyé à {link.recipient_name} ({link.email}) pour "
                f"{len(chosen)} action{'s' if len(chosen) > 1 else ''}.",
            )
            return redirect(_links_url(convention))
    return render(
        request,
        "monitoring/partners/link_form.html",
        {"convention": convention, "section": "followup", "form": form},
    )


def _get_link(convention, pk: int) -> PartnerLink:
    return get_object_or_404(PartnerLink, convention=convention, pk=pk)


@require_POST
def link_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    link = _get_link(convention, pk)
    try:
        services.resend_link(link, base_url=site_url(request))
    except services.PartnerError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Nouveau lien envoyé à {link.recipient_name} ({link.email}) ; le précédent ne "
            "fonctionne plus.",
        )
    return redirect(_links_url(convention))


@require_POST
def link_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    link = _get_link(convention, pk)
    services.revoke_link(link)
    messages.success(
        request, f"Le lien de {link.recipient_name} est retiré : il n’ouvre plus le formulaire."
    )
    return redirect(_links_url(convention))


def review(request: HttpRequest, slug: str) -> HttpResponse:
    """List the pending submissions, each next to its action's latest update."""
    convention = get_convention_for_user(request, slug, edit=True)
    return render(
        request,
        "monitoring/partners/review.html",
        {
            "convention": convention,
            "section": "followup",
            "submissions": queries.pending_submissions(convention),
        },
    )


def _get_pending(request: HttpRequest, convention, pk: int) -> PartnerSubmission | None:
    """Return the submission if still pending; else say who reviewed it and return None."""
    submission = get_object_or_404(
        PartnerSubmission.objects.select_related("node__level", "reviewed_by"),
        convention=convention,
        pk=pk,
    )
    if submission.state == SubmissionState.PENDING:
        return submission
    who = submission.reviewed_by.get_full_name() if submission.reviewed_by else ""
    verb = "refusé" if submission.state == SubmissionState.REFUSED else "accepté"
    messages.warning(
        request,
        f"Cet envoi a déjà été {verb}"
        + (f" par {who}" if who else "")
        + " : rien n’a été enregistré de nouveau.",
    )
    return None


@require_POST
def accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    submission = _get_pending(request, convention, pk)
    if submission is not None:
        try:
            update = services.accept(submission, by=request.user)
        except services.PartnerError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _accepted_message(submission, update))
    return redirect(_review_url(convention))


def _accepted_message(submission: PartnerSubmission, update) -> str:
    return (
        f"Point {update.period_label} de « {submission.node} » accepté : il compte désormais "
        "dans le suivi."
    )


def edit_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """« Modifier puis accepter »: the submitted values in an editable form."""
    convention = get_convention_for_user(request, slug, edit=True)
    submission = _get_pending(request, convention, pk)
    if submission is None:
        return redirect(_review_url(convention))
    indicators = Indicator.objects.filter(node_id=submission.node_id).order_by("position", "pk")
    sent = {int(m["indicator"]): m["value"] for m in submission.measurements}
    initial = {
        "status": submission.status,
        "progress": submission.progress,
        "done": submission.done,
        "difficulties": submission.difficulties,
        "next_steps": submission.next_steps,
        **{f"indicateur_{pk}": plain_decimal(value) for pk, value in sent.items()},
    }
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        convention=convention,
        indicators=indicators,
        optional=False,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {name: data[name] for name in REVIEWED_FIELDS}
        try:
            update = services.accept(submission, by=request.user, values=values)
        except services.PartnerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _accepted_message(submission, update))
            return redirect(_review_url(convention))
    return render(
        request,
        "monitoring/partners/edit.html",
        {"convention": convention, "section": "followup", "submission": submission, "form": form},
    )


def refuse(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Refuse a submission with a reason, e-mailed to its sender if asked."""
    convention = get_convention_for_user(request, slug, edit=True)
    submission = _get_pending(request, convention, pk)
    if submission is None:
        return redirect(_review_url(convention))
    form = RefusalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.refuse(
                submission,
                by=request.user,
                reason=form.cleaned_data["reason"],
                notify=form.cleaned_data["notify"],
            )
        except services.PartnerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Envoi de {submission.sender_name} refusé.")
            return redirect(_review_url(convention))
    return render(
        request,
        "monitoring/partners/refuse.html",
        {"convention": convention, "section": "followup", "submission": submission, "form": form},
    )
