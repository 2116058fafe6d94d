"""Save a proposed plan (reviewed or not) into a CTG whose plan is empty, all or nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.versioning import bump
from pilote.plans.models import PlanLevel, PlanNode, Thematic
from pilote.plans.services import IndicatorData, NodeData, NodeSpec, PlanError, create_nodes

from .exceptions import ApplyError
from .limits import MAX_LEVELS, MAX_NODES
from .periods import period_warnings, saved_period
from .review import label as review_label

logger = logging.getLogger(__name__)

MAX_DEPTH = 20
REFUSED = "Import impossible, rien n'a été enregistré : "


@dataclass
class ApplyResult:
    created: int
    levels: list[str]
    warnings: list[str] = field(default_factory=list)


def apply_proposal(convention, proposal: dict[str, Any], *, by=None) -> ApplyResult:
    """Create the proposed plan in the CTG, whose plan must be empty; raise ApplyError.

    proposal is Proposal.to_dict(), possibly corrected on the review screen. The CTG's levels
    become the proposal's level_names (same-named levels are kept); the elements are created
    through pilote.plans.services.create_nodes, in one transaction. Planned years outside the
    CTG's period are left out, with a warning. by: the user, who must be allowed to edit the
    CTG (None for the command line).
    """
    if by is not None and not can_edit_convention(by, convention):
        raise ApplyError("Vous n'avez pas le droit de modifier cette CTG.")
    level_names, tracked, plan = check_proposal(proposal)
    with transaction.atomic():
        # Two imports into the same CTG at once: the second waits, then finds the plan full.
        type(convention).objects.select_for_update().get(pk=convention.pk)
        existing = PlanNode.objects.filter(convention=convention).count()
        if existing:
            raise ApplyError(
                f"{REFUSED}le plan d'actions de la CTG « {convention.name} » contient déjà "
                f"{existing} élément{'s' if existing > 1 else ''}. L'import d'un document "
                "crée un plan complet : importez-le dans une CTG dont le plan est vide, ou "
                "supprimez d'abord les éléments existants."
            )
        levels = _set_levels(convention, level_names, tracked)
        thematics = {
            thematic.code: thematic
            for thematic in Thematic.objects.for_convention(convention).order_by("convention_id")
        }
        years = convention.years
        warnings = period_warnings(plan, years, label=review_label)

        def specs(items: list[dict], path: str) -> list[NodeSpec]:
            found = []
            for position, item in enumerate(items):
                label = _label(item, path, position)
                data = _node_data(item, levels, thematics, years)
                spec = NodeSpec(data=data, key=label)
                spec.children = specs(item.get("children") or [], label)
                found.append(spec)
            return found

        try:
            count = len(create_nodes(convention, specs(plan, ""), by=by))
        except PlanError as error:
            label = getattr(getattr(error, "spec", None), "key", None) or "plan"
            raise ApplyError(f"{REFUSED}{label} : {error}") from error
        bump(convention)  # the plan is written with bulk_create: no signal
    logger.info("plan of %s imported from a document: %s elements", convention.slug, count)
    return ApplyResult(created=count, levels=level_names, warnings=warnings)


def check_proposal(proposal: Any) -> tuple[list[str], set[str], list[dict]]:
    """Return (level names, tracked level names, plan) of a proposal, or raise ApplyError.

    The review screen may call it before saving: it checks what apply_proposal needs.
    """
    if not isinstance(proposal, dict):
        raise ApplyError(f"{REFUSED}la proposition n'est pas un objet JSON.")
    convention = proposal.get("convention")
    plan = proposal.get("plan")
    if not isinstance(convention, dict) or not isinstance(plan, list):
        raise ApplyError(f"{REFUSED}la proposition doit contenir « convention » et « plan ».")
    names = convention.get("level_names")
    if (
        not isinstance(names, list)
        or not names
        or not all(isinstance(name, str) and name.strip() for name in names)
    ):
        raise ApplyError(f"{REFUSED}« level_names » doit nommer au moins un niveau.")
    names = [" ".join(name.split()) for name in names]
    if any(len(name) > 100 for name in names):
        raise ApplyError(f"{REFUSED}un nom de niveau dépasse 100 caractères.")
    if len({name.casefold() for name in names}) != len(names):
        raise ApplyError(f"{REFUSED}deux niveaux portent le même nom.")
    if len(names) > MAX_LEVELS:
        raise ApplyError(f"{REFUSED}le plan compte {len(names)} niveaux ({MAX_LEVELS} au plus).")
    tracked = convention.get("tracked_levels") or []
    tracked = {" ".join(name.split()).casefold() for name in tracked if isinstance(name, str)}
    if not plan:
        raise ApplyError(f"{REFUSED}le plan proposé est vide.")
    known = {name.casefold() for name in names}
    count = 0

    def check(items: Any, depth: int, path: str) -> None:
        nonlocal count
        if not isinstance(items, list):
            raise ApplyError(f"{REFUSED}{path or 'plan'} : « children » doit être une liste.")
        if depth > MAX_DEPTH:
            raise ApplyError(f"{REFUSED}le plan dépasse {MAX_DEPTH} niveaux d'imbrication.")
        for position, item in enumerate(items):
            if not isinstance(item, dict):
                raise ApplyError(f"{REFUSED}chaque élément du plan doit être un objet.")
            count += 1
            if count > MAX_NODES:
                raise ApplyError(f"{REFUSED}le plan dépasse {MAX_NODES} éléments.")
            label = _label(item, path, position)
            title = item.get("title")
            if not isinstance(title, str) or not title.strip():
                raise ApplyError(f"{REFUSED}{label} : l'intitulé est obligatoire.")
            kind = item.get("kind")
            if not isinstance(kind, str) or " ".join(kind.split()).casefold() not in known:
                raise ApplyError(f"{REFUSED}{label} : niveau « {kind} » absent des niveaux.")
            number = item.get("number")
            if number is not None and (not isinstance(number, str) or len(number) > 30):
                raise ApplyError(f"{REFUSED}{label} : numéro invalide (30 caractères au plus).")
            check(item.get("children") or [], depth + 1, label)

    check(plan, 0, "")
    return names, tracked, plan


def _set_levels(convention, names: list[str], tracked: set[str]) -> dict[str, PlanLevel]:
    """Make the CTG's levels these names, in this order (the plan is empty: none is used)."""
    existing = {level.name.casefold(): level for level in convention.levels.all()}
    wanted = {name.casefold() for name in names}
    PlanLevel.objects.filter(convention=convention).exclude(
        pk__in=[level.pk for key, level in existing.items() if key in wanted]
    ).delete()
    # Positions are unique per CTG: park the kept levels before renumbering them.
    offset = 1000 + len(names)
    for level in existing.values():
        if level.name.casefold() in wanted:
            PlanLevel.objects.filter(pk=level.pk).update(position=level.position + offset)
    bump(convention)
    levels: dict[str, PlanLevel] = {}
    for position, name in enumerate(names, start=1):
        level = existing.get(name.casefold()) or PlanLevel(convention=convention)
        level.position = position
        level.name = name
        level.tracked = name.casefold() in tracked
        level.save()
        levels[name.casefold()] = level
    return levels


def _node_data(item, levels, thematics, years) -> NodeData:
    values = saved_period(item.get("period"), years)
    indicators = [
        IndicatorData(name=spec["name"].strip()[:255])
        for spec in item.get("indicators") or []
        if isinstance(spec, dict) and isinstance(spec.get("name"), str) and spec["name"].strip()
    ]
    return NodeData(
        level=levels[" ".join(item["kind"].split()).casefold()],
        title=item["title"].strip(),
        number=(item.get("number") or "").strip(),
        objective=_text(item, "objective"),
        description=_text(item, "description"),
        expected_result=_text(item, "expected_result"),
        target_public=_text(item, "target_public"),
        pilots=_names(item, "pilots"),
        partners=_names(item, "partners"),
        thematics=[thematics[code] for code in _names(item, "thematics") if code in thematics],
        priority=item.get("priority")
        if item.get("priority") in ("haute", "moyenne", "basse")
        else "",
        origin=item.get("origin")
        if item.get("origin") in ("existant", "a_renforcer", "nouveau")
        else "",
        indicators=indicators,
        **values,
    )


def _text(item: dict, key: str) -> str:
    value = item.get(key)
    return value.strip() if isinstance(value, str) else ""


def _names(item: dict, key: str) -> list[str]:
    values = item.get(key) or []
    if not isinstance(values, list):
        return []
    return [" ".join(v.split())[:255] for v in values if isinstance(v, str) and v.strip()]


def _label(item: dict, path: str, position: int) -> str:
    number = item.get("number") if isinstance(item, dict) else None
    kind = item.get("kind") if isinstance(item, dict) else None
    title = item.get("title") if isinstance(item, dict) else None
    if isinstance(number, str) and number:
        return f"« {kind or 'élément'} {number} »"
    if isinstance(title, str) and title.strip():
        short = title.strip() if len(title.strip()) <= 50 else title.strip()[:49] + "…"
        return f"« {short} »"
    return f"{path + ' › ' if path else ''}élément n° {position + 1}"
