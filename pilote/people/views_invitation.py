"""The invitation link: accept a role with one's account, or create the account on the way."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pilote.accounts.enums import Role
from pilote.accounts.forms_people import NewAccountForm
from pilote.accounts.models import Invitation, User
from pilote.accounts.people_models import hash_token

from . import services
from .mail import invitation_scope
from .services import INVALID_MESSAGES, PeopleError


def _after_acceptance(invitation: Invitation) -> str:
    if invitation.role == Role.CAF_ADVISER:
        return "conventions:list"
    return invitation.convention.get_absolute_url()


def _invalid(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "people/invitation_invalid.html", {"message": message}, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation: accept it (signed in), sign in first, or create the account."""
    found = (
        Invitation.objects.select_related("convention", "departement", "invited_by", "organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if found is None:
        return _invalid(
            request,
            "Ce lien d’invitation n’existe pas ou a été remplacé par un lien plus récent. "
            "Vérifiez qu’il est complet, ou demandez à la personne qui vous a invité·e "
            "de le renvoyer.",
            404,
        )
    if not found.is_pending:
        return _invalid(request, INVALID_MESSAGES[found.state], 410)
    existing = User.objects.filter(email__iexact=found.email).order_by("pk").first()
    context = {"invitation": found, "scope": invitation_scope(found), "existing": existing}
    if existing is not None:
        return _existing_account(request, found, existing, context)
    return _new_account(request, found, token, context)


def _existing_account(request, found: Invitation, existing: User, context: dict) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "people/invitation.html", context)
    if request.user.pk != existing.pk:
        context["other_account"] = True
        return render(request, "people/invitation.html", context, status=403)
    if request.method == "POST":
        try:
            services.accept_as(found, request.user)
        except PeopleError as error:
            return _invalid(request, error.message, 410)
        messages.success(
            request, f"Vous êtes désormais « {found.get_role_display()} » pour {context['scope']}."
        )
        return redirect(_after_acceptance(found))
    return render(request, "people/invitation.html", context)


def _new_account(request, found: Invitation, token: str, context: dict) -> HttpResponse:
    if request.user.is_authenticated:
        context["other_account"] = True
        return render(request, "people/invitation.html", context, status=403)
    form = NewAccountForm(request.POST if request.method == "POST" else None, email=found.email)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            user = services.accept_with_new_account(
                found,
                first_name=cleaned["first_name"],
                last_name=cleaned["last_name"],
                password=cleaned["password1"],
            )
        except PeopleError as error:
            form.add_error(None, error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Bienvenue sur Pilote CTG : votre compte est créé, avec le rôle "
                f"« {found.get_role_display()} » pour {context['scope']}.",
            )
            return redirect(_after_acceptance(found))
    context["form"] = form
    return render(request, "people/invitation.html", context)
