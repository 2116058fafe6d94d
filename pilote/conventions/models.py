"""The CTG itself: period, territory, signatories, avenants and the names of its plan levels."""

import datetime

from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pilote.core.models import HistoryAuthorName
from pilote.core.plausible import YEAR_MAX, YEAR_MIN

from .enums import STATUS_BADGE_CLASSES, ConventionStatus

MAX_YEARS = 5  # the Cnaf's rule: beyond it, a warning
LIMIT_YEARS = 6  # beyond it, refused (conventions.services.check_period)
# Path segments under /ctg/ that a CTG slug would shadow.
RESERVED_SLUGS = frozenset(
    {"nouvelle", "importer", "importer-un-plan", "donnees-personnelles", "supprimees"}
)


class ConventionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ConventionQuerySet":
        """Return the CTGs the user may see (see pilote.accounts.perms)."""
        from pilote.accounts.perms import visible_conventions_filter

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(visible_conventions_filter(user))

    def active_in_year(self, year: int) -> "ConventionQuerySet":
        """Return the CTGs whose period covers at least one day of this year."""
        return self.filter(
            start_date__lte=datetime.date(year, 12, 31), end_date__gte=datetime.date(year, 1, 1)
        )

    def with_commune_count(self) -> "ConventionQuerySet":
        """Annotate each CTG with `commune_count`, the number of communes of its territory."""
        # A subquery: a join and a GROUP BY over every CTG listed would count the communes of
        # all of them before the page keeps 25 (0.2 s for a national account).
        links = (
            Convention.communes.through.objects.filter(convention_id=models.OuterRef("pk"))
            .order_by()
            .values("convention_id")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            commune_count=Coalesce(models.Subquery(links), 0, output_field=models.IntegerField())
        )


class Convention(models.Model):
    slug = models.SlugField("identifiant", max_length=120, unique=True)
    name = models.CharField("nom", max_length=255)
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        related_name="conventions",
        verbose_name="Caf (département)",
    )
    start_date = models.DateField("date de début")
    end_date = models.DateField("date de fin")
    status = models.CharField(
        "statut",
        max_length=20,
        choices=ConventionStatus.choices,
        default=ConventionStatus.PREPARATION,
    )
    epci = models.ForeignKey(
        "territories.EPCI",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conventions",
        verbose_name="EPCI",
    )
    communes = models.ManyToManyField(
        "territories.Commune", blank=True, related_name="conventions", verbose_name="communes"
    )
    description = models.TextField("présentation", blank=True)
    next_copil_date = models.DateField(
        "date du prochain COPIL",
        null=True,
        blank=True,
        help_text="Affichée sur le tableau de bord de la CTG.",
    )
    internal_notes = models.TextField(
        "notes internes",
        blank=True,
        help_text="Visibles par la Caf et le·la chargé·e de coopération seulement.",
    )
    is_public = models.BooleanField(
        "page publique",
        default=False,
        help_text="Publie le plan et son avancement sur /public/<identifiant>/, sans notes "
        "internes ni données personnelles.",
    )
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    renewed_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name="CTG précédente",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Moved by every write to what any page of the CTG shows (pilote.conventions.versioning);
    # the key of its cached fragments.
    content_version = models.BigIntegerField("version du contenu", default=0, editable=False)

    objects = ConventionQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=["communes"], bases=[HistoryAuthorName], excluded_fields=["content_version"]
    )

    class Meta:
        verbose_name = "CTG"
        verbose_name_plural = "CTG"
        ordering = ["-start_date", "name"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["start_date", "end_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="convention_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # content_version is only ever moved by an UPDATE … + 1 (conventions.versioning): an
        # instance read before a bump must not write its old value back.
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.attname != "content_version"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("conventions:detail", kwargs={"slug": self.slug})

    @property
    def status_badge_class(self) -> str:
        """Return the DSFR badge modifier that shows the status."""
        return STATUS_BADGE_CLASSES.get(self.status, "")

    @property
    def years(self) -> list[int]:
        """Return the calendar years the CTG covers (at most seven, within 2000–2100).

        The bound keeps a period saved before the checks of check_period (a start in 0001)
        from giving thousands of per-year fields to the plan and facility forms.
        """
        first = min(max(self.start_date.year, YEAR_MIN), YEAR_MAX)
        last = min(self.end_date.year, YEAR_MAX, first + LIMIT_YEARS)
        return list(range(first, max(first, last) + 1))

    @property
    def duration_years(self) -> float:
        """Return the CTG's length in years (365.25-day years)."""
        return (self.end_date - self.start_date).days / 365.25

    @property
    def is_longer_than_allowed(self) -> bool:
        # A 5-year CTG runs e.g. 1 Jan 2026 → 31 Dec 2030: allow that last day.
        limit = _add_years(self.start_date, MAX_YEARS)
        return self.end_date >= limit


def _add_years(day: datetime.date, years: int) -> datetime.date:
    year = day.year + years
    if year > datetime.MAXYEAR:  # an implausible date saved before check_period existed
        return datetime.date.max
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


class Signatory(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="signatories")
    position = models.PositiveIntegerField("ordre", default=0)
    organisation = models.CharField("organisation", max_length=255)
    representative = models.CharField("représentant·e", max_length=255, blank=True)
    role = models.CharField("qualité", max_length=255, blank=True)
    deliberation_date = models.DateField("date de délibération", null=True, blank=True)
    signature_date = models.DateField("date de signature", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "signataire"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.organisation


class Amendment(models.Model):
    """An avenant: a signed change to the convention or its annexes."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveIntegerField("numéro")
    date = models.DateField("date")
    subject = models.TextField("objet")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "avenant"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "number"], name="amendment_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Avenant n° {self.number}"


class TrashKind(models.TextChoices):
    NODE = "node", "élément du plan"
    FACILITY = "facility", "équipement"
    FIGURE = "figure", "chiffre du diagnostic"
    SCHEMA = "schema", "schéma pluriannuel"
    BODY = "body", "instance"
    MEMBER = "member", "membre d'instance"
    MEETING = "meeting", "réunion"
    DECISION = "decision", "décision"
    REVIEW = "review", "bilan"
    CONVENTION = "convention", "CTG"


class TrashItemQuerySet(models.QuerySet):
    def expired(self, now: datetime.datetime) -> "TrashItemQuerySet":
        """Return the items kept past their retention period."""
        return self.filter(expires_at__lte=now)


class TrashItem(models.Model):
    """Something deleted, kept for a while to be restored (see pilote.conventions.trash).

    The item of an element of a CTG belongs to the CTG and goes (and comes back) with it; the
    item of a deleted CTG has no CTG, only its département, name and identifier.
    """

    convention = models.ForeignKey(
        Convention,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="trash_items",
        verbose_name="CTG",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Caf (département)",
    )
    convention_name = models.CharField("nom de la CTG", max_length=255, blank=True)
    convention_slug = models.CharField("identifiant de la CTG", max_length=120, blank=True)
    kind = models.CharField("type", max_length=20, choices=TrashKind.choices)
    label = models.CharField("intitulé", max_length=500)
    what_goes = models.JSONField("emporté avec", default=list, blank=True)
    # The rows, links and files of pilote.core.trash.snapshot, compressed (core.trash.pack).
    payload = models.TextField("contenu")
    deleted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="supprimé par",
    )
    deleted_by_name = models.CharField("supprimé par (nom)", max_length=150, blank=True)
    deleted_at = models.DateTimeField("supprimé le", db_index=True)
    expires_at = models.DateTimeField("supprimé définitivement le", db_index=True)

    objects = TrashItemQuerySet.as_manager()

    class Meta:
        verbose_name = "élément de la corbeille"
        verbose_name_plural = "éléments de la corbeille"
        ordering = ["-deleted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} « {self.label} »"
