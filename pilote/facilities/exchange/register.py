"""The facilities register in the JSON exchange format of a CTG (see docs/json-format.md).

Each facility carries its commune as an INSEE code, the plan elements it concerns as they are
named in files (number, "level number" or title, see register.services.ActionIndex) and its
bonuses by year. Export → import into the re-created CTG → export gives the same list.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from pilote.core.exchange import MAX_ERRORS, REFUSED, ExchangeError, amount, refused
from pilote.plans.models import PlanNode

from ..enums import CapacityUnit, FacilityStatus
from ..exceptions import FacilitiesError
from ..models import Facility
from ..register.services import (
    ActionIndex,
    FacilityChecker,
    FacilityData,
    save_facilities,
    territory_communes,
)

MAX_FACILITIES = 20_000
TEXT_FIELDS = {"manager": 255, "name": 255, "kind": 24, "subkind": 120, "notes": None}


def export_facilities(convention, *, include_internal: bool = True) -> list[dict[str, Any]]:
    """Return the CTG's facilities as JSON-serialisable dicts (a fixed number of queries).

    Without include_internal (a reader's export), no internal element is named.
    """
    actions = ActionIndex(convention)
    facilities = (
        Facility.objects.filter(convention=convention)
        .prefetch_related(
            Prefetch("actions", queryset=PlanNode.objects.shown(include_internal).only("pk")),
            "bonuses",
        )
        .order_by("pk")
    )
    return [
        {
            "manager": facility.manager,
            "name": facility.name,
            "kind": facility.kind,
            "subkind": facility.subkind,
            "commune": facility.commune_id,
            "capacity": amount(facility.capacity),
            "capacity_unit": facility.capacity_unit,
            "age_min": facility.age_min,
            "age_max": facility.age_max,
            "funding": facility.funding,
            "status": facility.status,
            "opening_year": facility.opening_year,
            "notes": facility.notes,
            "actions": [actions.reference(node) for node in actions.sorted(facility.actions.all())],
            "bonuses": {
                str(bonus.year): amount(bonus.amount)
                for bonus in sorted(facility.bonuses.all(), key=lambda b: b.year)
            },
        }
        for facility in facilities
    ]


def import_facilities(convention, data: list[dict]) -> None:
    """Add the facilities of an exported list to the CTG, all or nothing.

    Raise pilote.core.exchange.ExchangeError, with every problem in French, when the
    list cannot be imported.
    """
    refusal = f"{REFUSED} :\n- "
    if data is None:
        return
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ExchangeError(refusal + "« facilities » doit être une liste d'objets.")
    if len(data) > MAX_FACILITIES:
        raise ExchangeError(refusal + f"la liste dépasse {MAX_FACILITIES} équipements.")
    communes = {commune.code: commune for commune in territory_communes(convention)}
    actions = ActionIndex(convention)
    checker = FacilityChecker(convention)
    errors: list[str] = []
    prepared: list[FacilityData] = []
    for index, item in enumerate(data, 1):
        where = f"équipement n° {index}"
        if isinstance(item.get("name"), str) and item["name"].strip():
            where += f" (« {item['name'].strip()[:60]} »)"
        problems: list[str] = []
        facility = _read(item, communes, actions, problems)
        if facility is not None:
            problems += [_lower_first(problem.message) for problem in checker.problems(facility)]
            prepared.append(facility)
        errors += [f"{where} : {problem}" for problem in problems]
        if len(errors) >= 50:
            break
    if errors:
        raise refused(errors[:MAX_ERRORS])
    try:
        with transaction.atomic():
            save_facilities(convention, [(None, facility) for facility in prepared])
    except FacilitiesError as error:
        raise ExchangeError(refusal + str(error)) from error


def _read(item: dict, communes: dict, actions: ActionIndex, problems: list[str]):
    """Return the FacilityData of one exported facility, or None; add problems to the list."""
    values: dict[str, Any] = {}
    for name, limit in TEXT_FIELDS.items():
        value = item.get(name) or ""
        if not isinstance(value, str):
            problems.append(f"« {name} » doit être un texte.")
            value = ""
        if limit and len(value) > limit:
            problems.append(f"« {name} » dépasse {limit} caractères.")
        values[name] = value
    for name, default in (
        ("capacity_unit", CapacityUnit.PLACES),
        ("funding", ""),
        ("status", FacilityStatus.EXISTING),
    ):
        value = item.get(name) or default
        if not isinstance(value, str):
            problems.append(f"« {name} » doit être un texte.")
            value = default
        values[name] = value
    for name in ("age_min", "age_max", "opening_year"):
        value = item.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            problems.append(f"« {name} » doit être un nombre entier ou null.")
            value = None
        values[name] = value
    values["capacity"] = _number(item.get("capacity"), "capacity", problems)

    code = item.get("commune")
    values["commune"] = None
    if code is not None:
        if not isinstance(code, str) or code not in communes:
            problems.append(f"commune hors du territoire de la CTG ou inconnue : {code!r}.")
        else:
            values["commune"] = communes[code]

    references = item.get("actions") or []
    values["actions"] = []
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        problems.append("« actions » doit être une liste de textes.")
    else:
        for reference in references:
            node, message = actions.find(reference)
            if node is None:
                problems.append(message)
            elif node not in values["actions"]:
                values["actions"].append(node)

    bonuses = item.get("bonuses") or {}
    values["bonuses"] = {}
    if not isinstance(bonuses, dict):
        problems.append("« bonuses » doit être un objet {année: montant}.")
    else:
        for year, amount in bonuses.items():
            if not str(year).isdecimal() or len(str(year)) != 4:
                problems.append(f"année de bonus invalide : {year!r}.")
                continue
            number = _number(amount, f"bonus {year}", problems)
            if number is None:
                problems.append(f"le montant du bonus {year} est obligatoire.")
            else:
                values["bonuses"][int(year)] = number
    return FacilityData(**values)


def _number(value: Any, label: str, problems: list[str]) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.append(f"« {label} » doit être un nombre.")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        problems.append(f"« {label} » doit être un nombre : {value!r}.")
        return None
    if not number.is_finite():
        problems.append(f"« {label} » doit être un nombre : {value!r}.")
        return None
    return number


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:] if message else message
