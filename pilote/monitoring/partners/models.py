"""Personal links sent to partners without an account, and what they send through them."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..enums import UpdateStatus


class PartnerLinkQuerySet(models.QuerySet):
    def usable(self) -> "PartnerLinkQuerySet":
        """Return the links that still open their form (neither revoked nor expired)."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PartnerLink(models.Model):
    """A personal link to report the quarter's update of some actions, without an account.

    The token is random; only its SHA-256 is stored: the raw token exists only in the e-mail
    and the URL the partner opens.
    """

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="partner_links"
    )
    recipient_name = models.CharField("destinataire", max_length=150)
    email = models.EmailField("courriel")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisation",
    )
    actions = models.ManyToManyField("plans.PlanNode", related_name="+", verbose_name="actions")
    year = models.PositiveSmallIntegerField("année")
    quarter = models.PositiveSmallIntegerField("trimestre")
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    revoked_at = models.DateTimeField("retiré le", null=True, blank=True)
    last_used_at = models.DateTimeField("dernier envoi le", null=True, blank=True)
    # The rate limit: submissions counted since window_start (an hour at most).
    window_start = models.DateTimeField(null=True, blank=True)
    window_count = models.PositiveIntegerField(default=0)

    objects = PartnerLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "lien partenaire"
        verbose_name_plural = "liens partenaires"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.recipient_name} <{self.email}>"

    @property
    def period_label(self) -> str:
        return f"T{self.quarter} {self.year}"

    @property
    def sender_label(self) -> str:
        """Return how the follow-up names who sent through this link."""
        organisation = f"{self.organisation.name}, " if self.organisation_id else ""
        return f"{self.recipient_name} ({organisation}lien partenaire)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class SubmissionState(models.TextChoices):
    PENDING = "en_attente", "En attente"
    ACCEPTED = "acceptee", "Acceptée"
    REFUSED = "refusee", "Refusée"


class PartnerSubmission(models.Model):
    """What a partner sent for one action and quarter; it counts only once accepted."""

    link = models.ForeignKey(PartnerLink, on_delete=models.CASCADE, related_name="submissions")
    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="+"
    )
    node = models.ForeignKey(
        "plans.PlanNode", on_delete=models.CASCADE, related_name="+", verbose_name="action"
    )
    year = models.PositiveSmallIntegerField("année")
    quarter = models.PositiveSmallIntegerField("trimestre")
    status = models.CharField("statut", max_length=12, choices=UpdateStatus.choices)
    progress = models.PositiveSmallIntegerField("avancement (%)")
    done = models.TextField("ce qui a été fait", blank=True)
    difficulties = models.TextField("difficultés", blank=True)
    next_steps = models.TextField("prochaines étapes", blank=True)
    # [{"indicator": pk, "value": "12.50", "comment": ""}]: the values of the action's indicators.
    measurements = models.JSONField("valeurs des indicateurs", default=list, blank=True)
    sender_name = models.CharField("envoyé par", max_length=150)
    sender_email = models.EmailField("courriel de l'expéditeur")
    sender_organisation = models.CharField("organisation", max_length=255, blank=True)
    submitted_at = models.DateTimeField("envoyé le")
    state = models.CharField(
        "état", max_length=12, choices=SubmissionState.choices, default=SubmissionState.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="validé ou refusé par",
    )
    reviewed_at = models.DateTimeField("validé ou refusé le", null=True, blank=True)
    refusal_reason = models.TextField("motif du refus", blank=True)
    update = models.ForeignKey(
        "monitoring.ActionUpdate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="point de suivi enregistré",
    )

    class Meta:
        verbose_name = "envoi d'un partenaire"
        verbose_name_plural = "envois des partenaires"
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["convention", "state"], name="partner_sub_state_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "node", "year", "quarter"],
                condition=models.Q(state="en_attente"),
                name="partner_sub_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="partner_sub_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender_name} – T{self.quarter} {self.year}"

    @property
    def period_label(self) -> str:
        return f"T{self.quarter} {self.year}"

    @property
    def sender_label(self) -> str:
        organisation = f"{self.sender_organisation}, " if self.sender_organisation else ""
        return f"{self.sender_name} ({organisation}lien partenaire)"
