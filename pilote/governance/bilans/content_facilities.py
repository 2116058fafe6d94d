"""The facilities, the coverage and the petite-enfance part of a bilan's content (plain JSON)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import F

from pilote.facilities.enums import CapacityUnit, FacilityKind, FacilityStatus
from pilote.facilities.figures.coverage import Mode, load_coverage
from pilote.facilities.models import Facility, Schema
from pilote.facilities.petite_enfance.overview import (
    load_petite_enfance,
    table_rows,
)


def decimal_text(value: Decimal | None) -> str | None:
    """Return a decimal as its string ("1500.00"), kept exact in the JSON content."""
    return None if value is None else str(value)


def facilities_content(convention) -> dict:
    kinds = dict(FacilityKind.choices)
    by_kind: dict[str, dict] = {}
    planned = 0
    for kind, capacity, unit, status in Facility.objects.filter(convention=convention).values_list(
        "kind", "capacity", "capacity_unit", "status"
    ):
        if status == FacilityStatus.CLOSED:
            continue
        if status == FacilityStatus.PLANNED:
            planned += 1
            continue
        entry = by_kind.setdefault(
            kind,
            {"kind": kind, "label": kinds.get(kind, kind), "count": 0, "places": None, "unit": ""},
        )
        entry["count"] += 1
        if capacity is not None:
            entry["places"] = decimal_text(Decimal(entry["places"] or 0) + capacity)
            entry["unit"] = "ETP" if unit == CapacityUnit.FTE else "places"
    coverage = _coverage(convention)
    return {
        "count": sum(entry["count"] for entry in by_kind.values()),
        "planned": planned,
        "by_kind": sorted(by_kind.values(), key=lambda entry: (-entry["count"], entry["label"])),
        "coverage": coverage,
    }


def _rate(rate) -> dict:
    return {
        "value": decimal_text(rate.rounded),
        "lower_bound": rate.lower_bound,
        "reason": rate.reason,
    }


def _coverage(convention) -> dict | None:
    table = load_coverage(convention)
    total = table.total
    if not table.rows:
        return None

    def figure(value) -> dict | None:
        if value is None:
            return None
        return {"value": decimal_text(value.value), "year": value.year, "source": value.source}

    return {
        "children": decimal_text(total.children.value) if total.children else None,
        "children_years": total.children.years_label if total.children else "",
        "places": [
            [Mode.LABELS[mode], decimal_text(total.places_of(mode))]
            for mode in table.modes
            if total.places_of(mode)
        ],
        "total_places": decimal_text(total.total_places),
        "rate": _rate(total.rate),
        "collective_rate": _rate(total.collective_rate),
        "individual_rate": _rate(total.individual_rate),
        "published": figure(total.published),
        "departement": figure(table.departement),
        "communes": [
            {
                "name": row.name,
                "places": decimal_text(row.total_places),
                "rate": _rate(row.rate),
                "published": figure(row.published),
            }
            for row in table.rows
        ],
        "communes_without": [row.name for row in table.communes_without_facility],
        "missing_capacity": len(table.missing_capacity),
    }


def petite_enfance_content(convention, today: datetime.date) -> dict:
    page = load_petite_enfance(convention, today=today)
    summary = page.summary
    years = convention.years
    schemas = (
        Schema.objects.filter(convention=convention)
        .select_related("commune")
        .prefetch_related("lines__years")
        # The EPCI's schéma (no commune) first, on PostgreSQL as on SQLite.
        .order_by(F("commune__name").asc(nulls_first=True), "zone", "pk")
    )
    names = {item.schema.pk: item for item in page.schemas}
    schema_rows = []
    for schema in schemas:
        item = names.get(schema.pk)
        lines = list(schema.lines.all())
        schema_rows.append(
            {
                "ao": item.ao_name if item else str(schema),
                "covered": item.covered if item else 0,
                "total": item.total if item else 0,
                "can_stand_in": bool(item and item.can_stand_in),
                "years": years,
                "lines": [
                    {
                        "mode": row.line.get_mode_display(),
                        "label": row.line.label,
                        "current": row.current,
                        "years": list(row.years),
                    }
                    for row in table_rows(lines, years)
                ],
            }
        )
    aos = []
    if summary.epci is not None and summary.epci.is_ao:
        aos.append(
            {
                "name": summary.epci.name,
                "population": summary.epci.population,
                "competences": [cell.short for cell in summary.epci.cells if cell.held],
                "obligations": list(summary.epci.obligations),
                "plans": summary.epci.plans,
            }
        )
    aos.extend(
        {
            "name": commune.name,
            "population": commune.population,
            "competences": [
                cell.short for cell in commune.cells if cell.competence in commune.holds
            ],
            "obligations": list(commune.obligations),
            "plans": commune.plans,
        }
        for commune in summary.communes
        if commune.is_ao
    )
    bonus = page.bonus
    return {
        "basis": page.settings.get_population_basis_display(),
        "aos": aos,
        "commune_count": len(summary.communes),
        "missing": [alert.message for alert in summary.missing],
        "schemas": schema_rows,
        "bonus": {
            "places_2023": bonus.places_2023,
            "places_2027": bonus.places_2027,
            "growth": bonus.growth_display,
            "step": bonus.step,
            "yearly_amount": bonus.yearly_amount_text,
            "reason": bonus.reason,
        },
    }
