"""Invitations and account deletion requests.

An invitation is a personal, single-use and expiring link that gives a role to whoever opens
it. Only the SHA-256 of the link's token is stored: a copy of the database opens no account.
"""

import hashlib
import secrets

from django.db import models
from django.utils import timezone

from .enums import Role


def hash_token(token: str) -> str:
    """Return the stored form of an invitation token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """Return a fresh token for the link and its hash for the database."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


class InvitationState(models.TextChoices):
    PENDING = "pending", "En attente"
    ACCEPTED = "accepted", "Acceptée"
    WITHDRAWN = "withdrawn", "Retirée"
    EXPIRED = "expired", "Expirée"


class Invitation(models.Model):
    """A role offered by e-mail, scoped like a Membership (département for Caf, CTG otherwise)."""

    email = models.EmailField("courriel")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name="département",
    )
    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name="CTG",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name="organisation représentée",
    )
    invited_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
        verbose_name="invité·e par",
    )
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    created_at = models.DateTimeField("envoyée le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
        verbose_name="acceptée par",
    )
    withdrawn_at = models.DateTimeField("retirée le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.CAF_ADVISER, departement__isnull=False)
                    | (~models.Q(role=Role.CAF_ADVISER) & models.Q(convention__isnull=False))
                ),
                name="invitation_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()}"

    def set_new_token(self) -> str:
        """Give the invitation a new token (the previous link stops working); return it."""
        token, self.token_hash = new_token()
        return token

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.withdrawn_at is not None:
            return InvitationState.WITHDRAWN
        if self.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    def get_state_display(self) -> str:
        return InvitationState(self.state).label

    @property
    def is_pending(self) -> bool:
        return self.state == InvitationState.PENDING


class AccountDeletionRequest(models.Model):
    """A user's request that his or her account be deleted (RGPD), for the Caf or an admin."""

    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="deletion_request",
        verbose_name="compte",
    )
    requested_at = models.DateTimeField("demandée le", default=timezone.now)
    message = models.TextField("message", blank=True)

    class Meta:
        verbose_name = "demande de suppression de compte"
        verbose_name_plural = "demandes de suppression de compte"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.user} – {self.requested_at:%Y-%m-%d}"
