"""Every change to the figures of a CTG's diagnostic: one figure at a time, or a whole file.

Each function opens its own transaction and raises FacilitiesError with a French message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from pilote.conventions.models import TrashItem, TrashKind
from pilote.conventions.trash import discard
from pilote.conventions.versioning import bump

from ..enums import AreaKind, FigureKind
from ..exceptions import FacilitiesError
from ..models import TerritoryFigure
from .imports import (
    THOUSANDTH,
    VALUE_LIMIT,
    YEAR_MAX,
    YEAR_MIN,
    Areas,
    FigureImport,
    FigureRow,
    known_label_kind,
    normalize_code,
    read_figures,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FigureData:
    """A figure as a form gives it."""

    area_kind: str
    area_code: str
    kind: str
    year: int
    value: Decimal
    label: str = ""
    source: str = ""


def _history_user(by):
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _validated(convention, data: FigureData, *, exclude_pk: int | None = None) -> dict:
    """Return the model fields of a valid figure, or raise FacilitiesError."""
    if data.area_kind not in AreaKind.values:
        raise FacilitiesError("Choisissez l'échelle du territoire.", field="area_kind")
    code = normalize_code(data.area_kind, data.area_code)
    try:
        name = Areas.load([(data.area_kind, code)]).resolve(data.area_kind, code)
    except ValueError as error:
        message = str(error)
        raise FacilitiesError(message[:1].upper() + message[1:], field="area_code") from None
    if data.kind not in FigureKind.values:
        raise FacilitiesError("Choisissez le chiffre.", field="kind")
    label = " ".join((data.label or "").split())
    if data.kind == FigureKind.OTHER:
        if not label:
            raise FacilitiesError(
                "Donnez le libellé de ce chiffre (par exemple « Indice de jeunesse »).",
                field="label",
            )
        same = known_label_kind(label)
        if same:
            raise FacilitiesError(
                f"Ce libellé est celui d'un chiffre de la liste : choisissez « "
                f"{FigureKind(same).label} » comme chiffre.",
                field="label",
            )
    else:
        label = ""
    if not YEAR_MIN <= data.year <= YEAR_MAX:
        raise FacilitiesError(
            f"Le millésime doit être compris entre {YEAR_MIN} et {YEAR_MAX}.", field="year"
        )
    if not data.value.is_finite() or abs(data.value) >= VALUE_LIMIT:
        raise FacilitiesError("Cette valeur est hors limites.", field="value")
    duplicates = TerritoryFigure.objects.filter(
        convention=convention,
        area_kind=data.area_kind,
        area_code=code,
        kind=data.kind,
        label=label,
        year=data.year,
    ).exclude(pk=exclude_pk)
    if duplicates.exists():
        raise FacilitiesError(
            f"Ce chiffre existe déjà pour {name} en {data.year} : modifiez-le plutôt que d'en "
            "ajouter un second."
        )
    return {
        "area_kind": data.area_kind,
        "area_code": code,
        "area_name": name,
        "kind": data.kind,
        "label": label,
        "year": data.year,
        "value": data.value.quantize(THOUSANDTH),
        "source": " ".join((data.source or "").split())[:255],
    }


def create_figure(convention, data: FigureData, *, by) -> TerritoryFigure:
    """Add a figure to the CTG's diagnostic."""
    with transaction.atomic():
        figure = TerritoryFigure(convention=convention, **_validated(convention, data))
        figure._history_user = _history_user(by)
        figure.save()
    logger.info("figure %s added to %s by %s", figure.pk, convention.slug, by)
    return figure


def update_figure(figure: TerritoryFigure, data: FigureData, *, by) -> TerritoryFigure:
    """Change a figure of the CTG's diagnostic."""
    with transaction.atomic():
        fields = _validated(figure.convention, data, exclude_pk=figure.pk)
        for name, value in fields.items():
            setattr(figure, name, value)
        figure._history_user = _history_user(by)
        figure.save()
    logger.info("figure %s updated by %s", figure.pk, by)
    return figure


def delete_figure(figure: TerritoryFigure, *, by) -> TrashItem:
    """Move a figure of the CTG's diagnostic to the CTG's trash."""
    pk = figure.pk
    figure._history_user = _history_user(by)
    item = discard(
        figure,
        convention=figure.convention,
        user=by,
        kind=TrashKind.FIGURE,
        label=str(figure),
    )
    logger.info("figure %s deleted by %s", pk, by)
    return item


# --------------------------------------------------------------------------- imports


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
STATUS_LABELS = {CREATED: "nouveau", UPDATED: "mis à jour", UNCHANGED: "inchangé"}


@dataclass
class PlannedFigure:
    row: FigureRow
    status: str
    previous: Decimal | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class ImportPlan:
    """A read file compared with the CTG's figures: what an import would create or update."""

    parsed: FigureImport
    figures: list[PlannedFigure] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for figure in self.figures if figure.status == status)

    @property
    def created(self) -> int:
        return self.count(CREATED)

    @property
    def updated(self) -> int:
        return self.count(UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def summary(self) -> str:
        return import_summary(self.created, self.updated, self.unchanged)


def import_summary(created: int, updated: int, unchanged: int) -> str:
    """Return "3 chiffres créés, 1 mis à jour, 2 inchangés" in French."""

    def part(count: int, singular: str, plural: str) -> str:
        return f"{count} {singular if count < 2 else plural}"

    return (
        f"{part(created, 'chiffre créé', 'chiffres créés')}, "
        f"{part(updated, 'mis à jour', 'mis à jour')}, "
        f"{part(unchanged, 'inchangé', 'inchangés')}"
    )


def _existing(convention) -> dict[tuple, TerritoryFigure]:
    return {
        (f.area_kind, f.area_code, f.kind, f.label, f.year): f
        for f in TerritoryFigure.objects.filter(convention=convention)
    }


def _differs(figure: TerritoryFigure, row: FigureRow) -> bool:
    return (
        figure.value != row.value
        or figure.source != row.source
        or figure.area_name != row.area_name
    )


def plan_import(convention, data: bytes, filename: str) -> ImportPlan:
    """Read a file and say what importing it would do (nothing is written)."""
    parsed = read_figures(data, filename, convention=convention)
    plan = ImportPlan(parsed=parsed)
    if not parsed.ok:
        return plan
    existing = _existing(convention)
    for row in parsed.rows:
        current = existing.get(row.key)
        if current is None:
            plan.figures.append(PlannedFigure(row, CREATED))
        elif _differs(current, row):
            plan.figures.append(PlannedFigure(row, UPDATED, previous=current.value))
        else:
            plan.figures.append(PlannedFigure(row, UNCHANGED, previous=current.value))
    return plan


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def summary(self) -> str:
        return import_summary(self.created, self.updated, self.unchanged)


def apply_import(convention, data: bytes, filename: str, *, by) -> ImportResult:
    """Import a file of figures, all or nothing: any bad row and nothing is written.

    A figure already there (same territory, figure, label and millésime) is updated.
    """
    parsed = read_figures(data, filename, convention=convention)
    if not parsed.ok:
        shown = "\n".join(f"- {error}" for error in parsed.errors[:20])
        more = len(parsed.errors) - 20
        raise FacilitiesError(
            "Import impossible, rien n'a été enregistré :\n"
            + shown
            + (
                f"\n- … et {more} autre{'s' if more > 1 else ''} erreur{'s' if more > 1 else ''}."
                if more > 0
                else ""
            )
        )
    user = _history_user(by)
    try:
        with transaction.atomic():
            existing = _existing(convention)
            new, changed, unchanged = [], [], 0
            for row in parsed.rows:
                current = existing.get(row.key)
                if current is None:
                    new.append(
                        TerritoryFigure(
                            convention=convention,
                            area_kind=row.area_kind,
                            area_code=row.area_code,
                            area_name=row.area_name,
                            kind=row.kind,
                            label=row.label,
                            year=row.year,
                            value=row.value,
                            source=row.source,
                        )
                    )
                elif _differs(current, row):
                    current.value, current.source = row.value, row.source
                    current.area_name = row.area_name
                    changed.append(current)
                else:
                    unchanged += 1
            if new:
                bulk_create_with_history(new, TerritoryFigure, default_user=user)
            if changed:
                bulk_update_with_history(
                    changed,
                    TerritoryFigure,
                    ["value", "source", "area_name"],
                    default_user=user,
                )
            bump(convention)
    except IntegrityError as error:
        raise FacilitiesError(
            "Import impossible, rien n'a été enregistré : un autre envoi a modifié les mêmes "
            "chiffres en même temps. Recommencez."
        ) from error
    result = ImportResult(len(new), len(changed), unchanged)
    logger.info("figures imported into %s by %s: %s", convention.slug, by, result.summary)
    return result
