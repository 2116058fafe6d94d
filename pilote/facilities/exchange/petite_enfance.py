"""JSON export and import of the petite-enfance part of a CTG (settings, transfers, schémas).

Export → import → export gives the same JSON. The import validates the whole document first and
raises ExchangeError (French messages, with where each problem is) before writing anything; then it
replaces the CTG's petite-enfance data in one transaction.

Shape:
    {"settings": {"population_basis", "cofunded_places_2023", "planned_places_2027",
                  "bonus_places"},
     "transfers": [{"commune": "04070", "competences": ["recenser", …]}],
     "schemas": [{"commune": "04049" or null (the EPCI), "zone", "adopted_on", "sent_to_cdsf_on",
                  "notes", "lines": [{"mode", "label", "structure_count", "unit",
                  "current_value", "years": {"2026": "189", …}, "jobs_needs", "other_needs",
                  "investment_projects", "costs_calendar", "engineering"}],
                  "checklist": [{"content", "covered", "reference"}]}]}
Numbers of places or ETP travel as strings ("1.7") so that no float rounding creeps in.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from pilote.conventions.models import Convention
from pilote.core.exchange import REFUSED, ExchangeError, Reader, iso_date, plain_number, refused

from ..enums import CapacityUnit, Competence, PopulationBasis, SchemaContent, SchemaMode
from ..models import (
    CompetenceTransfer,
    EarlyChildhoodSettings,
    Schema,
    SchemaChecklistItem,
    SchemaLine,
    SchemaLineYear,
)
from ..petite_enfance.services import (
    TEXT_COLUMNS,
    PetiteEnfanceError,
    SchemaLineData,
    check_lines,
    get_settings,
)

# --------------------------------------------------------------------------------------- export


def export_petite_enfance(convention: Convention) -> dict[str, Any]:
    """Return the petite-enfance part of a CTG as a JSON-serialisable dict (fixed queries)."""
    settings = get_settings(convention)
    order = {code: index for index, code in enumerate(Competence.values)}
    transfers: dict[str, list[str]] = {}
    for code, competence in CompetenceTransfer.objects.filter(convention=convention).values_list(
        "commune_id", "competence"
    ):
        transfers.setdefault(code, []).append(competence)
    schemas = (
        Schema.objects.filter(convention=convention)
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=SchemaLine.objects.order_by("position", "pk").prefetch_related("years"),
            ),
            "checklist",
        )
        .order_by("commune_id", "zone", "pk")
    )
    content_order = {content: index for index, content in enumerate(SchemaContent.values)}
    return {
        "settings": {
            "population_basis": settings.population_basis,
            "cofunded_places_2023": settings.cofunded_places_2023,
            "planned_places_2027": settings.planned_places_2027,
            "bonus_places": settings.bonus_places,
        },
        "transfers": [
            {"commune": code, "competences": sorted(comps, key=order.__getitem__)}
            for code, comps in sorted(transfers.items())
        ],
        "schemas": [
            {
                "commune": schema.commune_id,
                "zone": schema.zone,
                "adopted_on": iso_date(schema.adopted_on),
                "sent_to_cdsf_on": iso_date(schema.sent_to_cdsf_on),
                "notes": schema.notes,
                "lines": [
                    {
                        "mode": line.mode,
                        "label": line.label,
                        "structure_count": line.structure_count,
                        "unit": line.unit,
                        "current_value": plain_number(line.current_value),
                        "years": {
                            str(row.year): plain_number(row.value)
                            for row in sorted(line.years.all(), key=lambda r: r.year)
                        },
                        **{name: getattr(line, name) for name in TEXT_COLUMNS},
                    }
                    for line in schema.lines.all()
                ],
                "checklist": [
                    {"content": item.content, "covered": item.covered, "reference": item.reference}
                    for item in sorted(
                        schema.checklist.all(),
                        key=lambda item: content_order.get(item.content, len(content_order)),
                    )
                ],
            }
            # The EPCI's schéma (no commune) first, then the communes' by INSEE code.
            for schema in sorted(schemas, key=lambda s: (s.commune_id is not None, s.commune_id))
        ],
    }


# --------------------------------------------------------------------------------------- import


class _Reader(Reader):
    """The exchange's reader, with the counts of the petite-enfance settings."""

    def count(self, obj: dict, key: str, where: str, *, high: int) -> int | None:
        """Return a whole number between 0 and high, or None."""
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            self.error(where, f"« {key} » doit être un nombre entier entre 0 et {high}.")
            return None
        return value


def _read_settings(reader: _Reader, data: dict) -> dict:
    where = "réglages petite enfance"
    settings = reader.object(data.get("settings"), where, "settings")
    basis = settings.get("population_basis") or PopulationBasis.TOTALE
    if basis not in PopulationBasis.values:
        reader.error(where, f"population retenue inconnue : {basis!r} (totale ou municipale).")
    return {
        "population_basis": basis,
        **{
            key: reader.count(settings, key, where, high=1_000_000)
            for key in ("cofunded_places_2023", "planned_places_2027", "bonus_places")
        },
    }


def _read_transfers(reader: _Reader, data: dict, convention: Convention, communes: dict) -> list:
    rows = []
    items = reader.object_list(data, "transfers", "transferts")
    if items and not convention.epci_id:
        reader.error(
            "transferts", "la CTG n'a pas d'EPCI : aucune compétence ne peut être transférée."
        )
        return []
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        where = f"transfert n° {index}"
        code = item.get("commune")
        commune = communes.get(code) if isinstance(code, str) else None
        if commune is None:
            reader.error(where, f"commune absente du territoire de la CTG : {code!r}.")
            continue
        if code in seen:
            reader.error(where, f"la commune {code} apparaît deux fois.")
        seen.add(code)
        if commune.epci_id != convention.epci_id:
            reader.error(where, f"{commune.name} n'est pas membre de l'EPCI de la CTG.")
        competences = item.get("competences")
        if not isinstance(competences, list) or not all(isinstance(c, str) for c in competences):
            reader.error(where, "« competences » doit être une liste de textes.")
            continue
        unknown = [c for c in competences if c not in Competence.values]
        if unknown:
            reader.error(where, f"compétences inconnues : {', '.join(unknown)}.")
        rows.extend(
            CompetenceTransfer(convention=convention, commune_id=code, competence=competence)
            for competence in dict.fromkeys(competences)
            if competence in Competence.values
        )
    return rows


def _read_line(reader: _Reader, item: dict, where: str) -> SchemaLineData:
    mode = item.get("mode")
    if mode not in SchemaMode.values:
        reader.error(where, f"mode d'accueil inconnu : {mode!r}.")
    unit = item.get("unit") or CapacityUnit.PLACES
    if unit not in CapacityUnit.values:
        reader.error(where, f"unité inconnue : {unit!r} (places ou etp).")
    raw_years = reader.object(item.get("years"), where, "years")
    values: dict[int, Decimal] = {}
    for key, raw in raw_years.items():
        if not str(key).isdecimal():
            reader.error(where, f"année invalide : {key!r}.")
            continue
        value = reader.decimal(raw, where, f"années {key}")
        if value is not None:
            values[int(key)] = value
    return SchemaLineData(
        mode=mode if mode in SchemaMode.values else SchemaMode.OTHER,
        label=reader.text(item, "label", where, max_length=200),
        structure_count=reader.count(item, "structure_count", where, high=32_767),
        unit=unit if unit in CapacityUnit.values else CapacityUnit.PLACES,
        current_value=reader.decimal(item.get("current_value"), where, "current_value"),
        years=values,
        **{name: reader.text(item, name, where) for name in TEXT_COLUMNS},
    )


def _read_schemas(reader: _Reader, data: dict, convention: Convention, communes: dict) -> list:
    prepared = []
    seen: set[tuple[str | None, str]] = set()
    for index, item in enumerate(reader.object_list(data, "schemas", "schémas"), start=1):
        code = item.get("commune")
        where = f"schéma n° {index}" + (f" ({code})" if code else " (EPCI)")
        if code is not None and (not isinstance(code, str) or code not in communes):
            reader.error(where, f"commune absente du territoire de la CTG : {code!r}.")
        if code is None and not convention.epci_id:
            reader.error(where, "la CTG n'a pas d'EPCI : indiquez la commune du schéma.")
        zone = reader.text(item, "zone", where, max_length=200).strip()
        if (code, zone) in seen:
            reader.error(where, "un autre schéma porte sur la même autorité et la même zone.")
        seen.add((code, zone))
        adopted_on = reader.date(item, "adopted_on", where)
        sent_on = reader.date(item, "sent_to_cdsf_on", where)
        if adopted_on and sent_on and sent_on < adopted_on:
            reader.error(where, "la date d'envoi au CDSF précède la date d'adoption.")
        lines = [
            _read_line(reader, line, f"{where}, ligne {number}")
            for number, line in enumerate(reader.object_list(item, "lines", where), start=1)
        ]
        try:
            check_lines(convention, lines)
        except PetiteEnfanceError as error:
            reader.error(where, error.message)
        checklist = {}
        for number, entry in enumerate(reader.object_list(item, "checklist", where), start=1):
            entry_where = f"{where}, contenu attendu n° {number}"
            content = entry.get("content")
            if content not in SchemaContent.values:
                reader.error(entry_where, f"contenu inconnu : {content!r}.")
                continue
            if content in checklist:
                reader.error(entry_where, f"le contenu {content!r} apparaît deux fois.")
            covered = entry.get("covered", False)
            if not isinstance(covered, bool):
                reader.error(entry_where, "« covered » doit valoir true ou false.")
                covered = False
            checklist[content] = (
                covered,
                reader.text(entry, "reference", entry_where, max_length=255),
            )
        prepared.append(
            {
                "schema": Schema(
                    convention=convention,
                    commune_id=code if isinstance(code, str) else None,
                    zone=zone,
                    adopted_on=adopted_on,
                    sent_to_cdsf_on=sent_on,
                    notes=reader.text(item, "notes", where),
                ),
                "lines": lines,
                "checklist": checklist,
            }
        )
    return prepared


def import_petite_enfance(convention: Convention, data: Any) -> None:
    """Replace the CTG's petite-enfance data by the document's, all or nothing.

    Raise ExchangeError, listing every problem, when the document is not valid.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ExchangeError(f"{REFUSED} : le volet petite enfance doit être un objet JSON.")
    reader = _Reader()
    communes = {c.code: c for c in convention.communes.only("code", "name", "epci")}
    settings = _read_settings(reader, data)
    transfers = _read_transfers(reader, data, convention, communes)
    schemas = _read_schemas(reader, data, convention, communes)
    if reader.errors:
        raise refused(reader.errors)
    with transaction.atomic():
        EarlyChildhoodSettings.objects.filter(convention=convention).delete()
        CompetenceTransfer.objects.filter(convention=convention).delete()
        Schema.objects.filter(convention=convention).delete()
        EarlyChildhoodSettings.objects.create(convention=convention, **settings)
        CompetenceTransfer.objects.bulk_create(transfers)
        for entry in schemas:
            schema = entry["schema"]
            schema.save()
            SchemaChecklistItem.objects.bulk_create(
                SchemaChecklistItem(
                    schema=schema,
                    content=content,
                    covered=entry["checklist"].get(content, (False, ""))[0],
                    reference=entry["checklist"].get(content, (False, ""))[1].strip(),
                )
                for content in SchemaContent.values
            )
            lines = [
                SchemaLine(
                    schema=schema,
                    position=position,
                    mode=line.mode,
                    label=line.label.strip(),
                    structure_count=line.structure_count,
                    unit=line.unit,
                    current_value=line.current_value,
                    **{name: getattr(line, name).strip() for name in TEXT_COLUMNS},
                )
                for position, line in enumerate(entry["lines"], start=1)
            ]
            for line in lines:
                line.save()
            SchemaLineYear.objects.bulk_create(
                SchemaLineYear(line=row, year=year, value=value)
                for row, line in zip(lines, entry["lines"], strict=True)
                for year, value in sorted(line.years.items())
            )
