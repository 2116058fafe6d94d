"""Save a reviewed plan into a new CTG or an existing one, all or nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pilote.accounts.perms import creatable_departements
from pilote.conventions.forms import error_summary
from pilote.conventions.models import Convention
from pilote.conventions.services import ConventionError, create_convention
from pilote.core import upload_session

from .. import review
from ..exceptions import ApplyError
from ..forms import (
    NewConventionForm,
    initial_period,
)
from ..merge import apply_merge
from ..periods import period_warnings
from ..services import apply_proposal
from .common import SESSION_KEY, SHOWN_WARNINGS, with_pending
from .corrections import review_context

# --------------------------------------------------------------------------- save


@require_http_methods(["GET", "POST"])
@with_pending
def save(
    request: HttpRequest, convention: Convention | None, token: str, payload: dict
) -> HttpResponse:
    """Save the reviewed plan: into a new CTG (created in the same transaction) or this one."""
    proposal = review.without_ids(payload["proposal"])
    form = None
    if convention is None:
        departements = creatable_departements(request.user)
        form = NewConventionForm(
            request.POST or None,
            departements=departements,
            initial=initial_period(proposal),
        )
    failure = ""
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            with transaction.atomic():
                target = convention or _create(request.user, form)
                done = _apply(payload["kind"], target, proposal, request.user)
        except ConventionError as error:
            failure = error.message
        except ApplyError as error:
            failure = error.message
        else:
            upload_session.discard(request, SESSION_KEY, token)
            messages.success(request, done["message"])
            for warning in done["warnings"][:SHOWN_WARNINGS]:
                messages.warning(request, warning)
            if len(done["warnings"]) > SHOWN_WARNINGS:
                messages.warning(
                    request,
                    f"… et {len(done['warnings']) - SHOWN_WARNINGS} autres avertissements.",
                )
            return redirect("plans:tree", slug=target.slug)
    context = review_context(request, convention, token, payload)
    return render(
        request,
        "imports/save.html",
        {
            **context,
            "form": form,
            "errors": error_summary(form, extra=failure) if form is not None else [],
            "failure": failure,
        },
    )


def _create(user, form: NewConventionForm) -> Convention:
    data = form.cleaned_data
    epci = data["epci"]
    return create_convention(
        by=user,
        name=data["name"],
        departement=data["departement"],
        start_date=data["start_date"],
        end_date=data["end_date"],
        epci=epci,
        communes=list(epci.communes.all()) if epci else [],
    )


def _apply(kind: str, convention: Convention, proposal: dict, user) -> dict[str, Any]:
    """Write the proposal into the CTG; return the French message and the warnings."""
    if kind == "document":
        result = apply_proposal(convention, proposal, by=user)
        count = result.created
        message = (
            f"Le plan d'actions a été importé dans « {convention.name} » : {count} élément"
            f"{'s' if count > 1 else ''} créé{'s' if count > 1 else ''}."
        )
        return {"message": message, "warnings": result.warnings}
    result = apply_merge(convention, proposal, by=user)
    message = (
        f"Le plan d'actions a été importé dans « {convention.name} » : {result.created} "
        f"élément{'s' if result.created > 1 else ''} créé{'s' if result.created > 1 else ''}, "
        f"{result.updated} mis à jour, {result.unchanged} inchangé"
        f"{'s' if result.unchanged > 1 else ''}."
    )
    # The period warnings the review showed, once each (merge words them one per element).
    warnings = period_warnings(proposal.get("plan") or [], convention.years, label=review.label)
    return {"message": message, "warnings": warnings}
