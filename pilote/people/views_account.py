"""« Mon compte »: one's name and e-mail, roles, password, last login, and one's data in JSON."""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilote.accounts.forms_people import AccountForm, ApiTokenForm
from pilote.accounts.models import AccountDeletionRequest, ApiToken, Membership, User
from pilote.core.concurrency import StaleEdit, relock, render_edit, save_if_current
from pilote.core.downloads import JSON, download_response

from . import services
from .personal_data import filename, personal_data
from .services import PeopleError


def _initial(user: User) -> dict:
    return {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}


def _save(user: User, cleaned: dict) -> None:
    User.objects.filter(pk=user.pk).update(
        first_name=cleaned["first_name"].strip(),
        last_name=cleaned["last_name"].strip(),
        email=cleaned["email"],
    )


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """Show and change one's own account."""
    user = request.user
    data = request.POST if request.method == "POST" else None
    form = AccountForm(data, initial=_initial(user), user=user)
    conflict = None
    if data is not None and form.is_valid():
        try:
            save_if_current(
                data,
                form,
                lock=lambda: relock(User, user.pk, lambda: User.objects.get(pk=user.pk)),
                fresh=lambda locked: AccountForm(initial=_initial(locked), user=locked),
                changed=lambda locked: [],
                save=lambda: _save(user, form.cleaned_data),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        else:
            messages.success(request, "Votre compte est enregistré.")
            return redirect("people:account")
    roles = (
        Membership.objects.filter(user=user)
        .select_related("departement", "convention", "organisation")
        .order_by("role", "departement_id", "convention__name")
    )
    context = {
        "form": form,
        "roles": roles,
        "account_user": user,
        "deletion_request": AccountDeletionRequest.objects.filter(user=user).first(),
        "api_tokens": ApiToken.objects.filter(user=user),
        "api_token_form": ApiTokenForm(),
    }
    return render_edit(request, "people/account.html", context, form, conflict)


@require_GET
def download_my_data(request: HttpRequest) -> HttpResponse:
    """Download everything kept about oneself, as JSON."""
    # The audit log records it as every download (pilote.accounts.audit_signals).
    content = json.dumps(
        personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    return download_response(content.encode(), filename(request.user), JSON)


@require_POST
def deletion_request(request: HttpRequest) -> HttpResponse:
    """Ask for the deletion of one's account (action=demander), or withdraw the request."""
    if request.POST.get("action") == "annuler":
        services.cancel_deletion(request.user)
        messages.success(request, "Votre demande de suppression est retirée.")
        return redirect("people:account")
    try:
        services.request_deletion(request.user, message=request.POST.get("message", "")[:2000])
    except PeopleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Votre demande de suppression est enregistrée : la Caf ou l’administrateur de "
            "Pilote CTG la traitera et vous préviendra.",
        )
    return redirect("people:account")
