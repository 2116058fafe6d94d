"""The Code officiel géographique (COG): régions, départements, EPCI and communes.

Populations always travel with their millésime (the year of the INSEE census they come from).
"""

from django.db import models


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
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes"
    )
    epci = models.ForeignKey(
        EPCI, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    postal_codes = models.CharField("codes postaux", max_length=200, blank=True)
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    population_totale = models.PositiveIntegerField("population totale", null=True, blank=True)
    population_millesime = models.PositiveSmallIntegerField("millésime des populations", null=True)

    class Meta:
        verbose_name = "commune"
        ordering = ["name", "code"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
