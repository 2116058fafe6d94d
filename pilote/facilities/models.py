"""Facilities and services of a CTG, territory figures, AO competences and schémas pluriannuels.

Everything here belongs to one CTG: a figure of the diagnostic or a competence transfer is what
that CTG recorded, with its source and millésime, not a national truth shared between CTGs.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from .enums import (
    AreaKind,
    CapacityUnit,
    Competence,
    FacilityKind,
    FacilityStatus,
    FigureKind,
    FundingMode,
    PopulationBasis,
    SchemaContent,
    SchemaMode,
)

NON_NEGATIVE = [MinValueValidator(Decimal(0))]
YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]
# Centres sociaux and crèches may be decades old.
OPENING_YEAR = [MinValueValidator(1900), MaxValueValidator(2100)]


class Facility(models.Model):
    """An équipement or service supported within the CTG (one row of annexe 2)."""

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="facilities"
    )
    manager = models.CharField("gestionnaire", max_length=255)
    name = models.CharField("nom", max_length=255)
    kind = models.CharField("type", max_length=24, choices=FacilityKind.choices)
    subkind = models.CharField(
        "sous-type",
        max_length=120,
        blank=True,
        help_text="Par exemple : multi-accueil, périscolaire.",
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilities",
        verbose_name="commune",
    )
    capacity = models.DecimalField(
        "capacité", max_digits=8, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    capacity_unit = models.CharField(
        "unité de capacité", max_length=6, choices=CapacityUnit.choices, default=CapacityUnit.PLACES
    )
    age_min = models.PositiveSmallIntegerField("âge minimum (ans)", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("âge maximum (ans)", null=True, blank=True)
    funding = models.CharField(
        "financement Caf", max_length=6, choices=FundingMode.choices, blank=True
    )
    status = models.CharField(
        "statut", max_length=8, choices=FacilityStatus.choices, default=FacilityStatus.EXISTING
    )
    opening_year = models.PositiveSmallIntegerField(
        "année d'ouverture", null=True, blank=True, validators=OPENING_YEAR
    )
    actions = models.ManyToManyField(
        "plans.PlanNode", blank=True, related_name="facilities", verbose_name="actions concernées"
    )
    notes = models.TextField("observations", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[actions])

    class Meta:
        verbose_name = "équipement ou service"
        verbose_name_plural = "équipements et services"
        ordering = ["commune__name", "kind", "name", "pk"]
        indexes = [
            models.Index(fields=["convention", "kind"], name="facility_kind_idx"),
            models.Index(fields=["convention", "commune"], name="facility_commune_idx"),
            models.Index(fields=["convention", "status"], name="facility_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_min__lte=models.F("age_max")),
                name="facility_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FacilityBonus(models.Model):
    """The bonus territoire CTG paid for a facility one year (amounts are stored, not computed)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="bonuses")
    year = models.PositiveSmallIntegerField("année", validators=YEAR)
    amount = models.DecimalField(
        "montant (€)", max_digits=12, decimal_places=2, validators=NON_NEGATIVE
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "bonus territoire CTG"
        verbose_name_plural = "bonus territoire CTG"
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "year"], name="facility_bonus_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.year}"


class TerritoryFigure(models.Model):
    """A figure of the diagnostic for a commune, an EPCI, a département or France, one year."""

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="figures"
    )
    area_kind = models.CharField("échelle", max_length=12, choices=AreaKind.choices)
    # INSEE code of a commune or département, SIREN of an EPCI, "FR" for France.
    area_code = models.CharField("code du territoire", max_length=9)
    area_name = models.CharField("territoire", max_length=200)
    kind = models.CharField("chiffre", max_length=24, choices=FigureKind.choices)
    label = models.CharField(
        "libellé", max_length=200, blank=True, help_text="Obligatoire pour « Autre chiffre »."
    )
    year = models.PositiveSmallIntegerField("millésime", validators=YEAR)
    value = models.DecimalField("valeur", max_digits=14, decimal_places=3)
    source = models.CharField("source", max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "chiffre du territoire"
        verbose_name_plural = "chiffres du territoire"
        ordering = ["area_kind", "area_name", "kind", "label", "-year"]
        indexes = [models.Index(fields=["convention", "kind", "year"], name="figure_kind_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "area_kind", "area_code", "kind", "label", "year"],
                name="figure_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_name} – {self.label or self.get_kind_display()} {self.year}"


class EarlyChildhoodSettings(models.Model):
    """Settings of the petite-enfance part of a CTG (AO thresholds, bonus trajectoire)."""

    convention = models.OneToOneField(
        "conventions.Convention", on_delete=models.CASCADE, related_name="early_childhood"
    )
    population_basis = models.CharField(
        "population retenue pour une commune seule",
        max_length=10,
        choices=PopulationBasis.choices,
        default=PopulationBasis.TOTALE,
        help_text="La loi ne précise pas la population d'une commune qui exerce seule ses "
        "compétences ; la population totale est retenue par défaut.",
    )
    cofunded_places_2023 = models.PositiveIntegerField(
        "places de crèche cofinancées en 2023", null=True, blank=True
    )
    planned_places_2027 = models.PositiveIntegerField(
        "places de crèche prévues en 2027", null=True, blank=True
    )
    bonus_places = models.PositiveIntegerField(
        "places PSU bénéficiant du bonus territoire", null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "réglages petite enfance"
        verbose_name_plural = "réglages petite enfance"

    def __str__(self) -> str:
        return f"Petite enfance – {self.convention}"


class CompetenceTransfer(models.Model):
    """A commune of the CTG has transferred one AO competence to the EPCI."""

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="competence_transfers"
    )
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="competence_transfers"
    )
    competence = models.CharField("compétence", max_length=10, choices=Competence.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "transfert de compétence"
        verbose_name_plural = "transferts de compétence"
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "commune", "competence"], name="competence_transfer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune} → EPCI : {self.get_competence_display()}"


class Schema(models.Model):
    """The schéma pluriannuel of one autorité organisatrice (the EPCI when commune is empty)."""

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="schemas"
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schemas",
        verbose_name="commune autorité organisatrice",
        help_text="Laisser vide quand l'autorité organisatrice est l'EPCI de la CTG.",
    )
    zone = models.CharField(
        "zone", max_length=200, blank=True, help_text="Facultatif : QPV, ZRR, secteur…"
    )
    adopted_on = models.DateField("date d'adoption", null=True, blank=True)
    sent_to_cdsf_on = models.DateField("date d'envoi au CDSF", null=True, blank=True)
    notes = models.TextField("observations", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "schéma pluriannuel"
        verbose_name_plural = "schémas pluriannuels"
        ordering = ["commune__name", "zone", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "commune", "zone"], name="schema_unique_per_ao_and_zone"
            ),
            models.UniqueConstraint(
                fields=["convention", "zone"],
                condition=models.Q(commune__isnull=True),
                name="schema_unique_epci_zone",
            ),
        ]

    def __str__(self) -> str:
        return f"Schéma – {self.commune or self.convention.epci or self.convention}"


class SchemaLine(models.Model):
    """One mode of the schéma table: places or ETP per year and the needs around it."""

    schema = models.ForeignKey(Schema, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField("ordre", default=0)
    mode = models.CharField(
        "mode d'accueil ou dispositif", max_length=24, choices=SchemaMode.choices
    )
    label = models.CharField("précision", max_length=200, blank=True)
    structure_count = models.PositiveSmallIntegerField(
        "nombre de structures", null=True, blank=True
    )
    unit = models.CharField(
        "unité", max_length=6, choices=CapacityUnit.choices, default=CapacityUnit.PLACES
    )
    current_value = models.DecimalField(
        "places ou ETP actuels",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    jobs_needs = models.TextField("besoins en emplois et compétences", blank=True)
    other_needs = models.TextField("autres besoins identifiés", blank=True)
    investment_projects = models.TextField("projets d'investissement", blank=True)
    costs_calendar = models.TextField("coûts et calendrier prévisionnels", blank=True)
    engineering = models.TextField("ingénierie et moyens humains", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne du schéma"
        verbose_name_plural = "lignes du schéma"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label or self.get_mode_display()


class SchemaLineYear(models.Model):
    """The places or ETP planned for one year of the CTG on a schéma line."""

    line = models.ForeignKey(SchemaLine, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField("année", validators=YEAR)
    value = models.DecimalField(
        "places ou ETP", max_digits=8, decimal_places=2, validators=NON_NEGATIVE
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["line", "year"], name="schema_line_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.year}"


class SchemaChecklistItem(models.Model):
    """Whether the CTG covers one content required of a schéma, and where."""

    schema = models.ForeignKey(Schema, on_delete=models.CASCADE, related_name="checklist")
    content = models.CharField("contenu attendu", max_length=16, choices=SchemaContent.choices)
    covered = models.BooleanField("traité dans la CTG", default=False)
    reference = models.CharField(
        "où le trouver", max_length=255, blank=True, help_text="Par exemple : annexe 1, fiche 3."
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schema", "content"], name="schema_checklist_unique")
        ]

    def __str__(self) -> str:
        return self.get_content_display()
