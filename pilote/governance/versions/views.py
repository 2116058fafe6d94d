"""Pages of the plan's versions (as signed, after each avenant, side by side) and of renewal."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.access import get_convention_for_user
from pilote.conventions.forms import error_summary
from pilote.conventions.models import Amendment, Convention

from ..exceptions import GovernanceError
from ..renewal import (
    carried_counts,
    check_can_renew,
    default_name,
    default_period,
    default_slug,
    renew_convention,
    renewal_preview,
    renewal_warnings,
)
from .forms import CompareForm, RenewalForm
from .history import ChangeKind, diff_rows, plan_history
from .services import freeze_signed_plan, record_amendment_plan


def _breadcrumb(convention: Convention, current: str, *links: tuple[str, str]) -> dict:
    return {
        "links": [
            {"url": reverse("conventions:list"), "title": "Conventions"},
            {"url": convention.get_absolute_url(), "title": convention.name},
            *({"url": url, "title": title} for url, title in links),
        ],
        "current": current,
        "root_dir": reverse("conventions:list"),
    }


def _versions_url(convention: Convention) -> str:
    return reverse("governance:versions", kwargs={"slug": convention.slug})


# ---------------------------------------------------------------------------------------------
# Versions of the plan
# ---------------------------------------------------------------------------------------------


@require_GET
def versions(request: HttpRequest, slug: str) -> HttpResponse:
    """List the versions of the plan, each with its changes from the one before."""
    convention = get_convention_for_user(request, slug)
    history = plan_history(convention)
    return render(
        request,
        "governance/versions.html",
        {
            "convention": convention,
            "history": history,
            "can_edit": can_edit_convention(request.user, convention),
            "breadcrumb": _breadcrumb(convention, "Avenants et versions du plan"),
        },
    )


@require_POST
def freeze_signed(request: HttpRequest, slug: str) -> HttpResponse:
    """Store today's plan as the plan as signed."""
    convention = get_convention_for_user(request, slug, edit=True)
    try:
        version = freeze_signed_plan(convention, by=request.user)
    except GovernanceError as error:
        messages.error(request, error.message)
    else:
        count = len(version.nodes)
        messages.success(
            request,
            f"Le plan tel que signé est figé ({count} élément{'s' if count > 1 else ''}) : "
            "les avenants lui seront comparés.",
        )
    return redirect(_versions_url(convention))


@require_http_methods(["GET", "POST"])
def record_amendment(request: HttpRequest, slug: str, amendment_pk: int) -> HttpResponse:
    """Store today's plan as the plan after an avenant; GET asks to confirm a replacement."""
    convention = get_convention_for_user(request, slug, edit=True)
    amendment = get_object_or_404(Amendment, convention=convention, pk=amendment_pk)
    history = plan_history(convention)
    step = next(s for s in history.amendments if s.amendment.pk == amendment.pk)
    if request.method == "POST":
        replace = step.version is not None
        try:
            record_amendment_plan(amendment, by=request.user, replace=replace)
        except GovernanceError as error:
            messages.error(request, error.message)
        else:
            verb = "enregistré à nouveau" if replace else "enregistré"
            messages.success(request, f"Le plan après l'avenant n° {amendment.number} est {verb}.")
        return redirect(_versions_url(convention))
    if step.version is None:
        # Recording a first time needs no confirmation: the versions page posts directly.
        return redirect(_versions_url(convention))
    return render(
        request,
        "governance/versions_replace.html",
        {
            "convention": convention,
            "step": step,
            "current": history.current,
            "breadcrumb": _breadcrumb(
                convention,
                f"Enregistrer à nouveau l'avenant n° {amendment.number}",
                (_versions_url(convention), "Avenants et versions du plan"),
            ),
        },
    )


@require_GET
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Show two versions of the plan side by side, aligned element by element."""
    convention = get_convention_for_user(request, slug)
    history = plan_history(convention)
    form = CompareForm(request.GET, history=history)
    diff = before = after = None
    rows = []
    if len(history.steps) >= 2 and form.is_valid():
        before = history.step(form.cleaned_data["before"])
        after = history.step(form.cleaned_data["after"])
        diff = diff_rows(before.rows, after.rows)
        rows = diff.changed if form.cleaned_data["changes_only"] else diff.changes
    return render(
        request,
        "governance/versions_compare.html",
        {
            "convention": convention,
            "history": history,
            "form": form,
            "errors": error_summary(form) if len(history.steps) >= 2 else [],
            "before": before,
            "after": after,
            "diff": diff,
            "rows": rows,
            "changes_only": form.is_valid() and form.cleaned_data["changes_only"],
            "kinds": list(ChangeKind),
            "breadcrumb": _breadcrumb(
                convention,
                "Comparer deux versions du plan",
                (_versions_url(convention), "Avenants et versions du plan"),
            ),
        },
    )


# ---------------------------------------------------------------------------------------------
# Renewal
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def renew(request: HttpRequest, slug: str) -> HttpResponse:
    """Create the next CTG from this one (Caf advisers; coordinators see what would be carried)."""
    convention = get_convention_for_user(request, slug, edit=True)
    preview = renewal_preview(convention)
    try:
        check_can_renew(request.user, convention)
    except GovernanceError as error:
        refusal = error.message
    else:
        refusal = ""
    start, end = default_period(convention)
    form = RenewalForm(
        request.POST if request.method == "POST" else None,
        old=convention,
        initial={
            "name": default_name(convention, start, end),
            "slug": default_slug(convention, start, end),
            "start_date": start,
            "end_date": end,
            "carry_actions": True,
            "carry_members": True,
        },
    )
    if request.method == "POST" and not refusal and not preview.renewals and form.is_valid():
        data = form.cleaned_data
        try:
            new = renew_convention(
                convention,
                by=request.user,
                name=data["name"],
                slug=data["slug"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                carry_actions=data["carry_actions"],
                carry_members=data["carry_members"],
            )
        except GovernanceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            counts = carried_counts(new)
            messages.success(
                request,
                f"La CTG « {new.name} » a été créée en préparation à partir de « "
                f"{convention.name} » : {counts.summary}. Relisez-la et complétez-la.",
            )
            for warning in renewal_warnings(convention, new.start_date, new.end_date):
                messages.warning(request, warning)
            return redirect(new)
    elif request.method == "POST" and refusal:
        messages.error(request, refusal)
    return render(
        request,
        "governance/renewal.html",
        {
            "convention": convention,
            "preview": preview,
            "form": form,
            "errors": error_summary(form) if form.is_bound else [],
            "refusal": refusal,
            "ended": convention.end_date < timezone.localdate(),
            "breadcrumb": _breadcrumb(convention, "Renouveler la CTG"),
        },
    )
