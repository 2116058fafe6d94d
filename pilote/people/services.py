"""Writes about people: invitations, roles of a CTG, suspended accounts. One transaction each.

Every function checks the rules of pilote.accounts.perms itself, so that a view, a command or
the demo cannot get around them, and raises PeopleError with a French message.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pilote.accounts.audit import record
from pilote.accounts.enums import AuditAction, Role
from pilote.accounts.models import (
    AccountDeletionRequest,
    Invitation,
    Membership,
    Organisation,
    User,
)
from pilote.accounts.perms import can_change_membership, can_invite, can_suspend
from pilote.conventions.models import Convention
from pilote.territories.models import Departement

from .mail import MailNotSent, send_invitation


class PeopleError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _scope(role: str, convention: Convention | None, departement: Departement | None) -> dict:
    if role == Role.CAF_ADVISER:
        return {"departement": departement, "convention": None}
    return {"convention": convention, "departement": None}


def _expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)


def _check_not_duplicate(email: str, role: str, scope: dict) -> None:
    if Membership.objects.filter(user__email__iexact=email, role=role, **scope).exists():
        raise PeopleError(f"{email} a déjà ce rôle : aucune invitation n’a été envoyée.")
    pending = Invitation.objects.filter(
        email__iexact=email,
        role=role,
        accepted_at=None,
        withdrawn_at=None,
        expires_at__gt=timezone.now(),
        **scope,
    )
    if pending.exists():
        raise PeopleError(
            f"Une invitation de {email} pour ce rôle est déjà en attente : "
            "renvoyez-la depuis la liste des invitations."
        )


def invite(
    *,
    by: User,
    email: str,
    role: str,
    convention: Convention | None = None,
    departement: Departement | None = None,
    organisation: Organisation | None = None,
    base_url: str,
) -> Invitation:
    """Record an invitation and e-mail its personal link; return it."""
    email = email.strip().lower()
    if not can_invite(by, role, convention=convention, departement=departement):
        raise PeopleError("Vous ne pouvez pas inviter une personne avec ce rôle ici.")
    if role == Role.REFERENT and organisation is None:
        raise PeopleError(
            "Indiquez la commune ou l’organisation que représente le ou la référent·e."
        )
    scope = _scope(role, convention, departement)
    with transaction.atomic():
        _check_not_duplicate(email, role, scope)
        invitation = Invitation(
            email=email,
            role=role,
            organisation=organisation if role == Role.REFERENT else None,
            invited_by=by,
            expires_at=_expiry(),
            **scope,
        )
        token = invitation.set_new_token()
        invitation.save()
        _record_invitation(AuditAction.INVITATION_SENT, invitation, by)
        _send(invitation, token, base_url)
    return invitation


def resend(invitation: Invitation, *, by: User, base_url: str) -> Invitation:
    """Send a new link for a pending or expired invitation; the previous link stops working."""
    _check_manager(invitation, by)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at or invitation.withdrawn_at:
            raise PeopleError("Cette invitation a déjà été acceptée ou retirée.")
        token = invitation.set_new_token()
        invitation.expires_at = _expiry()
        invitation.save(update_fields=["token_hash", "expires_at"])
        _record_invitation(AuditAction.INVITATION_SENT, invitation, by, again=True)
        _send(invitation, token, base_url)
    return invitation


def _record_invitation(action: str, invitation: Invitation, by: User, **details) -> None:
    record(
        action,
        user=by,
        convention=invitation.convention,
        departement=invitation.departement,
        target=invitation.email,
        role=invitation.role,
        **details,
    )


def _send(invitation: Invitation, token: str, base_url: str) -> None:
    """E-mail the link, inside the caller's transaction: no e-mail, no invitation."""
    try:
        send_invitation(invitation, token, base_url=base_url)
    except MailNotSent as error:
        raise PeopleError(str(error)) from error


def withdraw(invitation: Invitation, *, by: User) -> None:
    """Withdraw a pending invitation: its link leads to a page saying so."""
    _check_manager(invitation, by)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise PeopleError("Cette invitation a déjà été acceptée : retirez plutôt le rôle.")
        if invitation.withdrawn_at is None:
            invitation.withdrawn_at = timezone.now()
            invitation.save(update_fields=["withdrawn_at"])
            _record_invitation(AuditAction.INVITATION_REVOKED, invitation, by)


def _check_manager(invitation: Invitation, by: User) -> None:
    allowed = can_invite(
        by,
        invitation.role,
        convention=invitation.convention,
        departement=invitation.departement,
    )
    if not allowed:
        raise PeopleError("Vous ne pouvez pas gérer cette invitation.")


def _lock_pending(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise PeopleError(INVALID_MESSAGES[invitation.state])
    return invitation


INVALID_MESSAGES = {
    "accepted": "Cette invitation a déjà été utilisée : chaque lien ne sert qu’une fois.",
    "withdrawn": "Cette invitation a été retirée par la personne qui l’avait envoyée.",
    "expired": (
        "Cette invitation a expiré : demandez à la personne qui vous a invité·e de la renvoyer."
    ),
}


def _grant(invitation: Invitation, user: User) -> Membership:
    """Give the invitation's role to the user (once) and mark the invitation used."""
    scope = _scope(invitation.role, invitation.convention, invitation.departement)
    membership = Membership.objects.filter(user=user, role=invitation.role, **scope).first()
    if membership is None:
        membership = Membership.objects.create(
            user=user, role=invitation.role, organisation=invitation.organisation, **scope
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _record_invitation(AuditAction.INVITATION_ACCEPTED, invitation, user)
    return membership


def accept_as(invitation: Invitation, user: User) -> Membership:
    """Accept the invitation for an existing account, whose e-mail must be the invited one."""
    if user.email.lower() != invitation.email.lower():
        raise PeopleError(
            "Cette invitation est adressée à une autre adresse que celle de votre compte."
        )
    with transaction.atomic():
        invitation = _lock_pending(invitation)
        return _grant(invitation, user)


def accept_with_new_account(
    invitation: Invitation, *, first_name: str, last_name: str, password: str
) -> User:
    """Create the invitee's account with this password and give the role; return the user."""
    with transaction.atomic():
        invitation = _lock_pending(invitation)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise PeopleError("Un compte existe déjà pour cette adresse : connectez-vous.")
        user = User(
            username=_free_username(invitation.email),
            email=invitation.email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise PeopleError(" ".join(error.messages)) from error
        user.set_password(password)
        user.save()
        _grant(invitation, user)
    return user


def _free_username(email: str) -> str:
    base = email[:140]
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def change_role(
    membership: Membership,
    *,
    convention: Convention,
    by: User,
    role: str,
    was: str,
    organisation: Organisation | None = None,
) -> Membership:
    """Change a role of the CTG (e.g. reader → référent), unless it changed since it was read.

    A référent·e represents an organisation: the one given, else the one already recorded.
    """
    if not can_change_membership(by, membership, convention, new_role=role):
        raise PeopleError("Vous ne pouvez pas donner ce rôle à cette personne.")
    with transaction.atomic():
        locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
        if locked is None or locked.role != was:
            raise PeopleError(
                "Ce rôle a été modifié ou retiré entre-temps : "
                "relisez la liste avant de recommencer."
            )
        taken = Membership.objects.filter(user_id=locked.user_id, role=role, convention=convention)
        if taken.exists():
            raise PeopleError("Cette personne a déjà ce rôle dans la CTG.")
        if role == Role.REFERENT:
            locked.organisation = organisation or locked.organisation
            if locked.organisation is None:
                raise PeopleError("Indiquez l’organisation que représente le ou la référent·e.")
        else:
            locked.organisation = None
        locked.role = role
        locked.save(update_fields=["role", "organisation"])
        record(
            AuditAction.ROLE_CHANGED,
            user=by,
            convention=convention,
            target=str(locked.user),
            before=was,
            after=role,
        )
    return locked


def remove_role(membership: Membership, *, convention: Convention, by: User) -> None:
    """Remove a role of the CTG; the account and its other roles stay."""
    if not can_change_membership(by, membership, convention):
        raise PeopleError("Vous ne pouvez pas retirer ce rôle.")
    with transaction.atomic():
        deleted, _ = Membership.objects.filter(pk=membership.pk).delete()
        if not deleted:
            raise PeopleError("Ce rôle avait déjà été retiré.")
        record(
            AuditAction.ROLE_REMOVED,
            user=by,
            convention=convention,
            target=str(membership.user),
            role=membership.role,
        )


def set_active(target: User, *, convention: Convention, by: User, active: bool) -> None:
    """Suspend (or reactivate) the account of a member of the CTG."""
    if not can_suspend(by, target, convention):
        raise PeopleError("Vous ne pouvez pas suspendre ce compte.")
    if not Membership.objects.filter(user=target, convention=convention).exists():
        raise PeopleError("Cette personne n’a pas de rôle dans cette CTG.")
    with transaction.atomic():
        User.objects.filter(pk=target.pk).update(is_active=active)
        action = AuditAction.ACCOUNT_REACTIVATED if active else AuditAction.ACCOUNT_SUSPENDED
        record(action, user=by, convention=convention, target=str(target))


def request_deletion(user: User, *, message: str = "") -> AccountDeletionRequest:
    """Record the user's request to delete his or her account (seen by the Caf and admins)."""
    with transaction.atomic():
        request, created = AccountDeletionRequest.objects.get_or_create(
            user=user, defaults={"message": message.strip()}
        )
        if not created:
            raise PeopleError("Vous avez déjà demandé la suppression de votre compte.")
        record(AuditAction.DELETION_REQUESTED, user=user, target=str(user))
    return request


def cancel_deletion(user: User) -> None:
    """Withdraw the user's deletion request, if any."""
    with transaction.atomic():
        deleted, _ = AccountDeletionRequest.objects.filter(user=user).delete()
        if deleted:
            record(AuditAction.DELETION_CANCELLED, user=user, target=str(user))
