"""The levels of a CTG's action plan ("Axe", "Fiche action", "Action"…) and the plan's part in
the CTG's own changes.

Every change goes through these functions, which raise ConventionError like the CTG's own
services. connect_signals() (called by PlansConfig.ready) hooks the plan into
pilote.conventions.signals: a new CTG gets the default levels, a commune that plan elements name
cannot leave the territory, and a period change warns about elements planned outside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Max, Q

from pilote.conventions import signals
from pilote.conventions.locks import lock_convention
from pilote.conventions.models import Convention
from pilote.conventions.services import ConventionError, check_can_edit, check_known_pks
from pilote.conventions.versioning import bump
from pilote.core.transactions import retry_transaction
from pilote.territories.models import Commune

from .models import PlanLevel, PlanNode
from .removal import restore_position

# A new CTG starts with the levels most plans use; the last one is followed every quarter.
DEFAULT_LEVELS: tuple[tuple[str, bool], ...] = (
    ("Axe", False),
    ("Fiche action", False),
    ("Action", True),
)


@dataclass(frozen=True)
class LevelData:
    name: str
    tracked: bool = False
    pk: int | None = None


def create_default_levels(sender, *, convention: Convention, **kwargs) -> None:
    """Give a new CTG the default plan levels."""
    PlanLevel.objects.bulk_create(
        PlanLevel(convention=convention, position=position, name=level, tracked=tracked)
        for position, (level, tracked) in enumerate(DEFAULT_LEVELS, start=1)
    )
    bump(convention)


@retry_transaction
def replace_levels(convention: Convention, *, by, levels: Sequence[LevelData]) -> None:
    """Make the CTG's plan levels exactly these, in this order.

    A renamed level keeps its elements; a level that still has elements cannot be removed.
    """
    check_can_edit(by, convention)
    if not levels:
        raise ConventionError("Le plan d'actions doit compter au moins un niveau.")
    names: dict[str, str] = {}
    for index, data in enumerate(levels, start=1):
        name = data.name.strip()
        if not name:
            raise ConventionError(f"Indiquez le nom du niveau n° {index}.")
        if name.casefold() in names:
            raise ConventionError(f"Deux niveaux portent le nom « {name} ».")
        names[name.casefold()] = name
    with transaction.atomic():
        lock_convention(convention)
        # PostgreSQL refuses FOR UPDATE with GROUP BY: lock the rows, then count apart.
        existing = {level.pk: level for level in convention.levels.select_for_update()}
        counts = dict(
            PlanNode.objects.filter(level__in=existing.keys())
            .values_list("level")
            .annotate(count=Count("pk"))
            .values_list("level", "count")
        )
        for pk, level in existing.items():
            level.node_count = counts.get(pk, 0)
        check_known_pks("niveau", existing, levels)
        kept = {data.pk for data in levels if data.pk}
        still_used = [
            level for pk, level in existing.items() if pk not in kept and level.node_count
        ]
        if len(still_used) == 1:
            level = still_used[0]
            raise ConventionError(
                f"Le niveau « {level.name} » contient encore {_elements(level.node_count)} : "
                "il ne peut pas être supprimé. Supprimez ou déplacez d'abord ces éléments."
            )
        if still_used:
            details = ", ".join(
                f"« {level.name} » ({_elements(level.node_count)})" for level in still_used
            )
            raise ConventionError(
                "Ces niveaux contiennent encore des éléments du plan et ne peuvent pas être "
                f"supprimés : {details}. Supprimez ou déplacez d'abord ces éléments."
            )
        PlanLevel.objects.filter(pk__in=existing.keys() - kept).delete()
        # Positions and names are unique per CTG: park the kept levels before renaming.
        offset = (
            (PlanLevel.objects.filter(convention=convention).aggregate(m=Max("position"))["m"] or 0)
            + len(levels)
            + 1
        )
        for pk in kept:
            PlanLevel.objects.filter(pk=pk).update(
                position=F("position") + offset, name=f"\u2063{pk}"
            )
        bump(convention)
        for position, data in enumerate(levels, start=1):
            level = existing.get(data.pk) or PlanLevel(convention=convention)
            level.position = position
            level.name = data.name.strip()
            level.tracked = data.tracked
            level.save()


def _elements(count: int) -> str:
    return f"{count} élément{'s' if count > 1 else ''} du plan"


def nodes_outside_period(convention: Convention) -> int:
    """Return how many plan elements have a planned year outside the CTG's period."""
    first, last = convention.start_date.year, convention.end_date.year
    outside = Q()
    for field in ("start_year", "end_year"):
        outside |= Q(**{f"{field}__lt": first}) | Q(**{f"{field}__gt": last})
    return PlanNode.objects.filter(convention=convention).filter(outside).count()


def check_communes_unused(sender, *, convention: Convention, codes: set[str], **kwargs) -> None:
    """Refuse to take communes off a CTG while plan elements still name them."""
    rows = (
        PlanNode.communes.through.objects.filter(
            plannode__convention=convention, commune_id__in=codes
        )
        .select_related("plannode", "commune")
        .order_by("commune__name", "plannode__number", "plannode__pk")
    )
    used: dict[Commune, list[PlanNode]] = defaultdict(list)
    for row in rows:
        used[row.commune].append(row.plannode)
    if not used:
        return
    parts = []
    for commune, nodes in used.items():
        labels = ", ".join(_node_label(node) for node in nodes[:5])
        if len(nodes) > 5:
            labels += f" et {len(nodes) - 5} autre(s)"
        parts.append(f"{commune.name} ({commune.code}) est citée par : {labels}")
    if len(parts) == 1:
        raise ConventionError(
            f"Impossible de retirer cette commune du territoire : {parts[0]}. "
            "Retirez-la d'abord de ces éléments du plan d'actions."
        )
    raise ConventionError(
        "Impossible de retirer ces communes du territoire : "
        f"{' ; '.join(parts)}. Retirez-les d'abord de ces éléments du plan d'actions."
    )


def _node_label(node: PlanNode) -> str:
    title = node.title if len(node.title) <= 80 else node.title[:79] + "…"
    return f"{node.number} « {title} »" if node.number else f"« {title} »"


def outside_period_warning(sender, *, convention: Convention, **kwargs) -> str:
    """Return a warning when plan elements are planned outside the CTG's period, else ""."""
    outside = nodes_outside_period(convention)
    if not outside:
        return ""
    return (
        f"{outside} élément(s) du plan ont une période prévue hors de la période de "
        "la CTG : pensez à les mettre à jour."
    )


def connect_signals() -> None:
    """Connect the plan's receivers to the CTG's signals (once, from PlansConfig.ready)."""
    signals.convention_created.connect(create_default_levels, dispatch_uid="plans.default_levels")
    signals.communes_leaving.connect(check_communes_unused, dispatch_uid="plans.communes_unused")
    signals.period_changed.connect(outside_period_warning, dispatch_uid="plans.outside_period")
    signals.trash_restored.connect(node_restored, dispatch_uid="plans.node_restored")


def node_restored(sender, obj, **kwargs) -> None:
    """Put an element restored from the trash back at its place among its siblings."""
    if isinstance(obj, PlanNode):
        restore_position(obj)
