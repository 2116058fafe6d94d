"""The « Membres » page of a CTG: who has which role, invitations, role changes, suspensions."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from pilote.accounts.enums import Role
from pilote.accounts.forms_people import InviteForm, RoleChangeForm, RoleForm
from pilote.accounts.models import Invitation, Membership, Organisation, User
from pilote.accounts.perms import (
    CTG_ROLES,
    can_change_membership,
    can_manage_members,
    invitable_roles,
)
from pilote.conventions.access import get_convention_for_user
from pilote.conventions.models import Convention

from . import members, services
from .services import PeopleError


def _convention_for_manager(request: HttpRequest, slug: str) -> Convention:
    """Return the CTG if the user may manage its members (404 if hidden, 403 if not allowed)."""
    convention = get_convention_for_user(request, slug)
    prefetch_related_objects([request.user], "memberships")
    if not can_manage_members(request.user, convention):
        raise PermissionDenied("Seuls la coordination de la CTG et la Caf gèrent ses membres.")
    return convention


def _breadcrumb(convention: Convention, current: str, *, members_link: bool = False) -> dict:
    links = [
        {"url": reverse("conventions:list"), "title": "Conventions"},
        {"url": convention.get_absolute_url(), "title": convention.name},
    ]
    if members_link:
        links.append({"url": reverse("people:members", args=[convention.slug]), "title": "Membres"})
    return {"links": links, "current": current, "root_dir": reverse("conventions:list")}


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@require_http_methods(["GET"])
def members_page(request: HttpRequest, slug: str) -> HttpResponse:
    """List the CTG's roles, the Caf advisers of its département and the open invitations."""
    convention = _convention_for_manager(request, slug)
    return render(
        request,
        "people/members.html",
        {
            "convention": convention,
            "rows": members.member_rows(convention, request.user),
            "caf_advisers": list(members.caf_advisers(convention)),
            "invitations": members.open_invitations(convention, request.user),
            "breadcrumb": _breadcrumb(convention, "Membres"),
        },
    )


def _organisation(form: RoleForm) -> Organisation | None:
    """Return the chosen organisation, or the typed one (created if its name is new)."""
    cleaned = form.cleaned_data
    if cleaned["role"] != Role.REFERENT:
        return None
    if cleaned.get("organisation"):
        return cleaned["organisation"]
    name = cleaned["new_organisation"].strip()
    existing = Organisation.objects.filter(name__iexact=name).first()
    return existing or Organisation.objects.create(name=name)


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite someone by e-mail with a role in the CTG (or, for Caf, in its département)."""
    convention = _convention_for_manager(request, slug)
    form = InviteForm(
        request.POST if request.method == "POST" else None,
        roles=invitable_roles(request.user, convention),
        organisations=members.ctg_organisations(convention),
        departement_name=str(convention.departement),
    )
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            with transaction.atomic():
                invitation = services.invite(
                    by=request.user,
                    email=cleaned["email"],
                    role=cleaned["role"],
                    convention=convention,
                    departement=convention.departement,
                    organisation=_organisation(form),
                    base_url=_base_url(request),
                )
        except PeopleError as error:
            form.add_error(None, error.message)
        except IntegrityError:
            form.add_error(None, "Cette organisation vient d’être créée par ailleurs : réessayez.")
        else:
            messages.success(
                request,
                f"Invitation envoyée à {invitation.email} ({invitation.get_role_display()}).",
            )
            return redirect("people:members", slug=convention.slug)
    return render(
        request,
        "people/invite.html",
        {
            "convention": convention,
            "form": form,
            "max_age_days": settings.INVITATION_MAX_AGE_DAYS,
            "breadcrumb": _breadcrumb(convention, "Inviter", members_link=True),
        },
    )


def _invitation(convention: Convention, pk: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.filter(convention=convention)
        | Invitation.objects.filter(
            role=Role.CAF_ADVISER, departement_id=convention.departement_id
        ),
        pk=pk,
    )


@require_POST
def resend_invitation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = _convention_for_manager(request, slug)
    invitation = _invitation(convention, pk)
    try:
        services.resend(invitation, by=request.user, base_url=_base_url(request))
    except PeopleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Invitation renvoyée à {invitation.email} : le lien précédent ne sert plus."
        )
    return redirect("people:members", slug=convention.slug)


@require_POST
def withdraw_invitation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = _convention_for_manager(request, slug)
    invitation = _invitation(convention, pk)
    try:
        services.withdraw(invitation, by=request.user)
    except PeopleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Invitation de {invitation.email} retirée : son lien ne sert plus."
        )
    return redirect("people:members", slug=convention.slug)


@require_http_methods(["GET", "POST"])
def change_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Give a member another role of the CTG (and, for a référent·e, the organisation)."""
    convention = _convention_for_manager(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=pk, convention=convention
    )
    roles = [
        role
        for role in CTG_ROLES
        if role != membership.role
        and can_change_membership(request.user, membership, convention, new_role=role)
    ]
    if not roles:
        raise PermissionDenied("Vous ne pouvez pas changer ce rôle.")
    form = RoleChangeForm(
        request.POST if request.method == "POST" else None,
        roles=roles,
        organisations=members.ctg_organisations(convention),
        departement_name=str(convention.departement),
        initial={"was": membership.role, "organisation": membership.organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            with transaction.atomic():
                services.change_role(
                    membership,
                    convention=convention,
                    by=request.user,
                    role=cleaned["role"],
                    was=cleaned["was"],
                    organisation=_organisation(form),
                )
        except PeopleError as error:
            form.add_error(None, error.message)
        else:
            label = Role(cleaned["role"]).label
            messages.success(request, f"{membership.user} est désormais « {label} » dans la CTG.")
            return redirect("people:members", slug=convention.slug)
    return render(
        request,
        "people/role_change.html",
        {
            "convention": convention,
            "membership": membership,
            "form": form,
            "breadcrumb": _breadcrumb(convention, "Changer un rôle", members_link=True),
        },
    )


@require_POST
def remove_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = _convention_for_manager(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, convention=convention
    )
    try:
        services.remove_role(membership, convention=convention, by=request.user)
    except PeopleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Rôle « {membership.get_role_display()} » retiré à {membership.user} ; "
            "son compte et ses autres rôles restent.",
        )
    return redirect("people:members", slug=convention.slug)


@require_POST
def suspend_account(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Suspend the account of a member (or reactivate it: action=reactiver)."""
    convention = _convention_for_manager(request, slug)
    target = get_object_or_404(
        User.objects.filter(memberships__convention=convention).distinct(), pk=pk
    )
    active = request.POST.get("action") == "reactiver"
    try:
        services.set_active(target, convention=convention, by=request.user, active=active)
    except PeopleError as error:
        messages.error(request, error.message)
    else:
        if active:
            messages.success(request, f"Le compte de {target} est réactivé.")
        else:
            messages.success(
                request,
                f"Le compte de {target} est suspendu : il ou elle ne peut plus se connecter.",
            )
    return redirect("people:members", slug=convention.slug)
