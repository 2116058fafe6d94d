"""Governance of a CTG: bodies and their members, meetings and decisions, frozen reviews (bilans),
and the versions of the plan (as signed, after each avenant)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .enums import (
    AttendanceStatus,
    BodyKind,
    DecisionKind,
    MeetingKind,
    ReviewKind,
    ReviewStatus,
)


class Body(models.Model):
    """A governance body of a CTG: the COPIL, a comité technique, a commission thématique."""

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="bodies"
    )
    kind = models.CharField("type", max_length=12, choices=BodyKind.choices)
    name = models.CharField("nom", max_length=255)
    mission = models.TextField("rôle et composition", blank=True)
    position = models.PositiveIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "instance"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class BodyMember(models.Model):
    """A seat in a body. The person's name and e-mail are personal data: never published."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members")
    organisation = models.CharField("organisation", max_length=255)
    person = models.CharField("personne", max_length=255, blank=True)
    role = models.CharField("fonction", max_length=255, blank=True)
    email = models.EmailField("courriel", blank=True)
    voting = models.BooleanField(
        "voix délibérative", default=True, help_text="Décochez pour un membre consultatif."
    )
    position = models.PositiveIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "membre"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation})" if self.person else self.organisation


class Meeting(models.Model):
    """A meeting of a body: a COPIL's point d'étape, bilan intermédiaire, bilan final…"""

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="meetings"
    )
    # RESTRICT, not PROTECT: a body with meetings cannot be deleted alone, but deleting the CTG
    # deletes both.
    body = models.ForeignKey(
        Body, on_delete=models.RESTRICT, related_name="meetings", verbose_name="instance"
    )
    kind = models.CharField("type", max_length=20, choices=MeetingKind.choices)
    date = models.DateField("date")
    title = models.CharField("intitulé", max_length=255, blank=True)
    location = models.CharField("lieu", max_length=255, blank=True)
    agenda = models.TextField("ordre du jour", blank=True)
    minutes = models.TextField("compte rendu", blank=True)
    other_attendees = models.TextField(
        "autres participants", blank=True, help_text="Invités qui ne sont pas membres."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "réunion"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["convention", "date"])]

    def __str__(self) -> str:
        return self.title or f"{self.body} du {self.date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", kwargs={"slug": self.convention.slug, "pk": self.pk})


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(BodyMember, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField("présence", max_length=12, choices=AttendanceStatus.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "présence"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member} : {self.get_status_display()}"


class Decision(models.Model):
    """A decision taken in a meeting, possibly about one element of the plan."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    node = models.ForeignKey(
        "plans.PlanNode",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="action concernée",
    )
    kind = models.CharField("type", max_length=16, choices=DecisionKind.choices)
    text = models.TextField("décision")
    postponed_to = models.PositiveSmallIntegerField("reportée à (année)", null=True, blank=True)
    # A report may name the quarter too (« reportée à T3 2027 »); never without the year.
    postponed_quarter = models.PositiveSmallIntegerField(
        "reportée au trimestre",
        null=True,
        blank=True,
        choices=[(quarter, f"T{quarter}") for quarter in (1, 2, 3, 4)],
    )
    position = models.PositiveIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "décision"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def postponed_label(self) -> str:
        """Return "T3 2027", "2027", or "" when the decision names no date."""
        return postponed_label(self.postponed_to, self.postponed_quarter)


def postponed_label(year: int | None, quarter: int | None) -> str:
    """Return when a postponed action resumes: "T3 2027", "2027", or ""."""
    if year is None:
        return ""
    return f"T{quarter} {year}" if quarter else str(year)


class Review(models.Model):
    """A bilan: prepared as a draft, then closed, which freezes its content in `snapshot`.

    The snapshot (see governance.bilans.content) holds everything the documents show, so that a
    closed bilan is regenerated exactly as it was, and the next one compared with it.
    """

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="reviews"
    )
    kind = models.CharField("type", max_length=14, choices=ReviewKind.choices)
    year = models.PositiveSmallIntegerField("année")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name="réunion de présentation",
    )
    summary = models.TextField("synthèse", blank=True)
    highlights = models.TextField("faits marquants", blank=True)
    difficulties = models.TextField("difficultés", blank=True)
    outlook = models.TextField("perspectives", blank=True)
    status = models.CharField(
        "état", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    closed_at = models.DateTimeField("figé le", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="figé par",
    )
    # The account name when the account is not on this instance (an imported CTG).
    closed_by_name = models.CharField("figé par (nom)", max_length=150, blank=True)
    snapshot = models.JSONField("contenu figé", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["snapshot"])

    class Meta:
        verbose_name = "bilan"
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "kind", "year"], name="review_kind_year_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("governance:review", kwargs={"slug": self.convention.slug, "pk": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status == ReviewStatus.CLOSED


class PlanVersion(models.Model):
    """The plan at a point of the CTG's life: as signed (no avenant) or after an avenant.

    `nodes` holds the plan as rows (see governance.versions.history.plan_rows): key (the element's
    pk, to align versions), parent key, depth, level, number, title, period, pilots.
    """

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="plan_versions"
    )
    amendment = models.OneToOneField(
        "conventions.Amendment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plan_version",
        verbose_name="avenant",
    )
    taken_at = models.DateTimeField("enregistrée le", auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The account name when the account is not on this instance (an imported CTG).
    taken_by_name = models.CharField("enregistrée par (nom)", max_length=150, blank=True)
    nodes = models.JSONField("éléments du plan", default=list)

    class Meta:
        verbose_name = "version du plan"
        ordering = ["taken_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention"],
                condition=models.Q(amendment__isnull=True),
                name="plan_version_one_signed",
            ),
        ]

    def __str__(self) -> str:
        return str(self.amendment) if self.amendment_id else "Plan signé"
