"""The facts the AO rules (petite_enfance.ao) read and the verdicts they return."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from pilote.core.formats import french_number

from ..enums import Competence, PopulationBasis

PLANNING_THRESHOLD = 3_500
SCHEMA_THRESHOLD = 10_000
RPE_DEADLINE = datetime.date(2026, 1, 1)

# Competences every commune holds, and those that only communes over 3,500 inhabitants hold.
BASE_COMPETENCES = (Competence.NEEDS, Competence.INFORM)
UPPER_COMPETENCES = (Competence.PLAN, Competence.QUALITY)
# The competences an RPE serves (L. 214-1-3: "(2) et (4) … se dotent d'un relais petite enfance").
RPE_COMPETENCES = (Competence.INFORM, Competence.QUALITY)

# Short names of the four competences, as the récapitulatif of seed 003 numbers them.
COMPETENCE_SHORT = {
    Competence.NEEDS: "(1) Recenser",
    Competence.INFORM: "(2) Informer et accompagner",
    Competence.PLAN: "(3) Planifier",
    Competence.QUALITY: "(4) Soutenir la qualité",
}


class Holder(StrEnum):
    """Who exercises one competence for the territory of a commune."""

    COMMUNE = "commune"
    EPCI = "epci"
    NONE = "sans_objet"

    @property
    def label(self) -> str:
        return HOLDER_LABELS[self]


HOLDER_LABELS = {
    Holder.COMMUNE: "Exercée par la commune",
    Holder.EPCI: "Transférée à l'EPCI",
    Holder.NONE: "Sans objet",
}


class Level(StrEnum):
    """How serious an alert is (the DSFR alert it is shown with)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class CommunePopulation:
    """A commune of the CTG and its two INSEE populations, each with its millésime."""

    code: str
    name: str
    population_totale: int | None = None
    population_totale_year: int | None = None
    population_municipale: int | None = None
    population_municipale_year: int | None = None

    @property
    def population_totale_text(self) -> str:
        return format_int(self.population_totale)

    def population(self, basis: str) -> tuple[int | None, int | None]:
        """Return (population, millésime) on this basis."""
        if basis == PopulationBasis.MUNICIPALE:
            return self.population_municipale, self.population_municipale_year
        return self.population_totale, self.population_totale_year


@dataclass(frozen=True)
class Register:
    """What the register and the schémas of the CTG hold, as the rules need it.

    `rpe_communes`: INSEE codes of the communes where an existing RPE is located.
    `epci_runs_rpe`: an existing RPE is run by the EPCI (or serves it without a commune).
    `schemas`: the AO having a schéma: commune codes, and None for the EPCI.
    """

    rpe_communes: frozenset[str] = frozenset()
    epci_runs_rpe: bool = False
    schemas: frozenset[str | None] = frozenset()


@dataclass(frozen=True)
class Alert:
    level: Level
    message: str


@dataclass(frozen=True)
class CompetenceCell:
    """One cell of the récapitulatif: a competence and who exercises it."""

    competence: Competence
    holder: Holder

    @property
    def label(self) -> str:
        return self.holder.label

    @property
    def short(self) -> str:
        return COMPETENCE_SHORT[self.competence]


@dataclass(frozen=True)
class CommuneAO:
    """A commune of the CTG: its population, its competences, obligations and what is missing."""

    commune: CommunePopulation
    population: int | None
    millesime: int | None
    basis: str
    cells: tuple[CompetenceCell, ...]
    schema_required: bool
    rpe_required: bool
    has_schema: bool
    has_rpe: bool
    obligations: tuple[str, ...]
    alerts: tuple[Alert, ...]

    @property
    def code(self) -> str:
        return self.commune.code

    @property
    def population_text(self) -> str:
        return format_int(self.population)

    @property
    def name(self) -> str:
        return self.commune.name

    @property
    def holds(self) -> frozenset[Competence]:
        """Return the competences the commune exercises itself."""
        return frozenset(c.competence for c in self.cells if c.holder == Holder.COMMUNE)

    @property
    def transferred(self) -> frozenset[Competence]:
        return frozenset(c.competence for c in self.cells if c.holder == Holder.EPCI)

    @property
    def is_ao(self) -> bool:
        """Return True if the commune exercises at least one competence itself."""
        return bool(self.holds)

    @property
    def plans(self) -> bool:
        """Return True if the commune holds the planning competence itself."""
        return Competence.PLAN in self.holds


@dataclass(frozen=True)
class EpciCell:
    """One competence of the EPCI: the communes that transferred it and their population."""

    competence: Competence
    communes: tuple[str, ...]  # names, in the order of the communes of the CTG
    population: int  # sum of their population totale
    missing_population: tuple[str, ...]  # names of the transferring communes without one
    held: bool  # transferred by at least one commune and applicable at this population

    @property
    def transferred(self) -> bool:
        return bool(self.communes)

    @property
    def population_text(self) -> str:
        return format_int(self.population)

    @property
    def short(self) -> str:
        return COMPETENCE_SHORT[self.competence]

    @property
    def label(self) -> str:
        if not self.communes:
            return "Non transférée"
        if not self.held:
            return "Transférée, sans objet à cette population"
        return "Transférée par certaines communes à l'EPCI"


@dataclass(frozen=True)
class EpciAO:
    """The EPCI of the CTG as an autorité organisatrice, from the transfers it received."""

    siren: str
    name: str
    cells: tuple[EpciCell, ...]
    population: int  # population totale of the communes that transferred at least one competence
    millesime: int | None
    transferring_count: int
    schema_required: bool
    rpe_required: bool
    has_schema: bool
    has_rpe: bool
    obligations: tuple[str, ...]
    alerts: tuple[Alert, ...]

    @property
    def is_ao(self) -> bool:
        return any(cell.held for cell in self.cells)

    @property
    def population_text(self) -> str:
        return format_int(self.population)

    @property
    def plans(self) -> bool:
        return self.cell(Competence.PLAN).held

    def cell(self, competence: Competence) -> EpciCell:
        return next(cell for cell in self.cells if cell.competence == competence)

    @property
    def uniform_population(self) -> int | None:
        """Return the population shared by every transferred competence, if they all share one."""
        figures = {cell.population for cell in self.cells if cell.transferred}
        return figures.pop() if len(figures) == 1 else None


@dataclass(frozen=True)
class AOSummary:
    """The récapitulatif of the AO of a CTG, with every alert the page shows."""

    basis: str
    communes: tuple[CommuneAO, ...]
    epci: EpciAO | None
    alerts: tuple[Alert, ...] = field(default=())

    @property
    def all_alerts(self) -> list[Alert]:
        alerts = list(self.alerts)
        if self.epci is not None:
            alerts.extend(self.epci.alerts)
        for commune in self.communes:
            alerts.extend(commune.alerts)
        return alerts

    @property
    def missing(self) -> list[Alert]:
        """Return the errors: obligations that the register or the schémas do not meet."""
        return [alert for alert in self.all_alerts if alert.level == Level.ERROR]

    @property
    def planning_aos(self) -> list[str | None]:
        """Return the AO holding the planning competence: commune codes, None for the EPCI."""
        aos: list[str | None] = []
        if self.epci is not None and self.epci.plans:
            aos.append(None)
        aos.extend(commune.code for commune in self.communes if commune.plans)
        return aos


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------


def format_int(value: int | None) -> str:
    """Return an integer as French readers write it ("38 193"), or "inconnue"."""
    if value is None:
        return "inconnue"
    return french_number(value)
