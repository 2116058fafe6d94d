"""Read who holds which role in a CTG, and the invitations waiting, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import (
    AccountDeletionRequest,
    Invitation,
    Membership,
    Organisation,
    User,
)
from pilote.accounts.perms import CTG_ROLES, can_change_membership, can_invite, can_suspend
from pilote.conventions.models import Convention

# An account without a login for this long is flagged on the page, to be suspended.
DORMANT_AFTER = datetime.timedelta(days=365)


def is_dormant(user: User, now: datetime.datetime) -> bool:
    """Return True if an active account has not logged in (or was never used) for a year."""
    last_seen = user.last_login or user.date_joined
    return user.is_active and last_seen < now - DORMANT_AFTER


@dataclass
class MemberRow:
    """One role of one person, and what the reader of the page may do with it."""

    membership: Membership
    role_choices: list[tuple[str, str]]  # the roles it may be changed to
    can_remove: bool
    can_suspend: bool
    deletion_requested_at: datetime.datetime | None = None  # shown to who may suspend
    dormant: bool = False  # no login for DORMANT_AFTER: to be suspended (docs/rgpd.md)


def member_rows(convention: Convention, actor: User) -> list[MemberRow]:
    """Return the CTG's roles, by person, with what the actor may do with each."""
    memberships = (
        Membership.objects.filter(convention=convention)
        .select_related("user", "user__deletion_request", "organisation")
        .order_by(Lower("user__last_name"), Lower("user__first_name"), "user_id", "role")
    )
    labels = dict(Role.choices)
    now = timezone.now()
    rows = []
    for membership in memberships:
        choices = [
            (role, labels[role])
            for role in CTG_ROLES
            if role != membership.role
            and can_change_membership(actor, membership, convention, new_role=role)
        ]
        row = MemberRow(
            membership=membership,
            role_choices=choices,
            can_remove=can_change_membership(actor, membership, convention),
            can_suspend=can_suspend(actor, membership.user, convention),
            dormant=is_dormant(membership.user, now),
        )
        if row.can_suspend:
            row.deletion_requested_at = _deletion_requested_at(membership.user)
        rows.append(row)
    return rows


def _deletion_requested_at(user: User) -> datetime.datetime | None:
    try:
        return user.deletion_request.requested_at  # loaded by select_related
    except AccountDeletionRequest.DoesNotExist:
        return None


def caf_advisers(convention: Convention) -> QuerySet[Membership]:
    """Return the Caf advisers of the CTG's département (they see every CTG of it)."""
    return (
        Membership.objects.filter(role=Role.CAF_ADVISER, departement_id=convention.departement_id)
        .select_related("user")
        .order_by(Lower("user__last_name"), Lower("user__first_name"))
    )


def open_invitations(convention: Convention, actor: User) -> list[Invitation]:
    """Return the invitations not accepted nor withdrawn, of the CTG or (Caf) of its département.

    Each carries `manageable`: whether the actor may re-send or withdraw it.
    """
    invitations = list(
        Invitation.objects.filter(
            Q(convention=convention)
            | Q(role=Role.CAF_ADVISER, departement_id=convention.departement_id),
            accepted_at=None,
            withdrawn_at=None,
        )
        .select_related("invited_by", "organisation", "departement")
        .order_by("-created_at")
    )
    for invitation in invitations:
        invitation.manageable = can_invite(
            actor,
            invitation.role,
            convention=convention if invitation.convention_id else None,
            departement=invitation.departement,
        )
    return invitations


def ctg_organisations(convention: Convention) -> QuerySet[Organisation]:
    """Return the organisations of the CTG: pilots and partners of its plan, members' employers."""
    return (
        Organisation.objects.filter(
            Q(piloted_nodes__convention=convention)
            | Q(partner_nodes__convention=convention)
            | Q(membership__convention=convention)
        )
        .distinct()
        .order_by(Lower("name"))
    )
