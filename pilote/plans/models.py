"""The action plan: a tree of any depth whose levels carry the CTG's own names.

A PlanNode is any node of the tree (axe, orientation, fiche action, action clé, objectif…); its
level says which. The whole plan of a CTG is read in one query and assembled in Python
(see pilote.plans.tree), so the tree is stored as a plain adjacency list (parent + position).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pilote.core.formats import french_euros
from pilote.core.models import HistoryAuthorName

from .enums import Origin, Priority


class PlanLevel(models.Model):
    """One level of a CTG's plan, with the territory's name for it (e.g. "Orientation")."""

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="levels"
    )
    position = models.PositiveSmallIntegerField("rang")
    name = models.CharField("nom", max_length=100)
    tracked = models.BooleanField(
        "suivi trimestriel",
        default=False,
        help_text="Les éléments de ce niveau sont suivis chaque trimestre (actions).",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "niveau du plan"
        verbose_name_plural = "niveaux du plan"
        ordering = ["convention", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "position"], name="level_position_unique"
            ),
            models.UniqueConstraint(fields=["convention", "name"], name="level_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ThematicQuerySet(models.QuerySet):
    def for_convention(self, convention) -> "ThematicQuerySet":
        """Return the national thematics and the CTG's own ones."""
        return self.filter(models.Q(convention__isnull=True) | models.Q(convention=convention))


class Thematic(models.Model):
    """A field of the CTG: national (Cnaf list, convention empty) or custom to one CTG."""

    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="custom_thematics",
    )
    code = models.SlugField("code", max_length=60)
    label = models.CharField("libellé", max_length=100)

    objects = ThematicQuerySet.as_manager()

    class Meta:
        verbose_name = "thématique"
        ordering = ["convention_id", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(convention__isnull=True),
                name="thematic_national_code_unique",
            ),
            models.UniqueConstraint(fields=["convention", "code"], name="thematic_code_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_national(self) -> bool:
        return self.convention_id is None


class PlanNodeQuerySet(models.QuerySet):
    def visible_to(self, user, convention=None) -> "PlanNodeQuerySet":
        """Return the elements of the CTGs the user may see; with a CTG, only those the user
        may see in it (internal ones only for its editors, see pilote.plans.visibility)."""
        from pilote.conventions.models import Convention

        from .visibility import can_see_internal

        queryset = self.filter(convention__in=Convention.objects.visible_to(user))
        if convention is not None:
            queryset = queryset.filter(convention=convention)
            if not can_see_internal(user, convention):
                queryset = queryset.public()
        return queryset

    def public(self) -> "PlanNodeQuerySet":
        """Return the elements that are not internal (what a non-editor may see)."""
        return self.filter(is_internal=False)

    def shown(self, include_internal: bool) -> "PlanNodeQuerySet":
        """Return every element with include_internal, else only the non-internal ones."""
        return self if include_internal else self.public()


class PlanNode(models.Model):
    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="plan_nodes"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField("ordre", default=0)
    level = models.ForeignKey(
        PlanLevel, on_delete=models.RESTRICT, related_name="nodes", verbose_name="niveau"
    )
    number = models.CharField("numéro", max_length=30, blank=True)
    title = models.TextField("intitulé")
    objective = models.TextField("objectif", blank=True)
    description = models.TextField("description", blank=True)
    expected_result = models.TextField("résultat attendu", blank=True)
    target_public = models.TextField("public cible", blank=True)
    whole_territory = models.BooleanField("tout le territoire de la CTG", default=True)
    communes = models.ManyToManyField(
        "territories.Commune",
        blank=True,
        related_name="plan_nodes",
        verbose_name="communes concernées",
    )
    pilots = models.ManyToManyField(
        "accounts.Organisation", blank=True, related_name="piloted_nodes", verbose_name="pilotes"
    )
    partners = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="partner_nodes",
        verbose_name="partenaires",
    )
    thematics = models.ManyToManyField(
        Thematic, blank=True, related_name="nodes", verbose_name="thématiques"
    )
    priority = models.CharField("priorité", max_length=10, choices=Priority.choices, blank=True)
    origin = models.CharField("origine", max_length=12, choices=Origin.choices, blank=True)
    start_year = models.PositiveSmallIntegerField("année de début", null=True, blank=True)
    start_quarter = models.PositiveSmallIntegerField(
        "trimestre de début", null=True, blank=True, choices=[(q, f"T{q}") for q in range(1, 5)]
    )
    end_year = models.PositiveSmallIntegerField("année de fin", null=True, blank=True)
    end_quarter = models.PositiveSmallIntegerField(
        "trimestre de fin", null=True, blank=True, choices=[(q, f"T{q}") for q in range(1, 5)]
    )
    # Set on the element marked internal and on its whole subtree (kept so by plans.services):
    # a single column tells every read whether the element is internal.
    is_internal = models.BooleanField(
        "interne",
        default=False,
        db_index=True,
        help_text="Visible seulement par la Caf et le·la chargé·e de coopération.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanNodeQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=["communes", "pilots", "partners", "thematics"], bases=[HistoryAuthorName]
    )

    class Meta:
        verbose_name = "élément du plan"
        verbose_name_plural = "éléments du plan"
        ordering = ["convention", "parent_id", "position", "pk"]
        indexes = [
            models.Index(fields=["convention", "parent", "position"]),
            models.Index(fields=["convention", "number"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("plans:node", kwargs={"slug": self.convention.slug, "pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if (
            self.start_year
            and self.end_year
            and (
                (self.end_year, self.end_quarter or 4) < (self.start_year, self.start_quarter or 1)
            )
        ):
            errors["end_year"] = "La fin prévue précède le début prévu."
        if self.start_quarter and not self.start_year:
            errors["start_quarter"] = "Indiquez l'année du trimestre de début."
        if self.end_quarter and not self.end_year:
            errors["end_quarter"] = "Indiquez l'année du trimestre de fin."
        convention = self.convention if self.convention_id else None
        if convention is not None:
            years = convention.years
            for field in ("start_year", "end_year"):
                value = getattr(self, field)
                if value and not (years[0] <= value <= years[-1]):
                    errors[field] = (
                        f"L'année {value} est hors de la période de la CTG "
                        f"({years[0]}–{years[-1]})."
                    )
            if self.level_id and self.level.convention_id != convention.pk:
                errors["level"] = "Ce niveau n'appartient pas à cette CTG."
            if self.parent_id and self.parent.convention_id != convention.pk:
                errors["parent"] = "L'élément parent n'appartient pas à cette CTG."
        if errors:
            raise ValidationError(errors)

    @property
    def period_label(self) -> str:
        """Return the planned period as users write it ("2025", "2025-2026", "T2 2026 – 2027")."""
        start = _period_point(self.start_year, self.start_quarter)
        end = _period_point(self.end_year, self.end_quarter)
        if start and end and start != end:
            if self.start_quarter or self.end_quarter:
                return f"{start} – {end}"
            return f"{start}-{end}"
        return start or end


def _period_point(year: int | None, quarter: int | None) -> str:
    if not year:
        return ""
    return f"T{quarter} {year}" if quarter else str(year)


class BudgetLine(models.Model):
    node = models.ForeignKey(PlanNode, on_delete=models.CASCADE, related_name="budget_lines")
    funder = models.CharField("financeur", max_length=255)
    amount = models.DecimalField("montant (€)", max_digits=14, decimal_places=2)
    year = models.PositiveSmallIntegerField("année", null=True, blank=True)
    comment = models.CharField("commentaire", max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne budgétaire"
        ordering = ["year", "funder", "pk"]

    def __str__(self) -> str:
        return f"{self.funder} {french_euros(self.amount)}"


class Indicator(models.Model):
    """The definition of an indicator of an action, or of the whole CTG when node is empty.

    Its measurements live in pilote.monitoring.
    """

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="indicators"
    )
    node = models.ForeignKey(
        PlanNode,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        help_text="Vide pour un indicateur de toute la CTG (taux de couverture…).",
    )
    position = models.PositiveIntegerField(default=0)
    name = models.TextField("intitulé")
    unit = models.CharField("unité", max_length=60, blank=True)
    baseline_value = models.DecimalField(
        "valeur de référence", max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField("année de référence", null=True, blank=True)
    source = models.CharField("source", max_length=255, blank=True)
    frequency = models.CharField("fréquence", max_length=60, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "indicateur"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # An action's indicator belongs to the action's CTG.
        if self.node_id and not self.convention_id:
            self.convention_id = self.node.convention_id
        super().save(*args, **kwargs)


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField("année")
    value = models.DecimalField("cible", max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "cible annuelle"
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year} : {self.value}"
