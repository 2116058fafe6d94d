"""Load the derived COG dataset (see `build.py`) into the database."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from pilote.core.text import normalize_search
from pilote.core.versions import bump_catalogue

from .build import COLUMNS
from .models import EPCI, Commune, Departement, Region

logger = logging.getLogger(__name__)

# SQLite allows 32,766 parameters per query since 3.32; keep well below it, and below PostgreSQL's.
IN_CLAUSE_CHUNK = 2000


@dataclass
class ModelReport:
    """What loading did to one model."""

    total: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    # Gone from the COG but still referenced elsewhere: kept, flagged `is_current=False`.
    kept: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class LoadReport:
    """What `load_territories()` did, model by model."""

    meta: dict[str, Any]
    regions: ModelReport
    departements: ModelReport
    epcis: ModelReport
    communes: ModelReport

    @property
    def changed(self) -> bool:
        return any(r.changed for r in (self.regions, self.departements, self.epcis, self.communes))


def load_territories(dataset: dict[str, Any]) -> LoadReport:
    """Create, update or retire régions, départements, EPCI and communes to match `dataset`.

    Idempotent: rows already equal to the dataset are not written. EPCI and communes missing from
    the dataset are deleted, unless another table refers to them: those are kept, marked as no
    longer current, and logged. Régions and départements are never deleted (they are protected).
    """
    rows = {
        key: [dict(zip(columns, row, strict=True)) for row in dataset[key]]
        for key, columns in COLUMNS.items()
    }
    with transaction.atomic():
        regions = _sync(
            Region,
            {r["code"]: {"name": r["name"]} for r in rows["regions"]},
            delete_missing=False,
        )
        departements = _sync(
            Departement,
            {
                d["code"]: {"name": d["name"], "region_id": d["region"]}
                for d in rows["departements"]
            },
            delete_missing=False,
        )
        # Communes first get their new EPCI, so retiring an EPCI only sees true references.
        epcis_before = set(EPCI.objects.values_list("pk", flat=True))
        epci_values = {
            e["siren"]: {
                "name": e["name"],
                "search_name": normalize_search(e["name"]),
                "kind": e["kind"],
                "population_totale": e["population_totale"],
                "population_municipale": e["population_municipale"],
                "population_millesime": e["population_millesime"],
                "is_current": True,
            }
            for e in rows["epci"]
        }
        epcis = _sync(EPCI, epci_values, delete_missing=False)
        communes = _sync(
            Commune,
            {
                c["code"]: {
                    "name": c["name"],
                    "search_name": normalize_search(c["name"]),
                    "departement_id": c["departement"],
                    "epci_id": c["epci"],
                    "postal_codes": c["postal_codes"],
                    "population": c["population"],
                    "population_millesime": c["population_millesime"],
                    "population_totale": c["population_totale"],
                    "population_totale_millesime": c["population_totale_millesime"],
                    "is_current": True,
                }
                for c in rows["communes"]
            },
            delete_missing=True,
        )
        _retire(EPCI, epcis_before - epci_values.keys(), epcis)
        bump_catalogue()  # bulk writes: names and populations of every CTG's territory
    report = LoadReport(dataset["meta"], regions, departements, epcis, communes)
    for label, model_report in (("EPCI", epcis), ("communes", communes)):
        if model_report.kept:
            logger.warning(
                "%s absents du COG conservés car encore référencés : %s",
                label,
                ", ".join(model_report.kept),
            )
    return report


def _sync(
    model: type[models.Model], wanted: dict[str, dict[str, Any]], *, delete_missing: bool
) -> ModelReport:
    """Upsert the rows of `wanted` (pk → field values) that differ from the database."""
    fields = sorted({name for values in wanted.values() for name in values})
    existing = {
        pk: dict(zip(fields, values, strict=True))
        for pk, *values in model.objects.values_list("pk", *fields)
    }
    pk_name = model._meta.pk.name
    changed = [
        model(**{pk_name: pk}, **values)
        for pk, values in wanted.items()
        if existing.get(pk) != values
    ]
    if changed:
        model.objects.bulk_create(
            changed,
            batch_size=500,
            update_conflicts=True,
            unique_fields=[pk_name],
            update_fields=[model._meta.get_field(name).name for name in fields],
        )
    created = len(wanted.keys() - existing.keys())
    report = ModelReport(total=len(wanted), created=created, updated=len(changed) - created)
    if delete_missing:
        _retire(model, existing.keys() - wanted.keys(), report)
    return report


def _retire(model: type[models.Model], pks: Iterable[str], report: ModelReport) -> None:
    """Delete the rows of `pks` that nothing refers to; flag the others as no longer current."""
    pks = set(pks)
    if not pks:
        return
    referenced = _referenced_pks(model, pks)
    deletable = sorted(pks - referenced)
    for chunk in _chunks(deletable):
        model.objects.filter(pk__in=chunk).delete()
    report.deleted += len(deletable)
    report.kept = sorted(referenced)
    for chunk in _chunks(report.kept):
        report.updated += model.objects.filter(pk__in=chunk, is_current=True).update(
            is_current=False
        )


def _referenced_pks(model: type[models.Model], pks: set[str]) -> set[str]:
    """Return those of `pks` that a row of another app's table refers to (FK or many-to-many)."""
    referenced: set[str] = set()
    for relation in model._meta.related_objects:
        if relation.related_model._meta.app_label == model._meta.app_label:
            continue  # EPCI ← Commune: communes of a retired EPCI were just reassigned.
        if relation.many_to_many:
            through = relation.through
            column = relation.field.m2m_reverse_field_name()
            rows = through.objects
        else:
            column = relation.field.name
            rows = relation.related_model._base_manager
        for chunk in _chunks(sorted(pks - referenced)):
            referenced.update(
                rows.filter(**{f"{column}__in": chunk})
                .values_list(f"{column}_id", flat=True)
                .distinct()
            )
    return referenced


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), IN_CLAUSE_CHUNK):
        yield items[start : start + IN_CLAUSE_CHUNK]
