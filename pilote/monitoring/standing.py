"""An indicator's latest value and how it stands against its target: decided here, and only here.

Every page (indicators, dashboard, en bref, public page), every bilan (its snapshot, text,
tables and charts) and every slide deck reads an indicator's state through
`indicator_standing`, so that they cannot disagree. The rules:

- the *latest value* is the latest measurement in `measurement_key` order: by year, then by
  quarter, a yearly value counting as the end of its year (T4), then by the moment it was
  entered (a value entered later for the same period replaces the earlier one);
- it is judged against the target of its own year: *cible atteinte* when it reaches it
  (value ≥ target), *sous la cible* below it, *pas de cible* when that year has none, *pas de
  mesure* without any measurement.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models


class Standing(models.TextChoices):
    MET = "atteinte", "Cible atteinte"
    BELOW = "sous_cible", "Sous la cible"
    NO_TARGET = "sans_cible", "Pas de cible"
    NO_VALUE = "sans_mesure", "Pas de mesure"


_EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def measurement_key(year: int, quarter: int | None, created_at=None, pk: int | None = None):
    """Return the sort key of a measurement: a yearly value counts as the end of its year."""
    return year, quarter or 4, created_at or _EARLIEST, pk or 0


@dataclass(frozen=True, slots=True)
class Point:
    """A measurement reduced to what its standing needs."""

    year: int
    quarter: int | None
    value: Decimal
    created_at: datetime.datetime | None = None
    pk: int | None = None

    @property
    def key(self) -> tuple:
        return measurement_key(self.year, self.quarter, self.created_at, self.pk)

    @property
    def period_label(self) -> str:
        return f"T{self.quarter} {self.year}" if self.quarter else str(self.year)


@dataclass(frozen=True, slots=True)
class IndicatorStanding:
    """The latest value of an indicator and the target of its year, with the verdict."""

    status: str
    value: Decimal | None = None
    year: int | None = None
    quarter: int | None = None
    target: Decimal | None = None  # the target of the value's year

    @property
    def off_target(self) -> bool:
        return self.status == Standing.BELOW

    @property
    def judged(self) -> bool:
        return self.status in (Standing.MET, Standing.BELOW)

    @property
    def period_label(self) -> str:
        if self.year is None:
            return ""
        return f"T{self.quarter} {self.year}" if self.quarter else str(self.year)

    @property
    def label(self) -> str:
        """Return the verdict in French: "Sous la cible", "Pas de cible 2027"…"""
        if self.status == Standing.NO_TARGET:
            return f"Pas de cible {self.year}"
        return Standing(self.status).label

    @property
    def gap(self) -> Decimal | None:
        """Return value − target when judged (negative below the target)."""
        if not self.judged:
            return None
        return self.value - self.target


def indicator_standing(
    measurements: Iterable[Point], targets: dict[int, Decimal]
) -> IndicatorStanding:
    """Return the latest measurement of an indicator judged against the target of its year."""
    latest = max(measurements, key=lambda point: point.key, default=None)
    if latest is None:
        return IndicatorStanding(Standing.NO_VALUE)
    target = targets.get(latest.year)
    if target is None:
        status = Standing.NO_TARGET
    else:
        status = Standing.BELOW if latest.value < target else Standing.MET
    return IndicatorStanding(
        status=status,
        value=latest.value,
        year=latest.year,
        quarter=latest.quarter,
        target=target,
    )


def point_of(measurement) -> Point:
    """Return a Measurement (or any object with its fields) as a Point."""
    return Point(
        year=measurement.year,
        quarter=measurement.quarter,
        value=measurement.value,
        created_at=measurement.created_at,
        pk=measurement.pk,
    )
