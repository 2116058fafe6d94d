"""The plan in the CTG's JSON exchange: levels, elements, thematics, budgets, indicators.

The level names, custom thematics, CTG-wide indicators and organisations sit in the document's
"convention" object, the elements in its "plan" list (docs/json-format.md). pilote.exchange
calls export_plan, then read_plan (checks, nothing written) and write_plan (after the CTG).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower

from pilote.accounts.enums import OrganisationKind
from pilote.accounts.models import Organisation
from pilote.core.exchange import Reader, amount, check_pks
from pilote.core.history_exchange import HistoryTable, Keys
from pilote.core.plausible import TITLE_MAX_LENGTH
from pilote.territories.models import Commune

from .enums import Origin, Priority
from .models import BudgetLine, Indicator, IndicatorTarget, PlanLevel, PlanNode, Thematic
from .tree import outline_order

MAX_NODES = 20_000
MAX_DEPTH = 20
YEARS = {"low": 1900, "high": 2200}
AMOUNT_LIMIT = Decimal("1e12")
CENTS = Decimal("0.01")


# --------------------------------------------------------------------------- export


def _indicator_dict(indicator: Indicator) -> dict[str, Any]:
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline_value": amount(indicator.baseline_value),
        "baseline_year": indicator.baseline_year,
        "source": indicator.source,
        "frequency": indicator.frequency,
        "targets": {str(t.year): amount(t.value) for t in indicator.targets.all()},
    }


def _node_dict(node: PlanNode, by_parent: dict[int | None, list[PlanNode]]) -> dict[str, Any]:
    return {
        "kind": node.level.name,
        "number": node.number or None,
        "title": node.title,
        "objective": node.objective,
        "description": node.description,
        "expected_result": node.expected_result,
        "target_public": node.target_public,
        "whole_territory": node.whole_territory,
        "communes": sorted(c.code for c in node.communes.all()),
        "pilots": sorted(o.name for o in node.pilots.all()),
        "partners": sorted(o.name for o in node.partners.all()),
        "thematics": sorted(t.code for t in node.thematics.all()),
        "priority": node.priority,
        "origin": node.origin,
        **({"internal": True} if node.is_internal else {}),  # absent: not internal
        "period": {
            "start_year": node.start_year,
            "start_quarter": node.start_quarter,
            "end_year": node.end_year,
            "end_quarter": node.end_quarter,
        },
        "budget_lines": [
            {
                "funder": line.funder,
                "amount": amount(line.amount),
                "year": line.year,
                "comment": line.comment,
            }
            for line in sorted(node.budget_lines.all(), key=lambda line: line.pk)
        ],
        "indicators": [_indicator_dict(i) for i in node.indicators.all()],
        "children": [_node_dict(child, by_parent) for child in by_parent.get(node.pk, [])],
    }


def export_plan(
    convention, *, include_internal: bool = True
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return the plan's keys of the "convention" object and the "plan" list (bounded queries).

    Without include_internal (an export for a reader), the internal elements are left out with
    their subtrees (pilote.plans.visibility).
    """
    levels = list(convention.levels.order_by("position"))
    nodes = list(
        PlanNode.objects.filter(convention=convention)
        .shown(include_internal)
        .select_related("level")
        .prefetch_related(
            "communes", "pilots", "partners", "thematics", "budget_lines", "indicators__targets"
        )
        .order_by("parent_id", "position", "pk")
    )
    organisations: dict[str, Organisation] = {}
    by_parent: dict[int | None, list[PlanNode]] = {}
    for node in nodes:
        for organisation in [*node.pilots.all(), *node.partners.all()]:
            organisations[organisation.name] = organisation
        by_parent.setdefault(node.parent_id, []).append(node)
    fields = {
        "level_names": [level.name for level in levels],
        "tracked_levels": [level.name for level in levels if level.tracked],
        "custom_thematics": [
            {"code": t.code, "label": t.label} for t in convention.custom_thematics.order_by("code")
        ],
        "indicators": [
            _indicator_dict(indicator)
            for indicator in convention.indicators.filter(node__isnull=True)
            .prefetch_related("targets")
            .order_by("position", "pk")
        ],
        "organisations": [
            {
                "name": organisation.name,
                "kind": organisation.kind,
                "commune": organisation.commune_id,
                "email": organisation.email,
            }
            for _, organisation in sorted(organisations.items())
        ],
    }
    return fields, [_node_dict(root, by_parent) for root in by_parent.get(None, [])]


# --------------------------------------------------------------------------- import


@dataclass
class PlanDraft:
    """A plan checked by read_plan, ready for write_plan."""

    level_names: list[str]
    tracked: set[str]
    custom_codes: dict[str, str]
    organisation_specs: dict[str, tuple]
    indicators: list[tuple[Indicator, list[IndicatorTarget]]]
    nodes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Scope:
    """What an element may refer to: the CTG's levels, communes, years and thematics."""

    level_names: list[str]
    communes: set[str]
    years: range
    thematic_codes: set[str]


def read_plan(
    reader: Reader, meta: dict, plan: list, *, communes: set[str], years: range
) -> PlanDraft:
    """Check the plan's part of a document (nothing written); problems go to the reader."""
    where = "convention"
    level_names = reader.string_list(meta, "level_names", where)
    if not level_names:
        reader.error(where, "« level_names » doit nommer au moins un niveau du plan.")
    if len(set(level_names)) != len(level_names):
        reader.error(where, "« level_names » contient des doublons.")
    tracked = set(reader.string_list(meta, "tracked_levels", where))
    if tracked - set(level_names):
        reader.error(where, "« tracked_levels » cite des niveaux absents de « level_names ».")
    national_codes = set(
        Thematic.objects.filter(convention__isnull=True).values_list("code", flat=True)
    )
    custom_codes = _read_custom_thematics(reader, meta, national_codes)
    draft = PlanDraft(
        level_names=level_names,
        tracked=tracked,
        custom_codes=custom_codes,
        organisation_specs=_read_organisations(reader, meta),
        indicators=_read_indicators(reader, meta, "convention"),
    )
    scope = _Scope(level_names, communes, years, national_codes | set(custom_codes))
    for parent_index, item in _flatten(reader, plan):
        read = _read_node(reader, item, parent_index, scope)
        if parent_index is not None and draft.nodes[parent_index]["node"].is_internal:
            read["node"].is_internal = True  # under an internal element, all is internal
        draft.nodes.append(read)
    return draft


def _read_custom_thematics(reader: Reader, meta: dict, national_codes: set[str]) -> dict:
    custom_codes = {}
    for i, item in enumerate(reader.object_list(meta, "custom_thematics", "convention"), 1):
        w = f"thématique personnalisée n° {i}"
        code = reader.text(item, "code", w, required=True, max_length=60)
        label = reader.text(item, "label", w, required=True, max_length=100)
        if code in national_codes:
            reader.error(w, f"le code « {code} » est déjà une thématique nationale.")
        custom_codes[code] = label
    return custom_codes


def _read_organisations(reader: Reader, meta: dict) -> dict[str, tuple]:
    specs = {}
    for i, item in enumerate(reader.object_list(meta, "organisations", "convention"), 1):
        w = f"organisation n° {i}"
        org_name = reader.text(item, "name", w, required=True, max_length=255)
        kind = item.get("kind") or OrganisationKind.OTHER
        if kind not in OrganisationKind.values:
            reader.error(w, f"type d'organisation inconnu : {kind!r}.")
        commune_code = item.get("commune")
        if commune_code and not Commune.objects.filter(pk=commune_code).exists():
            reader.error(w, f"commune inconnue : {commune_code!r}.")
        email = reader.text(item, "email", w, max_length=254)
        if email and "@" not in email:
            reader.error(w, f"adresse de courriel invalide : {email!r}.")
        specs[org_name.casefold()] = (org_name, kind, commune_code or None, email)
    return specs


def _read_indicators(reader: Reader, item: dict, where: str) -> list:
    """Return (Indicator, [IndicatorTarget]) pairs read from item["indicators"]."""
    indicators = []
    for j, spec in enumerate(reader.object_list(item, "indicators", where), 1):
        iw = f"{where}, indicateur {j}"
        targets = spec.get("targets") or {}
        if not isinstance(targets, dict):
            reader.error(iw, "« targets » doit être un objet {année: valeur}.")
            targets = {}
        target_rows = []
        for year_text, value in targets.items():
            if not str(year_text).isdecimal():
                reader.error(iw, f"année de cible invalide : {year_text!r}.")
                continue
            target_value = _amount(reader, value, iw, f"cible {year_text}")
            if target_value is not None:
                target_rows.append(IndicatorTarget(year=int(year_text), value=target_value))
        indicator = Indicator(
            position=j,
            name=reader.text(spec, "name", iw, required=True, max_length=TITLE_MAX_LENGTH),
            unit=reader.text(spec, "unit", iw, max_length=60),
            baseline_value=_amount(reader, spec.get("baseline_value"), iw, "baseline_value"),
            baseline_year=reader.integer(spec, "baseline_year", iw, **YEARS),
            source=reader.text(spec, "source", iw, max_length=255),
            frequency=reader.text(spec, "frequency", iw, max_length=60),
        )
        indicators.append((indicator, target_rows))
    return indicators


def _amount(reader: Reader, value: Any, where: str, label: str) -> Decimal | None:
    return reader.decimal(value, where, label, limit=AMOUNT_LIMIT, places=CENTS)


def _flatten(reader: Reader, plan: list) -> list[tuple[int | None, dict]]:
    """Return the plan's elements depth first, each with its parent's index in the list."""
    flat: list[tuple[int | None, dict]] = []

    def collect(items: Any, parent_index: int | None, depth: int, path: str) -> None:
        if not isinstance(items, list):
            reader.error(path, "« children » doit être une liste.")
            return
        if depth > MAX_DEPTH:
            reader.error(path, f"le plan dépasse {MAX_DEPTH} niveaux d'imbrication.")
            return
        for position, item in enumerate(items, 1):
            w = f"{path} > élément {position}" if path != "plan" else f"plan, élément {position}"
            if not isinstance(item, dict):
                reader.error(w, "chaque élément du plan doit être un objet.")
                continue
            if len(flat) >= MAX_NODES:
                reader.error("plan", f"le plan dépasse {MAX_NODES} éléments.")
                return
            index = len(flat)
            flat.append((parent_index, item))
            number = item.get("number")
            label = f"{item.get('kind', '?')} {number}" if number else w
            collect(item.get("children", []), index, depth + 1, label)

    collect(plan, None, 0, "plan")
    return flat


def _read_node(reader: Reader, item: dict, parent_index: int | None, scope: _Scope) -> dict:
    number = item.get("number")
    w = f"élément « {number} »" if number else f"élément « {str(item.get('title', ''))[:40]} »"
    kind = item.get("kind")
    if kind not in scope.level_names:
        reader.error(w, f"niveau « {kind} » absent de « level_names ».")
    if number is not None and not isinstance(number, str):
        reader.error(w, "« number » doit être un texte ou null.")
        number = str(number)
    title = reader.text(item, "title", w, required=True, max_length=TITLE_MAX_LENGTH)
    priority = item.get("priority") or ""
    if priority not in ["", *Priority.values]:
        reader.error(w, f"priorité inconnue : {priority!r}.")
    origin = item.get("origin") or ""
    if origin not in ["", *Origin.values]:
        reader.error(w, f"origine inconnue : {origin!r}.")
    period = _read_period(reader, item, w, scope.years)
    node_communes = reader.string_list(item, "communes", w)
    outside = [code for code in node_communes if code not in scope.communes]
    if outside:
        reader.error(w, f"communes hors du territoire de la CTG : {', '.join(outside[:10])}.")
    whole = item.get("whole_territory", True)
    if not isinstance(whole, bool):
        reader.error(w, "« whole_territory » doit valoir true ou false.")
        whole = True
    internal = item.get("internal", False)  # absent from files written before it existed
    if not isinstance(internal, bool):
        reader.error(w, "« internal » doit valoir true ou false.")
        internal = False
    thematics = reader.string_list(item, "thematics", w)
    unknown = [c for c in thematics if c not in scope.thematic_codes]
    if unknown:
        reader.error(w, f"thématiques inconnues : {', '.join(unknown)}.")
    budget = _read_budget(reader, item, w)
    indicators = _read_indicators(reader, item, w)
    pilots = reader.string_list(item, "pilots", w)
    partners = reader.string_list(item, "partners", w)
    for org_name in [*pilots, *partners]:
        if len(org_name) > 255:
            reader.error(w, "un nom d'organisation dépasse 255 caractères.")
    node = PlanNode(
        number=(number or "")[:30],
        title=title,
        objective=reader.text(item, "objective", w),
        description=reader.text(item, "description", w),
        expected_result=reader.text(item, "expected_result", w),
        target_public=reader.text(item, "target_public", w),
        whole_territory=whole,
        priority=priority,
        origin=origin,
        is_internal=internal,
        **period,
    )
    if number and len(number) > 30:
        reader.error(w, "le numéro dépasse 30 caractères.")
    return {
        "parent_index": parent_index,
        "node": node,
        "kind": kind,
        "communes": node_communes,
        "pilots": pilots,
        "partners": partners,
        "thematics": thematics,
        "budget": budget,
        "indicators": indicators,
    }


def _read_period(reader: Reader, item: dict, w: str, years: range) -> dict[str, int | None]:
    period = item.get("period") or {}
    if not isinstance(period, dict):
        reader.error(w, "« period » doit être un objet.")
        period = {}
    start_year = reader.integer(period, "start_year", w, **YEARS)
    end_year = reader.integer(period, "end_year", w, **YEARS)
    start_quarter = reader.integer(period, "start_quarter", w, low=1, high=4)
    end_quarter = reader.integer(period, "end_quarter", w, low=1, high=4)
    for value in (start_year, end_year):
        if value and years and value not in years:
            reader.error(
                w, f"l'année {value} est hors de la période de la CTG ({years[0]}–{years[-1]})."
            )
    if start_year and end_year and (end_year, end_quarter or 4) < (start_year, start_quarter or 1):
        reader.error(w, "la fin prévue précède le début prévu.")
    return {
        "start_year": start_year,
        "start_quarter": start_quarter,
        "end_year": end_year,
        "end_quarter": end_quarter,
    }


def _read_budget(reader: Reader, item: dict, w: str) -> list[BudgetLine]:
    budget = []
    for j, line in enumerate(reader.object_list(item, "budget_lines", w), 1):
        lw = f"{w}, ligne budgétaire {j}"
        value = _amount(reader, line.get("amount"), lw, "amount")
        if value is None:
            reader.error(lw, "« amount » est obligatoire.")
        year = reader.integer(line, "year", lw, **YEARS)
        budget.append(
            BudgetLine(
                funder=reader.text(line, "funder", lw, required=True, max_length=255),
                amount=value or Decimal(0),
                year=year,
                comment=reader.text(line, "comment", lw, max_length=255),
            )
        )
    return budget


# --------------------------------------------------------------------------- writing


def write_plan(convention, draft: PlanDraft) -> None:
    """Write a checked plan into a just-created CTG (caller's transaction)."""
    levels = {
        level_name: PlanLevel.objects.create(
            convention=convention, position=i, name=level_name, tracked=level_name in draft.tracked
        )
        for i, level_name in enumerate(draft.level_names)
    }
    thematics = {t.code: t for t in Thematic.objects.filter(convention__isnull=True)}
    for code, label in draft.custom_codes.items():
        thematics[code] = Thematic.objects.create(convention=convention, code=code, label=label)
    organisations = _organisations(draft.nodes, draft.organisation_specs)
    _write_nodes(convention, draft.nodes, levels)
    _write_links(draft.nodes, organisations, thematics)
    indicator_rows = []
    for entry in draft.nodes:
        for indicator, targets in entry["indicators"]:
            indicator.node = entry["node"]
            indicator.convention = convention
            indicator_rows.append((indicator, targets))
    for indicator, targets in draft.indicators:
        indicator.convention = convention
        indicator_rows.append((indicator, targets))
    _write_indicators(indicator_rows)


def _write_nodes(convention, prepared: list[dict], levels: dict[str, PlanLevel]) -> None:
    # Nodes are created level by level so that parents have their pk before their children.
    positions: dict[int | None, int] = {}
    depth_groups: dict[int, list[PlanNode]] = {}
    depth_of: list[int] = []
    for entry in prepared:
        node = entry["node"]
        node.convention = convention
        node.level = levels[entry["kind"]]
        parent_index = entry["parent_index"]
        node.parent = prepared[parent_index]["node"] if parent_index is not None else None
        positions[parent_index] = positions.get(parent_index, 0) + 1
        node.position = positions[parent_index]
        depth = 0 if parent_index is None else depth_of[parent_index] + 1
        depth_of.append(depth)
        depth_groups.setdefault(depth, []).append(node)
    for depth in sorted(depth_groups):
        group = depth_groups[depth]
        for node in group:
            if node.parent is not None:
                node.parent_id = node.parent.pk
        check_pks(PlanNode.objects.bulk_create(group))


def _write_links(prepared: list[dict], organisations: dict, thematics: dict) -> None:
    commune_links, pilot_links, partner_links, thematic_links = [], [], [], []
    budget_lines = []
    for entry in prepared:
        node = entry["node"]
        commune_links += [
            PlanNode.communes.through(plannode_id=node.pk, commune_id=code)
            for code in entry["communes"]
        ]
        pilot_links += [
            PlanNode.pilots.through(
                plannode_id=node.pk, organisation_id=organisations[n.casefold()].pk
            )
            for n in dict.fromkeys(entry["pilots"])
        ]
        partner_links += [
            PlanNode.partners.through(
                plannode_id=node.pk, organisation_id=organisations[n.casefold()].pk
            )
            for n in dict.fromkeys(entry["partners"])
        ]
        thematic_links += [
            PlanNode.thematics.through(plannode_id=node.pk, thematic_id=thematics[code].pk)
            for code in dict.fromkeys(entry["thematics"])
        ]
        for line in entry["budget"]:
            line.node = node
            budget_lines.append(line)
    PlanNode.communes.through.objects.bulk_create(commune_links, ignore_conflicts=True)
    PlanNode.pilots.through.objects.bulk_create(pilot_links, ignore_conflicts=True)
    PlanNode.partners.through.objects.bulk_create(partner_links, ignore_conflicts=True)
    PlanNode.thematics.through.objects.bulk_create(thematic_links, ignore_conflicts=True)
    BudgetLine.objects.bulk_create(budget_lines)


def _write_indicators(indicator_rows: list[tuple[Indicator, list[IndicatorTarget]]]) -> None:
    Indicator.objects.bulk_create([indicator for indicator, _ in indicator_rows])
    target_rows = []
    for indicator, targets in indicator_rows:
        seen = set()
        for target in targets:
            if target.year in seen:
                continue
            seen.add(target.year)
            target.indicator = indicator
            target_rows.append(target)
    IndicatorTarget.objects.bulk_create(target_rows)


def _organisations(prepared: list[dict], specs: dict) -> dict[str, Organisation]:
    """Return the organisations named in the plan, by case-folded name, creating missing ones."""
    names = {}
    for entry in prepared:
        for name in [*entry["pilots"], *entry["partners"]]:
            names.setdefault(name.casefold(), name)
    for key, (name, *_rest) in specs.items():
        names.setdefault(key, name)
    # SQLite's lower() only folds ASCII: match exact names too, then compare in Python.
    wanted = list(names.values())
    existing = {
        organisation.name.casefold(): organisation
        for organisation in Organisation.objects.annotate(lower_name=Lower("name")).filter(
            Q(name__in=wanted) | Q(lower_name__in=[name.lower() for name in wanted])
        )
    }
    result = {}
    for key, name in names.items():
        organisation = existing.get(key)
        if organisation is None:
            _name, kind, commune, email = specs.get(key, (name, OrganisationKind.OTHER, None, ""))
            organisation = Organisation.objects.create(
                name=name, kind=kind, commune_id=commune, email=email
            )
        result[key] = organisation
    return result


def history_tables(convention, keys: dict[str, Keys]) -> list[HistoryTable]:
    """Return the plan elements' history; an element is named by its rank in the plan."""
    order = outline_order(convention)
    nodes = keys[PlanNode._meta.label] = Keys({pk: rank + 1 for pk, rank in order.items()})
    level_pks = convention.levels.order_by("position").values_list("pk", flat=True)
    levels = Keys({pk: rank for rank, pk in enumerate(level_pks, 1)})
    refs = {
        "id": nodes,
        "parent_id": nodes,
        "level_id": levels,
        "convention_id": keys["conventions.Convention"],
    }
    return [HistoryTable(PlanNode, PlanNode.history.filter(convention_id=convention.pk), refs)]
