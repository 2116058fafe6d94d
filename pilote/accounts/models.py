"""Users, the organisations they and the plan's pilots belong to, and their roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from .enums import AuditAction, OrganisationKind, Role


class User(AbstractUser):
    """A person who logs in; what he or she may see comes from memberships."""

    class Meta:
        verbose_name = "utilisateur·rice"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Organisation(models.Model):
    """An organisation acting in CTGs: signatory, pilot or partner of actions, or employer."""

    name = models.CharField("nom", max_length=255)
    kind = models.CharField(
        "type", max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.SET_NULL, null=True, blank=True
    )
    email = models.EmailField(
        "courriel",
        blank=True,
        help_text="Adresse à laquelle envoyer les relances de suivi des actions pilotées.",
    )

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A role held by a user, scoped to a département (Caf) or to one CTG (the others)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="département",
        help_text="Pour un·e conseiller·ère Caf : le département de la Caf.",
    )
    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="CTG",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="organisation représentée",
        help_text="Pour un·e référent·e : la commune ou le partenaire représenté.",
    )

    class Meta:
        verbose_name = "rôle"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.CAF_ADVISER, departement__isnull=False)
                    | (~models.Q(role=Role.CAF_ADVISER) & models.Q(convention__isnull=False))
                ),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.departement or self.convention
        return f"{self.user} – {self.get_role_display()} – {scope}"


class AuditEvent(models.Model):
    """Who did what and when: a login, an export, a publication… (written by audit.record)."""

    at = models.DateTimeField("date", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name="personne",
    )
    # Kept as written at the time: the entry still names the person once the account is gone.
    user_name = models.CharField("nom de la personne", max_length=255, blank=True)
    action = models.CharField("action", max_length=30, choices=AuditAction.choices)
    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name="CTG",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name="département",
    )
    target = models.CharField("objet", max_length=255, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        verbose_name = "événement du journal"
        verbose_name_plural = "événements du journal"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["convention", "-at"], name="audit_convention_at"),
            models.Index(fields=["departement", "-at"], name="audit_departement_at"),
            models.Index(fields=["user", "-at"], name="audit_user_at"),
        ]

    def __str__(self) -> str:
        who = self.user_name or "inconnu"
        return f"{self.at:%d/%m/%Y %H:%M} – {who} – {self.get_action_display()}"


# Invitations and deletion requests live in their own module (imported here so that Django
# registers the models).
from .people_models import AccountDeletionRequest, Invitation  # noqa: E402, F401

# Personal API tokens live in their own module too.
from .token_models import ApiToken  # noqa: E402, F401
