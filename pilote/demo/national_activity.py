"""The follow-up, indicators and register of a CTG of the national data set.

Every followed action gets a point de suivi per quarter, from its start to the end of the CTG's
period or to `until`, whichever comes first: its progress moves at a pace drawn for the action
(some finish early and are then no longer followed, many are still under way at the end), with
the occasional quarter missed, postponement, blockage or abandonment. Indicators: the CTG's
coverage rate, and one per group of actions for most groups, with yearly targets and a
measurement per past year. The register: about 1.7 facilities per commune, placed in the
communes in proportion to their population.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection

from pilote.facilities.enums import CapacityUnit, FacilityKind, FacilityStatus, FundingMode
from pilote.facilities.models import Facility
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.monitoring.periods import Quarter
from pilote.plans.models import Indicator, IndicatorTarget

from .activity import _texts

if TYPE_CHECKING:
    from .national import Context, CtgDraft

BATCH_SIZE = 2000
SKIPPED_QUARTER = 0.03
ADVISER_SHARE = 0.2  # share of the updates written by the Caf adviser, not the coordinator
FACILITIES_PER_COMMUNE = 1.7  # about 60,000 for the 35,000 communes of an EPCI
GROUP_INDICATORS = [
    ("Nombre de familles accompagnées", "familles", 40, 400),
    ("Nombre de participants aux actions", "participants", 20, 300),
    ("Nombre de partenaires impliqués", "partenaires", 3, 25),
    ("Taux de satisfaction des familles", "%", 55, 85),
    ("Nombre de places créées", "places", 2, 40),
]
FACILITY_KINDS = [
    (FacilityKind.ALSH, 25, "Accueil de loisirs", CapacityUnit.PLACES, (20, 120)),
    (FacilityKind.EAJE, 18, "Multi-accueil", CapacityUnit.PLACES, (10, 60)),
    (FacilityKind.CHILDMINDERS, 10, "Assistants maternels", CapacityUnit.PLACES, (8, 90)),
    (FacilityKind.MAM, 8, "MAM", CapacityUnit.PLACES, (8, 16)),
    (FacilityKind.YOUTH, 8, "Espace jeunes", CapacityUnit.PLACES, (12, 40)),
    (FacilityKind.RPE, 6, "Relais petite enfance", CapacityUnit.FTE, (1, 4)),
    (FacilityKind.LAEP, 4, "Lieu d’accueil enfants-parents", CapacityUnit.PLACES, (6, 15)),
    (FacilityKind.CLAS, 4, "CLAS", CapacityUnit.PLACES, (10, 30)),
    (FacilityKind.SOCIAL_CENTRE, 4, "Centre social", CapacityUnit.FTE, (2, 12)),
    (FacilityKind.EVS, 3, "Espace de vie sociale", CapacityUnit.FTE, (1, 3)),
    (FacilityKind.FRANCE_SERVICES, 3, "France Services", CapacityUnit.FTE, (1, 4)),
    (FacilityKind.REAAP, 2, "Réseau parents", CapacityUnit.FTE, (1, 2)),
]
MANAGERS = ["Commune", "Association Familles rurales", "IFAC", "Léo Lagrange", "UFCV", "CCAS"]


def _moment(rng: random.Random, quarter: Quarter, until: datetime.date) -> datetime.datetime:
    """Return a working-hours moment within the quarter, not after `until`."""
    last = min(quarter.end, until)
    days = max((last - quarter.start).days, 0)
    day = quarter.start + datetime.timedelta(days=rng.randint(days // 3, days) if days else 0)
    return datetime.datetime(
        day.year, day.month, day.day, rng.randint(7, 16), rng.randint(0, 59), tzinfo=datetime.UTC
    )


def _course(rng: random.Random, count: int) -> list[tuple[str, int]]:
    """Return the successive (status, progress) of an action followed for `count` quarters."""
    pace = 100 / max(count, 1) * rng.uniform(0.6, 1.3)
    trouble, trouble_at = rng.random(), rng.randint(1, max(count - 1, 1))
    steps: list[tuple[str, int]] = []
    progress = 0
    for index in range(count):
        if index == 0 and rng.random() < 0.5:
            status = UpdateStatus.TO_START
        elif trouble < 0.1 and trouble_at <= index < trouble_at + 2:
            status = UpdateStatus.BLOCKED
        elif trouble < 0.18 and index == trouble_at:
            status = UpdateStatus.POSTPONED
        elif trouble > 0.985 and index == trouble_at:
            steps.append((UpdateStatus.ABANDONED, progress))
            break
        else:
            step = max(5, round(pace * rng.uniform(0.5, 1.5) / 5) * 5)
            progress = min(100, progress + step)
            status = UpdateStatus.DONE if progress == 100 else UpdateStatus.IN_PROGRESS
        steps.append((status, progress))
        if status == UpdateStatus.DONE:
            break
    return steps


def _quarters(draft: CtgDraft, until: datetime.date) -> list[Quarter]:
    convention = draft.convention
    quarter, last = (
        Quarter.of(convention.start_date),
        min(Quarter.of(convention.end_date), Quarter.of(until)),
    )
    quarters = []
    while quarter <= last:
        quarters.append(quarter)
        quarter = quarter.next()
    return quarters


def write_updates(context: Context, draft: CtgDraft) -> None:
    """Write the points de suivi of every followed action of the CTG."""
    rng = draft.rng
    quarters = _quarters(draft, context.until)
    advisers = context.advisers.get(draft.convention.departement_id, [])
    adapt = connection.ops.adapt_datetimefield_value
    rows: list[tuple] = []
    for spec, node in draft.nodes:
        if not spec.tracked:
            continue
        own = [
            q
            for q in quarters
            if (not spec.start_year or q.year >= spec.start_year)
            and (not spec.end_year or q.year <= spec.end_year)
        ]
        own = [q for q in own if rng.random() >= SKIPPED_QUARTER]
        for quarter, (status, progress) in zip(own, _course(rng, len(own)), strict=False):
            done, difficulties, next_steps = _texts(rng, status)
            author = draft.coordinator
            if advisers and (author is None or rng.random() < ADVISER_SHARE):
                author = rng.choice(advisers)
            moment = adapt(_moment(rng, quarter, context.until))
            author_id = author.pk if author else None
            period = (quarter.year, quarter.quarter)
            texts = (done, difficulties, next_steps)
            rows.append(
                (
                    draft.convention.pk,
                    node.pk,
                    *period,
                    status,
                    progress,
                    *texts,
                    author_id,
                    "",
                    "",
                    moment,
                )
            )
    insert_rows(ActionUpdate, UPDATE_FIELDS, rows)
    draft.counts["updates"] += len(rows)


UPDATE_FIELDS = [
    "convention",
    "node",
    "year",
    "quarter",
    "status",
    "progress",
    "done",
    "difficulties",
    "next_steps",
    "author",
    "author_name",
    "submitted_by_name",
    "created_at",
]


def insert_rows(model, field_names: list[str], rows: list[tuple]) -> None:
    """Insert rows of DB-ready values, without models: COPY on PostgreSQL, executemany otherwise.

    Three million points de suivi through bulk_create spend most of their time building SQL in
    Python; rows of plain values go several times faster. The values must already be what the
    database stores (ids for foreign keys, adapted datetimes).
    """
    if not rows:
        return
    # Every other column with a default gets it, so that a new field (a flag added to the
    # model) never breaks the raw insert.
    defaults = [
        field
        for field in model._meta.concrete_fields
        if field.name not in field_names and not field.primary_key and field.has_default()
    ]
    if defaults:
        field_names = [*field_names, *(field.name for field in defaults)]
        extra = tuple(field.get_db_prep_save(field.get_default(), connection) for field in defaults)
        rows = [(*row, *extra) for row in rows]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(name).column) for name in field_names
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(field_names))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names quoted
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])


def write_indicators(context: Context, draft: CtgDraft) -> None:
    """Write the CTG's indicators, their yearly targets and a measurement per past year."""
    rng, convention = draft.rng, draft.convention
    years = convention.years
    specs = [("Taux de couverture global", "places pour 100 enfants", 40, 80, None)]
    groups = [
        node
        for spec, node in draft.nodes
        if not spec.tracked and any(child.tracked for child in spec.children)
    ]
    for node in groups:
        if rng.random() < 0.7:
            specs.append((*rng.choice(GROUP_INDICATORS), node))
    indicators = [
        Indicator(
            convention=convention,
            node=node,
            position=position,
            name=name,
            unit=unit,
            baseline_value=Decimal(rng.randint(low, high)),
            baseline_year=years[0] - 1,
            source="Bilans des porteurs d’actions" if node else "Caf – observatoire",
            frequency="annuelle",
        )
        for position, (name, unit, low, high, node) in enumerate(specs)
    ]
    Indicator.objects.bulk_create(indicators, batch_size=BATCH_SIZE)
    targets, measurements = [], []
    for indicator in indicators:
        growth = Decimal(str(round(rng.uniform(0.02, 0.08), 3)))
        for offset, year in enumerate(years, start=1):
            target = (indicator.baseline_value * (1 + growth * offset)).quantize(Decimal(1))
            if indicator.unit == "%":
                target = min(target, Decimal(100))
            targets.append(IndicatorTarget(indicator=indicator, year=year, value=target))
            if year <= context.until.year:
                measurements.append(_measurement(context, draft, indicator, year, target))
    IndicatorTarget.objects.bulk_create(targets, batch_size=BATCH_SIZE)
    Measurement.objects.bulk_create(measurements, batch_size=BATCH_SIZE)
    draft.counts["indicators"] += len(indicators)
    draft.counts["indicator_targets"] += len(targets)
    draft.counts["measurements"] += len(measurements)


def _measurement(context, draft: CtgDraft, indicator, year: int, target: Decimal) -> Measurement:
    rng = draft.rng
    base = indicator.baseline_value
    value = base + (target - base) * Decimal(str(round(rng.uniform(0.5, 1.15), 3)))
    if indicator.unit == "%":
        value = min(value, Decimal(100))
    final = year < context.until.year
    moment = _moment(
        rng, Quarter(year + 1, 1) if final else Quarter.of(context.until), context.until
    )
    return Measurement(
        indicator=indicator,
        year=year,
        value=value.quantize(Decimal("0.1")),
        comment="Bilan annuel." if final else "Valeur provisoire, à consolider.",
        source=indicator.source,
        author=draft.coordinator,
        created_at=moment,
    )


def write_facilities(context: Context, draft: CtgDraft) -> None:
    """Write the CTG's register of facilities and services."""
    rng, convention = draft.rng, draft.convention
    communes = draft.communes
    count = max(1, round(len(communes) * FACILITIES_PER_COMMUNE * rng.uniform(0.7, 1.3)))
    weights = [(c["population"] or 50) ** 0.8 for c in communes]
    kinds = [row[1] for row in FACILITY_KINDS]
    facilities = []
    for commune in rng.choices(communes, weights, k=count):
        kind, _weight, label, unit, (low, high) = rng.choices(FACILITY_KINDS, kinds)[0]
        manager = rng.choice(MANAGERS)
        if manager == "Commune":
            manager = f"Commune de {commune['name']}"
        facilities.append(
            Facility(
                convention=convention,
                manager=manager,
                name=f"{label} de {commune['name']}",
                kind=kind,
                commune_id=commune["code"],
                capacity=Decimal(rng.randint(low, high)),
                capacity_unit=unit,
                funding=_funding(rng, kind),
                status=FacilityStatus.EXISTING if rng.random() < 0.92 else FacilityStatus.PLANNED,
                opening_year=rng.randint(1975, convention.start_date.year),
                created_at=convention.created_at,
                updated_at=convention.created_at,
            )
        )
    Facility.objects.bulk_create(facilities, batch_size=BATCH_SIZE)
    draft.counts["facilities"] += len(facilities)


def _funding(rng: random.Random, kind: str) -> str:
    if kind == FacilityKind.EAJE:
        return FundingMode.PSU if rng.random() < 0.8 else FundingMode.PAJE
    if kind in (FacilityKind.CHILDMINDERS, FacilityKind.MAM):
        return FundingMode.NONE
    return FundingMode.SERVICE
