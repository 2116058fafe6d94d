"""The diagnostic's figures in the CTG's JSON export (docs/json-format.md): export and import.

Export → import → export gives the same list. An import validates every figure first, then
replaces the CTG's figures in one transaction; a bad document raises ExchangeError in French.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from pilote.core.exchange import MAX_ERRORS, REFUSED, ExchangeError, refused

from ..enums import AreaKind, FigureKind
from ..figures.imports import (
    THOUSANDTH,
    VALUE_LIMIT,
    YEAR_MAX,
    YEAR_MIN,
    Areas,
    known_label_kind,
    normalize_code,
)
from ..models import TerritoryFigure

MAX_FIGURES = 20_000


def _number(value: Decimal) -> str:
    """Return a value without useless zeros and never in exponent notation ("41.4", "1151")."""
    normalized = value.normalize()
    if normalized == normalized.to_integral():
        normalized = normalized.quantize(Decimal(1))
    return f"{normalized:f}"


def export_figures(convention) -> list[dict[str, Any]]:
    """Return the CTG's figures as JSON-serialisable dicts, in a stable order (one query)."""
    figures = TerritoryFigure.objects.filter(convention=convention).order_by(
        "area_kind", "area_code", "kind", "label", "year"
    )
    return [
        {
            "area_kind": figure.area_kind,
            "area_code": figure.area_code,
            "area_name": figure.area_name,
            "kind": figure.kind,
            "label": figure.label,
            "year": figure.year,
            "value": _number(figure.value),
            "source": figure.source,
        }
        for figure in figures
    ]


def import_figures(convention, data: Any) -> None:
    """Replace the CTG's figures by those of an export; raise ExchangeError if any is invalid."""
    if data is None:
        data = []
    if not isinstance(data, list):
        raise ExchangeError(f"{REFUSED} : « figures » doit être une liste.")
    if len(data) > MAX_FIGURES:
        raise ExchangeError(f"{REFUSED} : plus de {MAX_FIGURES} chiffres.")
    errors: list[str] = []
    items = []
    for index, item in enumerate(data, start=1):
        where = f"chiffres du diagnostic, n° {index}"
        if not isinstance(item, dict):
            errors.append(f"{where} : un objet est attendu.")
            continue
        items.append((where, item))
    wanted = []
    for _, item in items:
        kind = item.get("area_kind")
        if kind in AreaKind.values and isinstance(item.get("area_code", ""), str):
            wanted.append((kind, normalize_code(kind, item.get("area_code", ""))))
    areas = Areas.load(wanted)
    figures: list[TerritoryFigure] = []
    seen: dict[tuple, str] = {}
    for where, item in items:
        figure = _read(item, where, areas, errors)
        if figure is None:
            continue
        key = (figure.area_kind, figure.area_code, figure.kind, figure.label, figure.year)
        if key in seen:
            errors.append(f"{where} : même chiffre, territoire et millésime que {seen[key]}.")
            continue
        seen[key] = where
        figures.append(figure)
    if errors:
        raise refused(errors[:MAX_ERRORS])
    with transaction.atomic():
        TerritoryFigure.objects.filter(convention=convention).delete()
        for figure in figures:
            figure.convention = convention
        TerritoryFigure.objects.bulk_create(figures)


def _read(item: dict, where: str, areas: Areas, errors: list[str]) -> TerritoryFigure | None:
    count = len(errors)
    area_kind = item.get("area_kind")
    if area_kind not in AreaKind.values:
        errors.append(f"{where} : échelle « {area_kind} » inconnue.")
        return None
    raw_code = item.get("area_code", "")
    if not isinstance(raw_code, str):
        errors.append(f"{where} : « area_code » doit être un texte.")
        return None
    code = normalize_code(area_kind, raw_code)
    try:
        official = areas.resolve(area_kind, code)
    except ValueError as error:
        errors.append(f"{where} : {error}")
        official = ""
    name = item.get("area_name") or official
    if not isinstance(name, str) or len(name) > 200:
        errors.append(f"{where} : « area_name » doit être un texte de 200 caractères au plus.")
    kind = item.get("kind")
    if kind not in FigureKind.values:
        errors.append(f"{where} : chiffre « {kind} » inconnu.")
    label = item.get("label") or ""
    if not isinstance(label, str) or len(label) > 200:
        errors.append(f"{where} : « label » doit être un texte de 200 caractères au plus.")
        label = ""
    label = " ".join(label.split())
    if kind == FigureKind.OTHER and not label:
        errors.append(f"{where} : un « autre chiffre » doit avoir un libellé.")
    if kind == FigureKind.OTHER and label and known_label_kind(label):
        errors.append(f"{where} : le libellé « {label} » est celui d'un chiffre de la liste.")
    if kind != FigureKind.OTHER:
        label = ""
    year = item.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        errors.append(f"{where} : « year » doit être une année entre {YEAR_MIN} et {YEAR_MAX}.")
    value = item.get("value")
    number = None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors.append(f"{where} : « value » doit être un nombre.")
    else:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            errors.append(f"{where} : « value » n'est pas un nombre : {value!r}.")
        else:
            if not number.is_finite() or abs(number) >= VALUE_LIMIT:
                errors.append(f"{where} : « value » est hors limites.")
    source = item.get("source") or ""
    if not isinstance(source, str) or len(source) > 255:
        errors.append(f"{where} : « source » doit être un texte de 255 caractères au plus.")
    if len(errors) > count:
        return None
    return TerritoryFigure(
        area_kind=area_kind,
        area_code=code,
        area_name=name,
        kind=kind,
        label=label,
        year=year,
        value=number.quantize(THOUSANDTH),
        source=source,
    )
