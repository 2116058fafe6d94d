"""The follow-up of the plan: quarterly updates on actions and indicator measurements.

Updates are append-only: a new update never overwrites an earlier one, so the bilans can be
rebuilt from the history. The latest update of an action is the one of the latest quarter,
then the latest written.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from pilote.core.models import HistoryAuthorName

from .enums import UpdateStatus


class ActionUpdateQuerySet(models.QuerySet):
    def latest_first(self) -> "ActionUpdateQuerySet":
        return self.order_by("-year", "-quarter", "-created_at", "-pk")

    def public(self) -> "ActionUpdateQuerySet":
        """Return the points that are neither internal nor on an internal element."""
        return self.filter(is_internal=False, node__is_internal=False)

    def shown(self, include_internal: bool) -> "ActionUpdateQuerySet":
        """Return every point with include_internal, else only the public ones."""
        return self if include_internal else self.public()


class UpdateAttachmentQuerySet(models.QuerySet):
    def public(self) -> "UpdateAttachmentQuerySet":
        """Return the attachments neither internal nor on an internal point or element."""
        return self.filter(
            is_internal=False, update__is_internal=False, update__node__is_internal=False
        )

    def shown(self, include_internal: bool) -> "UpdateAttachmentQuerySet":
        """Return every attachment with include_internal, else only the public ones."""
        return self if include_internal else self.public()


class ActionUpdate(models.Model):
    """A point de suivi: where an action stands for a quarter."""

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="action_updates"
    )
    node = models.ForeignKey(
        "plans.PlanNode", on_delete=models.CASCADE, related_name="updates", verbose_name="action"
    )
    year = models.PositiveSmallIntegerField("année")
    quarter = models.PositiveSmallIntegerField(
        "trimestre", choices=[(q, f"T{q}") for q in range(1, 5)]
    )
    status = models.CharField("statut", max_length=12, choices=UpdateStatus.choices)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    done = models.TextField("ce qui a été fait", blank=True)
    difficulties = models.TextField("difficultés", blank=True)
    next_steps = models.TextField("prochaines étapes", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_updates",
        verbose_name="auteur·rice",
    )
    # The author's account name when the account is not on this instance (an imported CTG).
    author_name = models.CharField("auteur·rice (nom)", max_length=150, blank=True)
    # Who sent it through a partner link (« Nom (Organisation, lien partenaire) »); the author
    # is then the editor who accepted it.
    submitted_by_name = models.CharField("envoyé par", max_length=300, blank=True)
    # Seen by the CTG's editors only (pilote.plans.visibility).
    is_internal = models.BooleanField(
        "interne",
        default=False,
        db_index=True,
        help_text="Visible seulement par la Caf et le·la chargé·e de coopération.",
    )
    created_at = models.DateTimeField("date de saisie", auto_now_add=True, db_index=True)

    objects = ActionUpdateQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoryAuthorName])

    class Meta:
        verbose_name = "point de suivi"
        verbose_name_plural = "points de suivi"
        ordering = ["-year", "-quarter", "-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["node", "-year", "-quarter", "-created_at"], name="update_latest_idx"
            ),
            models.Index(fields=["convention", "year", "quarter"], name="update_period_idx"),
            # The last update of each CTG (the département view), without reading all of them.
            models.Index(fields=["convention", "-created_at"], name="update_recent_idx"),
            # The API's list, newest first, over many CTGs: read in order, not sorted.
            models.Index(
                fields=["-year", "-quarter", "-created_at", "-id"], name="update_newest_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="update_progress_max_100"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="update_quarter_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"T{self.quarter} {self.year} – {self.get_status_display()}"

    @property
    def period_label(self) -> str:
        return f"T{self.quarter} {self.year}"


def attachment_path(instance: "UpdateAttachment", filename: str) -> str:
    return f"suivi/{instance.update.convention_id}/{instance.update_id}/{filename}"


class UpdateAttachment(models.Model):
    update = models.ForeignKey(ActionUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("fichier", upload_to=attachment_path, max_length=255)
    name = models.CharField("nom", max_length=255)
    size = models.PositiveIntegerField("taille (octets)")
    # Seen by the CTG's editors only (pilote.plans.visibility).
    is_internal = models.BooleanField(
        "interne",
        default=False,
        help_text="Visible seulement par la Caf et le·la chargé·e de coopération.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UpdateAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    """A value of an indicator for a period (a year, or a quarter of it)."""

    indicator = models.ForeignKey(
        "plans.Indicator", on_delete=models.CASCADE, related_name="measurements"
    )
    year = models.PositiveSmallIntegerField("année")
    quarter = models.PositiveSmallIntegerField(
        "trimestre", null=True, blank=True, choices=[(q, f"T{q}") for q in range(1, 5)]
    )
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    comment = models.TextField("commentaire", blank=True)
    source = models.CharField("source", max_length=255, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    # The author's account name when the account is not on this instance (an imported CTG).
    author_name = models.CharField("auteur·rice (nom)", max_length=150, blank=True)
    submitted_by_name = models.CharField("envoyé par", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(bases=[HistoryAuthorName])

    class Meta:
        verbose_name = "mesure"
        ordering = ["year", "quarter", "pk"]
        indexes = [models.Index(fields=["indicator", "year", "quarter"], name="measure_period_idx")]

    def __str__(self) -> str:
        return f"{self.period_label} : {self.value}"

    @property
    def period_label(self) -> str:
        return f"T{self.quarter} {self.year}" if self.quarter else str(self.year)


class ReminderLog(models.Model):
    """One reminder e-mail sent for a quarter, so that each pilot gets at most one per quarter."""

    convention = models.ForeignKey("conventions.Convention", on_delete=models.CASCADE)
    recipient = models.EmailField("destinataire")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    action_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "relance envoyée"
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "recipient", "year", "quarter"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} T{self.quarter} {self.year}"


# The partner links' models live in their own module (pilote.monitoring.partners).
from .partners.models import PartnerLink, PartnerSubmission  # noqa: E402, F401
