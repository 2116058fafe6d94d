"""The population of a territory, the one figure every page and document shows for it.

A territory's population is the sum of the *population municipale* of its communes, from the
latest populations légales the application holds (`Commune.population`, millésime 2023 with COG
2026): the INSEE reference figure, the one the diagnostics of the CTGs quote. Its millésime is
always written next to it ("49 137 hab. (population municipale 2023)"). The EPCI's own figures
(`EPCI.population_*`, an older millésime) and the population totale (the legal basis of the
petite-enfance thresholds, another quantity, labelled as such where it is used) are not mixed
with it. See docs/data-sources.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pilote.core.formats import NBSP, french_number

KIND = "population municipale"


@dataclass(frozen=True)
class Population:
    """The population municipale of a set of communes, with its millésime(s)."""

    value: int | None  # None when no commune has a known population
    millesimes: tuple[int, ...] = ()
    commune_count: int = 0
    missing: int = 0  # communes without a known population

    @property
    def millesime(self) -> int | None:
        """Return the millésime when all the populations share one, else None."""
        return self.millesimes[0] if len(self.millesimes) == 1 else None

    @property
    def source(self) -> str:
        """Return "population municipale 2023" (the years listed when they differ)."""
        if not self.millesimes:
            return KIND
        years = " et ".join(str(year) for year in self.millesimes)
        return f"{KIND} {years}" if self.millesime else f"{KIND}, millésimes {years}"

    @property
    def figure(self) -> str:
        """Return the number alone, "49 137", or "" when unknown."""
        return french_number(self.value)

    @property
    def text(self) -> str:
        """Return "49 137 hab. (population municipale 2023)", or "" when unknown."""
        if self.value is None:
            return ""
        return f"{self.figure}{NBSP}hab. ({self.source})"


def population_from_rows(rows: Iterable[tuple[int | None, int | None]]) -> Population:
    """Return the population of communes given as (population municipale, millésime) pairs."""
    total, count, missing, years = 0, 0, 0, set()
    for population, millesime in rows:
        count += 1
        if population is None:
            missing += 1
            continue
        total += population
        if millesime:
            years.add(millesime)
    known = count - missing
    return Population(
        value=total if known else None,
        millesimes=tuple(sorted(years)),
        commune_count=count,
        missing=missing,
    )


def population_of(communes) -> Population:
    """Return the population of a QuerySet of communes (one query)."""
    return population_from_rows(communes.values_list("population", "population_millesime"))
