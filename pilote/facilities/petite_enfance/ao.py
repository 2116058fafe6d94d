"""Who is the autorité organisatrice (AO) of the accueil du jeune enfant, and what it must do.

Pure rules of CASF L. 214-1-3 and L. 214-2 (DOMAIN.md §5), without the ORM: they take the
populations, the competence transfers and what the register holds, and return dataclasses.

- Every commune holds (1) recenser and (2) informer; a commune of more than 3,500 inhabitants also
  holds (3) planifier and (4) soutenir la qualité ("plus de": strictly greater).
- More than 10,000 inhabitants: (3) takes the form of a schéma pluriannuel, and (2)+(4) require a
  relais petite enfance (RPE) from 1 January 2026.
- A commune may transfer any competence to its EPCI. The EPCI holds a competence as soon as one
  commune transferred it, and its thresholds use the sum of the population totale of the
  communes that transferred that competence (L. 214-1-3 III), whatever the CTG's setting.
- The population of a commune acting alone is the open point of §5: totale by default, or
  municipale, as the CTG's settings say.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from ..enums import Competence, PopulationBasis
from .ao_types import (
    BASE_COMPETENCES,
    PLANNING_THRESHOLD,
    RPE_COMPETENCES,
    RPE_DEADLINE,
    SCHEMA_THRESHOLD,
    Alert,
    AOSummary,
    CommuneAO,
    CommunePopulation,
    CompetenceCell,
    EpciAO,
    EpciCell,
    Holder,
    Level,
    Register,
    format_int,
)


def more_than(population: int | None, threshold: int) -> bool:
    """Return True if the population is strictly greater than the threshold ("plus de")."""
    return population is not None and population > threshold


def commune_holder(
    competence: Competence, population: int | None, transferred: Collection[str]
) -> Holder:
    """Return who exercises a competence for a commune of this population."""
    if competence in transferred:
        return Holder.EPCI
    if competence in BASE_COMPETENCES or more_than(population, PLANNING_THRESHOLD):
        return Holder.COMMUNE
    return Holder.NONE


def epci_population(
    communes: Iterable[CommunePopulation], transferring_codes: Collection[str]
) -> tuple[int, tuple[str, ...]]:
    """Return the population totale of the transferring communes, and those without one."""
    total, missing = 0, []
    for commune in communes:
        if commune.code not in transferring_codes:
            continue
        if commune.population_totale is None:
            missing.append(commune.name)
        else:
            total += commune.population_totale
    return total, tuple(missing)


SCHEMA_REQUIRED = "Schéma pluriannuel obligatoire (plus de 10 000 habitants)"
PLANNING_WITHOUT_SCHEMA = (
    "Planification de l'offre, sans schéma obligatoire (10 000 habitants ou moins)"
)
BASE_ONLY = "Recenser et informer seulement (3 500 habitants ou moins)"


def rpe_obligation(today: datetime.date) -> str:
    return f"Relais petite enfance {rpe_deadline_text(today)}"


def rpe_deadline_text(today: datetime.date) -> str:
    if today >= RPE_DEADLINE:
        return "obligatoire depuis le 1ᵉʳ janvier 2026"
    return "obligatoire à compter du 1ᵉʳ janvier 2026"


def assess_commune(
    commune: CommunePopulation,
    transferred: Collection[str],
    *,
    basis: str,
    register: Register,
    today: datetime.date,
) -> CommuneAO:
    """Return the competences, obligations and missing items of one commune."""
    population, millesime = commune.population(basis)
    cells = tuple(
        CompetenceCell(competence, commune_holder(competence, population, transferred))
        for competence in Competence
    )
    holds = {cell.competence for cell in cells if cell.holder == Holder.COMMUNE}
    over_10k = more_than(population, SCHEMA_THRESHOLD)
    schema_required = Competence.PLAN in holds and over_10k
    rpe_required = bool(holds & set(RPE_COMPETENCES)) and over_10k
    has_schema = commune.code in register.schemas
    has_rpe = commune.code in register.rpe_communes

    obligations: list[str] = []
    if Competence.PLAN in holds:
        obligations.append(SCHEMA_REQUIRED if schema_required else PLANNING_WITHOUT_SCHEMA)
    elif holds and not more_than(population, PLANNING_THRESHOLD) and population is not None:
        obligations.append(BASE_ONLY)
    if rpe_required:
        obligations.append(rpe_obligation(today))
    missing = _Missing(schema_required and not has_schema, rpe_required and not has_rpe)
    alerts = _commune_alerts(
        commune.name, population, basis, holds, transferred, missing, has_schema, today
    )
    return CommuneAO(
        commune=commune,
        population=population,
        millesime=millesime,
        basis=basis,
        cells=cells,
        schema_required=schema_required,
        rpe_required=rpe_required,
        has_schema=has_schema,
        has_rpe=has_rpe,
        obligations=tuple(obligations),
        alerts=tuple(alerts),
    )


@dataclass(frozen=True)
class _Missing:
    """What the law requires and the register lacks."""

    schema: bool
    rpe: bool


def _commune_alerts(
    name: str,
    population: int | None,
    basis: str,
    holds: set[str],
    transferred: Collection[str],
    missing: _Missing,
    has_schema: bool,
    today: datetime.date,
) -> list[Alert]:
    alerts: list[Alert] = []
    if population is None:
        alerts.append(
            Alert(
                Level.WARNING,
                f"{name} : population {PopulationBasis(basis).label.lower()} inconnue, les "
                "seuils de 3 500 et 10 000 habitants ne peuvent pas être évalués.",
            )
        )
    if missing.schema:
        alerts.append(
            Alert(
                Level.ERROR,
                f"{name} ({format_int(population)} habitants) planifie elle-même l'offre : "
                "aucun schéma pluriannuel n'est enregistré pour elle.",
            )
        )
    if missing.rpe:
        alerts.append(
            Alert(
                Level.ERROR,
                f"{name} ({format_int(population)} habitants) : aucun relais petite enfance "
                f"existant n'est situé dans la commune au registre ({rpe_deadline_text(today)}).",
            )
        )
    if has_schema and Competence.PLAN not in holds:
        reason = (
            "l'a transférée à l'EPCI"
            if Competence.PLAN in transferred
            else "n'a pas plus de 3 500 habitants"
        )
        alerts.append(
            Alert(
                Level.INFO,
                f"{name} a un tableau de schéma alors qu'elle n'exerce pas la planification (elle "
                f"{reason}) : ce tableau est indicatif.",
            )
        )
    return alerts


def assess_epci(
    siren: str,
    name: str,
    communes: list[CommunePopulation],
    transfers: Mapping[str, Collection[str]],
    *,
    register: Register,
    today: datetime.date,
) -> EpciAO:
    """Return the EPCI's competences from the transfers, its obligations and what is missing."""
    cells = _epci_cells(communes, transfers)
    transferring = {code for code, comps in transfers.items() if comps}
    population, missing = epci_population(communes, transferring)
    years = {
        c.population_totale_year
        for c in communes
        if c.code in transferring and c.population_totale_year
    }
    plan = next(c for c in cells if c.competence == Competence.PLAN)
    schema_required = plan.held and more_than(plan.population, SCHEMA_THRESHOLD)
    rpe_required = any(
        c.held and more_than(c.population, SCHEMA_THRESHOLD)
        for c in cells
        if c.competence in RPE_COMPETENCES
    )
    rpe_codes = {code for code, comps in transfers.items() if set(comps) & set(RPE_COMPETENCES)}
    has_rpe = register.epci_runs_rpe or bool(rpe_codes & register.rpe_communes)
    has_schema = None in register.schemas

    obligations: list[str] = []
    if plan.held:
        obligations.append(SCHEMA_REQUIRED if schema_required else PLANNING_WITHOUT_SCHEMA)
    if rpe_required:
        obligations.append(rpe_obligation(today))
    lacking = _Missing(schema_required and not has_schema, rpe_required and not has_rpe)
    alerts = _epci_alerts(name, cells, missing, lacking, has_schema, today)
    return EpciAO(
        siren=siren,
        name=name,
        cells=tuple(cells),
        population=population,
        millesime=max(years, default=None),
        transferring_count=len(transferring),
        schema_required=schema_required,
        rpe_required=rpe_required,
        has_schema=has_schema,
        has_rpe=has_rpe,
        obligations=tuple(obligations),
        alerts=tuple(alerts),
    )


def _epci_cells(
    communes: list[CommunePopulation], transfers: Mapping[str, Collection[str]]
) -> list[EpciCell]:
    """Return, per competence, the communes that transferred it and whether the EPCI holds it."""
    cells = []
    for competence in Competence:
        codes = {code for code, comps in transfers.items() if competence in comps}
        population, missing = epci_population(communes, codes)
        applicable = competence in BASE_COMPETENCES or more_than(population, PLANNING_THRESHOLD)
        cells.append(
            EpciCell(
                competence=competence,
                communes=tuple(c.name for c in communes if c.code in codes),
                population=population,
                missing_population=missing,
                held=bool(codes) and applicable,
            )
        )
    return cells


def _epci_alerts(
    name: str,
    cells: list[EpciCell],
    missing: tuple[str, ...],
    lacking: _Missing,
    has_schema: bool,
    today: datetime.date,
) -> list[Alert]:
    plan = next(c for c in cells if c.competence == Competence.PLAN)
    alerts: list[Alert] = []
    if missing:
        alerts.append(
            Alert(
                Level.WARNING,
                "Population totale inconnue pour " + ", ".join(missing) + " : la population "
                "retenue pour l'EPCI est incomplète.",
            )
        )
    for cell in cells:
        if cell.transferred and not cell.held:
            alerts.append(
                Alert(
                    Level.INFO,
                    f"{cell.short} : transférée par des communes qui comptent ensemble "
                    f"{format_int(cell.population)} habitants, pas plus de 3 500 : la "
                    "compétence est sans objet pour l'EPCI.",
                )
            )
    if lacking.schema:
        alerts.append(
            Alert(
                Level.ERROR,
                f"{name} planifie l'offre pour {format_int(plan.population)} habitants : aucun "
                "schéma pluriannuel n'est enregistré pour l'EPCI.",
            )
        )
    if lacking.rpe:
        alerts.append(
            Alert(
                Level.ERROR,
                f"{name} : aucun relais petite enfance existant au registre, ni situé dans une "
                f"commune qui lui a transféré la compétence, ni géré par l'EPCI "
                f"({rpe_deadline_text(today)}).",
            )
        )
    if has_schema and not plan.held:
        alerts.append(
            Alert(
                Level.INFO,
                f"{name} a un tableau de schéma alors qu'aucune commune ne lui a transféré la "
                "planification (ou pour moins de 3 500 habitants) : ce tableau est indicatif.",
            )
        )
    return alerts


def assess(
    communes: Iterable[CommunePopulation],
    transfers: Mapping[str, Collection[str]],
    *,
    basis: str = PopulationBasis.TOTALE,
    epci: tuple[str, str] | None = None,
    register: Register | None = None,
    today: datetime.date | None = None,
) -> AOSummary:
    """Return the récapitulatif of the AO of a CTG.

    `transfers` maps a commune code to the competences it transferred to the EPCI; `epci` is
    (SIREN, name) of the CTG's EPCI, or None when the CTG has none (transfers are then ignored).
    """
    communes = list(communes)
    register = register or Register()
    today = today or datetime.date.today()
    alerts: list[Alert] = []
    if epci is None:
        if any(transfers.values()):
            alerts.append(
                Alert(
                    Level.WARNING,
                    "Des transferts de compétences sont enregistrés alors que la CTG n'a pas "
                    "d'EPCI : ils ne sont pas pris en compte.",
                )
            )
        transfers = {}
    known = {c.code for c in communes}
    transfers = {code: set(comps) for code, comps in transfers.items() if code in known}
    assessed = tuple(
        assess_commune(
            commune,
            transfers.get(commune.code, set()),
            basis=basis,
            register=register,
            today=today,
        )
        for commune in communes
    )
    epci_ao = (
        assess_epci(epci[0], epci[1], communes, transfers, register=register, today=today)
        if epci is not None
        else None
    )
    return AOSummary(basis=basis, communes=assessed, epci=epci_ao, alerts=tuple(alerts))
