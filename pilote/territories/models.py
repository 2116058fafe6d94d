"""The Code officiel géographique (COG): régions, départements, EPCI and communes.

Populations always travel with their millésime (the year of the INSEE census they come from).
"""

from __future__ import annotations

from django.db import models

from pilote.core.text import normalize_search


class _SearchableQuerySet(models.QuerySet):
    """Accent-insensitive matching on the normalised `search_name` column."""

    def name_starts_with(self, query: str) -> models.QuerySet:
        """Return the rows whose whole name starts with `query` (served by the column's index)."""
        normalized = normalize_search(query)
        return self.filter(search_name__startswith=normalized) if normalized else self.none()

    def name_has_word_starting_with(self, query: str) -> models.QuerySet:
        """Return the rows one of whose name's words (not the first) starts with `query`."""
        normalized = normalize_search(query)
        return self.filter(search_name__contains=f" {normalized}") if normalized else self.none()


class EPCIQuerySet(_SearchableQuerySet):
    def current(self) -> EPCIQuerySet:
        """Return the EPCI of the loaded COG, not those only kept because of references."""
        return self.filter(is_current=True)


class CommuneQuerySet(_SearchableQuerySet):
    def current(self) -> CommuneQuerySet:
        """Return the communes of the loaded COG, not those only kept because of references."""
        return self.filter(is_current=True)

    def of_epci(self, siren: str) -> CommuneQuerySet:
        """Return the member communes of an EPCI."""
        return self.filter(epci_id=siren)

    def code_or_postal_code_starts_with(self, query: str) -> CommuneQuerySet:
        """Return the communes whose INSEE code or one of whose postal codes starts with `query`."""
        query = query.strip()
        return self.filter(
            models.Q(code__startswith=query.upper())
            | models.Q(postal_codes__startswith=query)
            | models.Q(postal_codes__contains=f" {query}")
        )


class Region(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class EPCI(models.Model):
    class Kind(models.TextChoices):
        CC = "CC", "Communauté de communes"
        CA = "CA", "Communauté d'agglomération"
        CU = "CU", "Communauté urbaine"
        METRO = "METRO", "Métropole"
        MET69 = "MET69", "Métropole de Lyon"

    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=5, choices=Kind.choices)
    population_totale = models.PositiveIntegerField("population totale", null=True, blank=True)
    population_municipale = models.PositiveIntegerField(
        "population municipale", null=True, blank=True
    )
    population_millesime = models.PositiveSmallIntegerField("millésime des populations", null=True)
    search_name = models.CharField(max_length=200, db_index=True, default="", editable=False)
    is_current = models.BooleanField(
        "dans le COG en vigueur",
        default=True,
        help_text="Faux pour un EPCI disparu, conservé parce qu'il est encore référencé.",
    )

    objects = EPCIQuerySet.as_manager()

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=200)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        EPCI, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    postal_codes = models.CharField("codes postaux", max_length=200, blank=True)
    # The two populations come from different sources and years: each keeps its millésime.
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    population_millesime = models.PositiveSmallIntegerField(
        "millésime de la population municipale", null=True
    )
    population_totale = models.PositiveIntegerField("population totale", null=True, blank=True)
    population_totale_millesime = models.PositiveSmallIntegerField(
        "millésime de la population totale", null=True
    )
    search_name = models.CharField(max_length=200, db_index=True, default="", editable=False)
    is_current = models.BooleanField(
        "dans le COG en vigueur",
        default=True,
        help_text="Faux pour une commune disparue, conservée parce qu'elle est encore référencée.",
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["name", "code"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
