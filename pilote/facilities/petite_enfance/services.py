"""Petite enfance of a CTG: settings, competence transfers, schémas pluriannuels and their checks.

Every write goes through one function here, in its own transaction; a refused change raises
PetiteEnfanceError with a French message and writes nothing. What the pages read is in
petite_enfance.overview.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.models import Convention, TrashItem, TrashKind
from pilote.conventions.trash import discard
from pilote.territories.models import Commune

from ..enums import (
    CapacityUnit,
    Competence,
    FigureKind,
    PopulationBasis,
    SchemaContent,
    SchemaMode,
)
from ..exceptions import FacilitiesError
from ..models import (
    CompetenceTransfer,
    EarlyChildhoodSettings,
    Schema,
    SchemaChecklistItem,
    SchemaLine,
    SchemaLineYear,
)

MAX_LINES = 50
MAX_TEXT = 5_000
MAX_VALUE = Decimal("999999.99")
NEEDS_FIGURES = (FigureKind.CHILDREN_UNDER_3, FigureKind.BIRTHS)
EPCI_KIND_WORDS = {"ca", "cc", "cu", "metropole", "communaute", "de", "d", "du", "des"}


class PetiteEnfanceError(FacilitiesError):
    """A change to the petite-enfance part of a CTG was refused (French message)."""


# ---------------------------------------------------------------------------------------------
# Data handed to the services by forms, imports and commands
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaData:
    commune: str | None = None  # INSEE code of the commune AO; None for the EPCI
    zone: str = ""
    adopted_on: datetime.date | None = None
    sent_to_cdsf_on: datetime.date | None = None
    notes: str = ""


@dataclass(frozen=True)
class SchemaLineData:
    mode: str
    label: str = ""
    structure_count: int | None = None
    unit: str = CapacityUnit.PLACES
    current_value: Decimal | None = None
    years: Mapping[int, Decimal] = field(default_factory=dict)
    jobs_needs: str = ""
    other_needs: str = ""
    investment_projects: str = ""
    costs_calendar: str = ""
    engineering: str = ""
    pk: int | None = None


TEXT_COLUMNS = ("jobs_needs", "other_needs", "investment_projects", "costs_calendar", "engineering")


@dataclass(frozen=True)
class ChecklistData:
    content: str
    covered: bool = False
    reference: str = ""


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


def _check_can_edit(by, convention: Convention) -> None:
    if by is not None and not can_edit_convention(by, convention):
        raise PetiteEnfanceError("Vous n'avez pas le droit de modifier cette CTG.")


def _check_places(value: int | None, label: str) -> None:
    if value is not None and (isinstance(value, bool) or value < 0 or value > 1_000_000):
        raise PetiteEnfanceError(f"« {label} » doit être un nombre de places entre 0 et 1 000 000.")


def schema_ao_name(schema: Schema, convention: Convention) -> str:
    """Return the name of the AO a schéma belongs to."""
    if schema.commune_id:
        return schema.commune.name
    return convention.epci.name if convention.epci_id else convention.name


# ---------------------------------------------------------------------------------------------
# Settings and transfers
# ---------------------------------------------------------------------------------------------


def get_settings(convention: Convention) -> EarlyChildhoodSettings:
    """Return the CTG's petite-enfance settings, or unsaved defaults."""
    settings = EarlyChildhoodSettings.objects.filter(convention=convention).first()
    return settings or EarlyChildhoodSettings(convention=convention)


def update_settings(
    convention: Convention,
    *,
    by,
    population_basis: str = PopulationBasis.TOTALE,
    cofunded_places_2023: int | None = None,
    planned_places_2027: int | None = None,
    bonus_places: int | None = None,
) -> EarlyChildhoodSettings:
    """Save the population basis of the AO thresholds and the figures of the bonus trajectoire."""
    _check_can_edit(by, convention)
    if population_basis not in PopulationBasis.values:
        raise PetiteEnfanceError(f"Population retenue inconnue : {population_basis!r}.")
    _check_places(cofunded_places_2023, "places de crèche cofinancées en 2023")
    _check_places(planned_places_2027, "places de crèche prévues en 2027")
    _check_places(bonus_places, "places PSU bénéficiant du bonus territoire")
    with transaction.atomic():
        settings, _ = EarlyChildhoodSettings.objects.select_for_update().get_or_create(
            convention=convention
        )
        settings.population_basis = population_basis
        settings.cofunded_places_2023 = cofunded_places_2023
        settings.planned_places_2027 = planned_places_2027
        settings.bonus_places = bonus_places
        settings.save()
    return settings


def transfers_of(convention: Convention) -> dict[str, set[str]]:
    """Return the competences each commune of the CTG transferred to the EPCI, by INSEE code."""
    transfers: dict[str, set[str]] = {}
    for code, competence in CompetenceTransfer.objects.filter(convention=convention).values_list(
        "commune_id", "competence"
    ):
        transfers.setdefault(code, set()).add(competence)
    return transfers


def set_transfers(convention: Convention, *, by, transfers: Mapping[str, Collection[str]]) -> int:
    """Make the CTG's competence transfers exactly these; return how many are recorded.

    `transfers` maps the INSEE code of a commune of the CTG to the competences it transferred
    to the CTG's EPCI. Only member communes of that EPCI may transfer.
    """
    _check_can_edit(by, convention)
    wanted = {code: set(comps) for code, comps in transfers.items() if comps}
    if wanted and not convention.epci_id:
        raise PetiteEnfanceError(
            "La CTG n'a pas d'EPCI : aucune compétence ne peut lui être transférée. Indiquez "
            "d'abord l'EPCI dans le territoire de la CTG."
        )
    unknown = sorted({c for comps in wanted.values() for c in comps} - set(Competence.values))
    if unknown:
        raise PetiteEnfanceError(f"Compétences inconnues : {', '.join(unknown)}.")
    communes = {
        c.code: c for c in convention.communes.filter(code__in=wanted).only("code", "name", "epci")
    }
    outside = sorted(set(wanted) - set(communes))
    if outside:
        raise PetiteEnfanceError(
            f"Ces communes ne font pas partie du territoire de la CTG : {', '.join(outside)}."
        )
    not_members = sorted(c.name for c in communes.values() if c.epci_id != convention.epci_id)
    if not_members:
        raise PetiteEnfanceError(
            "Ces communes ne sont pas membres de l'EPCI de la CTG et ne peuvent pas lui "
            f"transférer de compétence : {', '.join(not_members)}."
        )
    rows = [
        CompetenceTransfer(convention=convention, commune_id=code, competence=competence)
        for code in sorted(wanted)
        for competence in Competence.values
        if competence in wanted[code]
    ]
    with transaction.atomic():
        existing = {
            (t.commune_id, t.competence): t
            for t in CompetenceTransfer.objects.select_for_update().filter(convention=convention)
        }
        keep = {(row.commune_id, row.competence) for row in rows}
        for key, transfer in existing.items():
            if key not in keep:
                transfer.delete()
        for row in rows:
            if (row.commune_id, row.competence) not in existing:
                row.save()
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Schémas
# ---------------------------------------------------------------------------------------------


def _clean_schema_data(convention: Convention, data: SchemaData) -> Commune | None:
    commune = None
    if data.commune:
        commune = convention.communes.filter(code=data.commune).first()
        if commune is None:
            raise PetiteEnfanceError(
                f"La commune {data.commune} ne fait pas partie du territoire de la CTG.",
                field="commune",
            )
    elif not convention.epci_id:
        raise PetiteEnfanceError(
            "La CTG n'a pas d'EPCI : choisissez la commune autorité organisatrice du schéma.",
            field="commune",
        )
    if len(data.zone) > 200:
        raise PetiteEnfanceError("La zone dépasse 200 caractères.", field="zone")
    if data.adopted_on and data.sent_to_cdsf_on and data.sent_to_cdsf_on < data.adopted_on:
        raise PetiteEnfanceError(
            "La date d'envoi au CDSF précède la date d'adoption du schéma.",
            field="sent_to_cdsf_on",
        )
    return commune


def _duplicate_message(convention: Convention, commune: Commune | None, zone: str) -> str:
    ao_name = commune.name if commune else (convention.epci.name if convention.epci_id else "")
    where = f" pour la zone « {zone} »" if zone else ""
    return f"Un schéma existe déjà pour {ao_name}{where}."


def _exists(convention: Convention, commune: Commune | None, zone: str, exclude=None) -> bool:
    others = Schema.objects.filter(convention=convention, commune=commune, zone=zone)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return others.exists()


def create_schema(convention: Convention, *, by, data: SchemaData) -> Schema:
    """Create the schéma of one AO (and zone), with an unticked checklist of D. 214-10-1."""
    _check_can_edit(by, convention)
    commune = _clean_schema_data(convention, data)
    zone = data.zone.strip()
    if _exists(convention, commune, zone):
        raise PetiteEnfanceError(_duplicate_message(convention, commune, zone), field="commune")
    try:
        with transaction.atomic():
            schema = Schema.objects.create(
                convention=convention,
                commune=commune,
                zone=zone,
                adopted_on=data.adopted_on,
                sent_to_cdsf_on=data.sent_to_cdsf_on,
                notes=data.notes.strip(),
            )
            SchemaChecklistItem.objects.bulk_create(
                SchemaChecklistItem(schema=schema, content=content)
                for content in SchemaContent.values
            )
    except IntegrityError as error:  # a concurrent creation of the same schéma
        raise PetiteEnfanceError(_duplicate_message(convention, commune, zone)) from error
    return schema


def update_schema(schema: Schema, *, by, data: SchemaData) -> Schema:
    """Change the AO, zone, dates and notes of a schéma."""
    convention = schema.convention
    _check_can_edit(by, convention)
    commune = _clean_schema_data(convention, data)
    zone = data.zone.strip()
    if _exists(convention, commune, zone, exclude=schema):
        raise PetiteEnfanceError(_duplicate_message(convention, commune, zone), field="commune")
    try:
        with transaction.atomic():
            schema.commune = commune
            schema.zone = zone
            schema.adopted_on = data.adopted_on
            schema.sent_to_cdsf_on = data.sent_to_cdsf_on
            schema.notes = data.notes.strip()
            schema.save()
    except IntegrityError as error:
        raise PetiteEnfanceError(_duplicate_message(convention, commune, zone)) from error
    return schema


def delete_schema(schema: Schema, *, by, label: str = "") -> TrashItem:
    """Move a schéma with its lines and checklist to the CTG's trash."""
    _check_can_edit(by, schema.convention)
    return discard(
        schema,
        convention=schema.convention,
        user=by,
        kind=TrashKind.SCHEMA,
        label=label or str(schema),
    )


def check_lines(convention: Convention, lines: Sequence[SchemaLineData]) -> None:
    """Raise PetiteEnfanceError if these lines cannot be the table of a schéma of this CTG."""
    if len(lines) > MAX_LINES:
        raise PetiteEnfanceError(f"Un schéma compte au plus {MAX_LINES} lignes.")
    years = convention.years
    for index, line in enumerate(lines, start=1):
        where = f"Ligne {index}"
        if line.mode not in SchemaMode.values:
            raise PetiteEnfanceError(f"{where} : mode d'accueil inconnu ({line.mode!r}).")
        if line.unit not in CapacityUnit.values:
            raise PetiteEnfanceError(f"{where} : unité inconnue ({line.unit!r}).")
        if len(line.label) > 200:
            raise PetiteEnfanceError(f"{where} : la précision dépasse 200 caractères.")
        if line.structure_count is not None and not 0 <= line.structure_count <= 32_767:
            raise PetiteEnfanceError(f"{where} : nombre de structures invalide.")
        values = [("places ou ETP actuels", line.current_value)] + [
            (str(year), value) for year, value in line.years.items()
        ]
        for label, value in values:
            if value is not None and not (Decimal(0) <= value <= MAX_VALUE):
                raise PetiteEnfanceError(
                    f"{where} : la valeur « {label} » doit être comprise entre 0 et 999 999,99."
                )
            if value is not None and value != value.quantize(Decimal("0.01")):
                raise PetiteEnfanceError(
                    f"{where} : la valeur « {label} » a plus de deux décimales."
                )
        outside = sorted(year for year in line.years if year not in years)
        if outside:
            raise PetiteEnfanceError(
                f"{where} : les années {', '.join(map(str, outside))} sont hors de la période de "
                f"la CTG ({years[0]}–{years[-1]})."
            )
        for name in TEXT_COLUMNS:
            if len(getattr(line, name)) > MAX_TEXT:
                raise PetiteEnfanceError(f"{where} : un texte dépasse {MAX_TEXT} caractères.")


def replace_schema_lines(schema: Schema, *, by, lines: Sequence[SchemaLineData]) -> None:
    """Make the schéma's table exactly these lines, in this order."""
    convention = schema.convention
    _check_can_edit(by, convention)
    check_lines(convention, lines)
    with transaction.atomic():
        existing = {line.pk: line for line in schema.lines.select_for_update()}
        unknown = [data.pk for data in lines if data.pk and data.pk not in existing]
        if unknown:
            raise PetiteEnfanceError(
                "Une ligne du tableau a été supprimée entre-temps : rechargez la page."
            )
        kept = {data.pk for data in lines if data.pk}
        schema.lines.exclude(pk__in=kept).delete()
        for position, data in enumerate(lines, start=1):
            line = existing.get(data.pk) or SchemaLine(schema=schema)
            line.position = position
            line.mode = data.mode
            line.label = data.label.strip()
            line.structure_count = data.structure_count
            line.unit = data.unit
            line.current_value = data.current_value
            for name in TEXT_COLUMNS:
                setattr(line, name, getattr(data, name).strip())
            line.save()
            _replace_years(line, data.years)


def _replace_years(line: SchemaLine, years: Mapping[int, Decimal]) -> None:
    current = {row.year: row for row in line.years.all()} if line.pk else {}
    for year, row in current.items():
        if years.get(year) is None:
            row.delete()
    for year, value in sorted(years.items()):
        if value is None:
            continue
        row = current.get(year)
        if row is None:
            SchemaLineYear.objects.create(line=line, year=year, value=value)
        elif row.value != value:
            row.value = value
            row.save()


def update_checklist(schema: Schema, *, by, items: Sequence[ChecklistData]) -> None:
    """Record, for each content of D. 214-10-1, whether the CTG covers it and where."""
    _check_can_edit(by, schema.convention)
    seen: set[str] = set()
    for item in items:
        if item.content not in SchemaContent.values:
            raise PetiteEnfanceError(f"Contenu attendu inconnu : {item.content!r}.")
        if item.content in seen:
            raise PetiteEnfanceError(f"Contenu attendu en double : {item.content!r}.")
        seen.add(item.content)
        if len(item.reference) > 255:
            label = SchemaContent(item.content).label
            raise PetiteEnfanceError(f"« {label} » : la référence dépasse 255 caractères.")
    with transaction.atomic():
        existing = {row.content: row for row in schema.checklist.select_for_update().order_by("pk")}
        for item in items:
            row = existing.get(item.content) or SchemaChecklistItem(
                schema=schema, content=item.content
            )
            reference = item.reference.strip()
            if row.pk and row.covered == item.covered and row.reference == reference:
                continue
            row.covered = item.covered
            row.reference = reference
            row.save()
