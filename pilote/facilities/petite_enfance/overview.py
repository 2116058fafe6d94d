"""Petite enfance of a CTG as its pages show it: schéma checklists, tables and the AO page.

Everything here reads; petite_enfance.services writes. `load_petite_enfance` reads what the AO
page shows in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q

from pilote.conventions.models import Convention
from pilote.core.formats import french_number
from pilote.core.text import normalize_search
from pilote.plans.models import Indicator

from ..enums import (
    CapacityUnit,
    FacilityKind,
    FacilityStatus,
    SchemaContent,
)
from ..models import (
    EarlyChildhoodSettings,
    Facility,
    Schema,
    SchemaChecklistItem,
    SchemaLine,
    TerritoryFigure,
)
from . import ao, bonus
from .services import (
    EPCI_KIND_WORDS,
    NEEDS_FIGURES,
    get_settings,
    schema_ao_name,
    transfers_of,
)


@dataclass(frozen=True)
class ChecklistRow:
    content: str
    label: str
    covered: bool
    reference: str
    suggestion: str  # why the application thinks the CTG covers it, or ""
    suggested_reference: str


@dataclass(frozen=True)
class Checklist:
    rows: tuple[ChecklistRow, ...]

    @property
    def covered_count(self) -> int:
        return sum(row.covered for row in self.rows)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def can_stand_in(self) -> bool:
        """Return True if the CTG can stand in for the schéma: every content is covered."""
        return bool(self.rows) and all(row.covered for row in self.rows)

    @property
    def missing(self) -> list[ChecklistRow]:
        return [row for row in self.rows if not row.covered]


def _modes(lines: Sequence[SchemaLine], test) -> str:
    return ", ".join(dict.fromkeys(line.get_mode_display() for line in lines if test(line)))


def checklist_suggestions(
    lines: Sequence[SchemaLine], *, indicator_count: int, needs_figure_count: int
) -> dict[str, tuple[str, str]]:
    """Return, by content, what the data says about it: (explanation, suggested reference).

    `lines` must come with their years prefetched.
    """
    table = "Tableau du schéma"
    suggestions: dict[str, tuple[str, str]] = {}
    with_current = [line for line in lines if line.current_value is not None]
    if with_current:
        suggestions[SchemaContent.INVENTORY] = (
            f"{len(with_current)} ligne(s) du tableau donnent l'offre actuelle : "
            f"{_modes(with_current, lambda line: True)}.",
            table,
        )
    years = sorted({row.year for line in lines for row in line.years.all()})
    if years:
        suggestions[SchemaContent.OBJECTIVES] = (
            f"Le tableau projette les places ou ETP de {years[0]} à {years[-1]}.",
            f"{table} : projection {years[0]}–{years[-1]}",
        )
    checks = (
        (SchemaContent.JOBS, "jobs_needs", "Besoins en emplois et compétences renseignés"),
        (SchemaContent.INVESTMENTS, "investment_projects", "Projets d'investissement renseignés"),
        (SchemaContent.COSTS, "costs_calendar", "Coûts et calendriers renseignés"),
        (SchemaContent.CALENDAR, "costs_calendar", "Coûts et calendriers renseignés"),
    )
    for content, name, text in checks:
        modes = _modes(lines, lambda line, name=name: bool(getattr(line, name).strip()))
        if modes:
            suggestions[content] = (f"{text} pour : {modes}.", table)
    if indicator_count:
        suggestions[SchemaContent.INDICATORS] = (
            f"Le plan d'actions de la CTG compte {indicator_count} indicateur(s).",
            "Plan d'actions (indicateurs)",
        )
    if needs_figure_count:
        suggestions[SchemaContent.NEEDS] = (
            f"Le diagnostic compte {needs_figure_count} chiffre(s) sur les naissances et les "
            "enfants de moins de 3 ans.",
            "Diagnostic partagé (chiffres du territoire)",
        )
    return suggestions


def build_checklist(
    items: Sequence[SchemaChecklistItem], suggestions: Mapping[str, tuple[str, str]]
) -> Checklist:
    """Return the checklist in the order of D. 214-10-1, missing rows counting as not covered."""
    by_content = {item.content: item for item in items}
    rows = []
    for content in SchemaContent:
        item = by_content.get(content)
        suggestion, reference = suggestions.get(content, ("", ""))
        rows.append(
            ChecklistRow(
                content=content,
                label=content.label,
                covered=bool(item and item.covered),
                reference=item.reference if item else "",
                suggestion=suggestion,
                suggested_reference=reference,
            )
        )
    return Checklist(tuple(rows))


def plan_indicator_count(convention: Convention) -> int:
    return Indicator.objects.filter(convention=convention).count()


def needs_figure_count(convention: Convention) -> int:
    return TerritoryFigure.objects.filter(convention=convention, kind__in=NEEDS_FIGURES).count()


def schema_with_details(convention: Convention, pk: int) -> Schema:
    """Return a schéma of this CTG with its commune, lines, years and checklist (or raise)."""
    return (
        Schema.objects.select_related("commune")
        .prefetch_related(
            Prefetch("lines", queryset=SchemaLine.objects.prefetch_related("years")),
            "checklist",
        )
        .get(convention=convention, pk=pk)
    )


def schema_checklist(schema: Schema) -> Checklist:
    """Return the checklist of a schéma loaded by schema_with_details, with its suggestions."""
    convention = schema.convention
    suggestions = checklist_suggestions(
        list(schema.lines.all()),
        indicator_count=plan_indicator_count(convention),
        needs_figure_count=needs_figure_count(convention),
    )
    return build_checklist(list(schema.checklist.all()), suggestions)


def value_text(value: Decimal | None, unit: str = "") -> str:
    """Return places or ETP as French readers write them ("189", "1,7 ETP"), or ""."""
    if value is None:
        return ""
    text = french_number(value)
    return f"{text} ETP" if unit == CapacityUnit.FTE else text


@dataclass(frozen=True)
class TableRow:
    line: SchemaLine
    current: str
    years: tuple[str, ...]


def table_rows(lines: Sequence[SchemaLine], years: Sequence[int]) -> list[TableRow]:
    """Return the lines of a schéma (years prefetched) with their values ready to show."""
    rows = []
    for line in lines:
        values = {row.year: row.value for row in line.years.all()}
        rows.append(
            TableRow(
                line=line,
                current=value_text(line.current_value),
                years=tuple(value_text(values.get(year)) for year in years),
            )
        )
    return rows


@dataclass(frozen=True)
class SchemaSummary:
    schema: Schema
    ao_name: str
    line_count: int
    covered: int
    total: int

    @property
    def can_stand_in(self) -> bool:
        return self.covered == self.total


@dataclass(frozen=True)
class PetiteEnfancePage:
    settings: EarlyChildhoodSettings
    summary: ao.AOSummary
    schemas: tuple[SchemaSummary, ...]
    bonus: bonus.BonusTrajectory
    transferring_only: tuple[ao.CommuneAO, ...]  # communes that transferred every competence


def _epci_core_name(name: str) -> str:
    words = normalize_search(name).replace("agglomeration", "agglo").split()
    while words and words[0] in EPCI_KIND_WORDS:
        words.pop(0)
    return " ".join(words)


def register_facts(convention: Convention, schema_aos: Collection[str | None]) -> ao.Register:
    """Return what the rules need from the register: the existing RPE and the schémas."""
    rpes = list(
        Facility.objects.filter(
            convention=convention, kind=FacilityKind.RPE, status=FacilityStatus.EXISTING
        ).values_list("commune_id", "manager")
    )
    epci_runs_rpe = False
    if convention.epci_id:
        core = _epci_core_name(convention.epci.name)
        for commune_code, manager in rpes:
            manager_name = normalize_search(manager).replace("agglomeration", "agglo")
            if commune_code is None or (core and core in manager_name):
                epci_runs_rpe = True
    return ao.Register(
        rpe_communes=frozenset(code for code, _ in rpes if code),
        epci_runs_rpe=epci_runs_rpe,
        schemas=frozenset(schema_aos),
    )


def communes_for_rules(convention: Convention) -> list[ao.CommunePopulation]:
    return [
        ao.CommunePopulation(
            code=c.code,
            name=c.name,
            population_totale=c.population_totale,
            population_totale_year=c.population_totale_millesime,
            population_municipale=c.population,
            population_municipale_year=c.population_millesime,
        )
        for c in convention.communes.order_by("name", "code").only(
            "code",
            "name",
            "population",
            "population_millesime",
            "population_totale",
            "population_totale_millesime",
        )
    ]


def assess_convention(
    convention: Convention,
    *,
    settings: EarlyChildhoodSettings | None = None,
    schema_aos: Collection[str | None] | None = None,
    today: datetime.date | None = None,
) -> ao.AOSummary:
    """Return the récapitulatif of the AO of a CTG from its data."""
    settings = settings or get_settings(convention)
    if schema_aos is None:
        schema_aos = set(
            Schema.objects.filter(convention=convention).values_list("commune_id", flat=True)
        )
    epci = (convention.epci_id, convention.epci.name) if convention.epci_id else None
    return ao.assess(
        communes_for_rules(convention),
        transfers_of(convention),
        basis=settings.population_basis,
        epci=epci,
        register=register_facts(convention, schema_aos),
        today=today,
    )


def load_petite_enfance(
    convention: Convention, *, today: datetime.date | None = None
) -> PetiteEnfancePage:
    """Return everything the AO page shows, in a fixed number of queries."""
    settings = get_settings(convention)
    schemas = list(
        Schema.objects.filter(convention=convention)
        .select_related("commune")
        .annotate(
            line_count=Count("lines", distinct=True),
            covered_count=Count("checklist", filter=Q(checklist__covered=True), distinct=True),
        )
        .order_by("commune__name", "zone", "pk")
    )
    summary = assess_convention(
        convention,
        settings=settings,
        schema_aos={schema.commune_id for schema in schemas},
        today=today,
    )
    total = len(SchemaContent.values)
    summaries = tuple(
        SchemaSummary(
            schema=schema,
            ao_name=schema_ao_name(schema, convention),
            line_count=schema.line_count,
            covered=schema.covered_count,
            total=total,
        )
        for schema in sorted(
            schemas,
            key=lambda s: (
                s.commune_id is not None,
                s.commune.name if s.commune_id else "",
                s.zone,
            ),
        )
    )
    return PetiteEnfancePage(
        settings=settings,
        summary=summary,
        schemas=summaries,
        bonus=bonus.trajectory(
            settings.cofunded_places_2023, settings.planned_places_2027, settings.bonus_places
        ),
        transferring_only=tuple(c for c in summary.communes if not c.is_ao),
    )
