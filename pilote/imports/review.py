"""Corrections made on the review screen to a proposed plan, before it is saved.

A proposal is the exchange-shaped dict of pilote.imports.proposal (or of a spreadsheet). Each
element gets a stable "id" (ensure_ids) so that the review page's forms name it whatever was
moved before. Every function here changes the dict in place and returns a French sentence
saying what it did, or raises ReviewError (French) and changes nothing.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

MAX_LEVEL_NAME = 100
MAX_NUMBER = 30


class ReviewError(Exception):
    """A correction that cannot be made; the message is in French, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Found:
    node: dict[str, Any]
    siblings: list[dict[str, Any]]  # the list holding it (its parent's children, or the plan)
    index: int
    parent: dict[str, Any] | None


def ensure_ids(proposal: dict[str, Any]) -> dict[str, Any]:
    """Give every element of the proposal an integer "id" unique in it; return the proposal."""
    items = list(walk(proposal.get("plan") or []))
    taken = {item["id"] for item in items if isinstance(item.get("id"), int)}
    next_id = max([proposal.get("next_id") or 0, *taken, 0]) + 1
    seen: set[int] = set()
    for item in items:
        if not isinstance(item.get("id"), int) or item["id"] in seen:
            item["id"] = next_id
            next_id += 1
        seen.add(item["id"])
    proposal["next_id"] = next_id
    return proposal


def without_ids(proposal: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of the proposal without the review's ids (what gets saved)."""
    clean = copy.deepcopy(proposal)
    clean.pop("next_id", None)
    for item in walk(clean.get("plan") or []):
        item.pop("id", None)
    return clean


def walk(items: list[dict[str, Any]]):
    """Yield every element of a list of elements and of their children, top-down."""
    for item in items:
        if isinstance(item, dict):
            yield item
            yield from walk(item.get("children") or [])


def find(proposal: dict[str, Any], node_id: int) -> Found:
    """Return where the element with this id is; raise ReviewError if it is gone."""

    def search(items, parent):
        for index, item in enumerate(items):
            if item.get("id") == node_id:
                return Found(item, items, index, parent)
            found = search(item.get("children") or [], item)
            if found:
                return found
        return None

    found = search(proposal.get("plan") or [], None)
    if found is None:
        raise ReviewError(
            "Cet élément n'est plus dans le plan proposé (la page n'était pas à jour) : "
            "rien n'a été modifié."
        )
    return found


def levels(proposal: dict[str, Any]) -> list[str]:
    return list(proposal.get("convention", {}).get("level_names") or [])


def level_counts(proposal: dict[str, Any]) -> dict[str, int]:
    """Return how many elements each level has."""
    counts = dict.fromkeys(levels(proposal), 0)
    for item in walk(proposal.get("plan") or []):
        counts[item.get("kind")] = counts.get(item.get("kind"), 0) + 1
    return counts


def label(node: dict[str, Any]) -> str:
    """Return how the messages name an element: « Fiche action 3 » or its short title."""
    if node.get("number"):
        return f"« {node.get('kind')} {node['number']} »"
    title = node.get("title") or ""
    return f"« {title if len(title) <= 50 else title[:49] + '…'} »"


# --------------------------------------------------------------------------- levels


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ReviewError("Le nom d'un niveau ne peut pas être vide.")
    if len(name) > MAX_LEVEL_NAME:
        raise ReviewError(f"Le nom d'un niveau ne peut pas dépasser {MAX_LEVEL_NAME} caractères.")
    return name


def update_levels(
    proposal: dict[str, Any],
    names: list[str],
    tracked: set[str],
    removed: set[str] = frozenset(),
) -> str:
    """Rename the levels (names: the new name of each level, in order), set which ones are
    followed each quarter, and drop the removed ones, which must have no element."""
    current = levels(proposal)
    if len(names) != len(current):
        raise ReviewError(
            "Les niveaux ont changé entre-temps (la page n'était pas à jour) : rien n'a été "
            "modifié."
        )
    counts = level_counts(proposal)
    renamed: dict[str, str] = {}
    kept: list[str] = []
    for old, new in zip(current, names, strict=True):
        if old in removed:
            if counts.get(old):
                raise ReviewError(
                    f"Le niveau « {old} » a encore {counts[old]} élément"
                    f"{'s' if counts[old] > 1 else ''} : changez-les de niveau ou supprimez-les "
                    "d'abord."
                )
            continue
        new = _clean_name(new)
        renamed[old] = new
        kept.append(new)
    if not kept:
        raise ReviewError("Le plan doit garder au moins un niveau.")
    folded = [name.casefold() for name in kept]
    duplicates = sorted({name for name in kept if folded.count(name.casefold()) > 1})
    if duplicates:
        raise ReviewError(
            "Deux niveaux porteraient le même nom : "
            + ", ".join(f"« {name} »" for name in duplicates)
            + ". Pour réunir deux niveaux, changez plutôt le niveau de leurs éléments."
        )
    for item in walk(proposal.get("plan") or []):
        if item.get("kind") in renamed:
            item["kind"] = renamed[item["kind"]]
    section = proposal.setdefault("convention", {})
    section["level_names"] = kept
    section["tracked_levels"] = [
        renamed[old] for old in current if old in tracked and old in renamed
    ]
    changes = [f"« {old} » devient « {new} »" for old, new in renamed.items() if old != new]
    parts = []
    if changes:
        parts.append("niveaux renommés : " + ", ".join(changes))
    if removed:
        parts.append("niveaux retirés : " + ", ".join(f"« {name} »" for name in removed))
    if not parts:
        return "Les niveaux ont été enregistrés."
    text = " ; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def add_level(proposal: dict[str, Any], name: str) -> str:
    """Add a level under the last one (for elements that need one more level)."""
    name = _clean_name(name)
    current = levels(proposal)
    if name.casefold() in {level.casefold() for level in current}:
        raise ReviewError(f"Le niveau « {name} » existe déjà.")
    proposal.setdefault("convention", {})["level_names"] = [*current, name]
    return (
        f"Le niveau « {name} » a été ajouté sous « {current[-1]} »."
        if current
        else (f"Le niveau « {name} » a été ajouté.")
    )


def _shift(node: dict[str, Any], delta: int, names: list[str]) -> None:
    """Move an element and everything under it by delta levels; raise ReviewError if one
    would fall outside the levels."""
    rank = {name: index for index, name in enumerate(names)}
    for item in walk([node]):
        target = rank.get(item.get("kind"), 0) + delta
        if not 0 <= target < len(names):
            where = "au-dessus du premier" if target < 0 else "sous le dernier"
            raise ReviewError(
                f"{label(item)} n'aurait plus de niveau ({where} "
                f"niveau, « {names[0] if target < 0 else names[-1]} ») : ajoutez d'abord un "
                "niveau, ou changez le niveau de ses sous-éléments."
            )
    for item in walk([node]):
        item["kind"] = names[rank.get(item.get("kind"), 0) + delta]


# --------------------------------------------------------------------------- one element


def edit(proposal: dict[str, Any], node_id: int, *, number: str, title: str, kind: str) -> str:
    """Change an element's number, title and level (its sub-elements follow the level)."""
    found = find(proposal, node_id)
    node = found.node
    title = " ".join((title or "").split())
    number = " ".join((number or "").split())
    if not title:
        raise ReviewError("L'intitulé ne peut pas être vide.")
    if len(number) > MAX_NUMBER:
        raise ReviewError(f"Le numéro ne peut pas dépasser {MAX_NUMBER} caractères.")
    names = levels(proposal)
    if kind not in names:
        raise ReviewError(f"Le niveau « {kind} » n'existe pas dans le plan proposé.")
    changed = []
    if kind != node.get("kind"):
        rank = {name: index for index, name in enumerate(names)}
        _shift(node, rank[kind] - rank.get(node.get("kind"), 0), names)
        changed.append("niveau")
    if number != (node.get("number") or ""):
        node["number"] = number or None
        changed.append("numéro")
    if title != node.get("title"):
        node["title"] = title
        changed.append("intitulé")
    if not changed:
        return ""
    return f"{label(node)} : {', '.join(changed)} modifié" + ("s." if len(changed) > 1 else ".")


def drop(proposal: dict[str, Any], node_id: int, *, keep_children: bool) -> str:
    """Remove an element, with its sub-elements or lifting them up to its place."""
    found = find(proposal, node_id)
    node = found.node
    children = node.get("children") or []
    del found.siblings[found.index]
    if keep_children and children:
        found.siblings[found.index : found.index] = children
        return (
            f"{label(node)} a été retiré ; ses {len(children)} "
            f"sous-élément{'s' if len(children) > 1 else ''} ont pris sa place."
            if len(children) > 1
            else f"{label(node)} a été retiré ; son sous-élément a pris sa place."
        )
    count = sum(1 for _ in walk(children))
    if count:
        return (
            f"{label(node)} a été retiré avec ses {count} sous-élément{'s' if count > 1 else ''}."
        )
    return f"{label(node)} a été retiré."


def move(proposal: dict[str, Any], node_id: int, *, offset: int) -> str:
    """Move an element up (-1) or down (+1) among its siblings."""
    found = find(proposal, node_id)
    target = found.index + offset
    if not 0 <= target < len(found.siblings):
        raise ReviewError(
            f"{label(found.node)} est déjà le "
            f"{'premier' if offset < 0 else 'dernier'} de son groupe."
        )
    siblings = found.siblings
    siblings[found.index], siblings[target] = siblings[target], siblings[found.index]
    return f"{label(found.node)} a été déplacé vers le {'haut' if offset < 0 else 'bas'}."


def indent(proposal: dict[str, Any], node_id: int) -> str:
    """Put an element under its previous sibling, one level lower."""
    found = find(proposal, node_id)
    if found.index == 0:
        raise ReviewError(
            f"{label(found.node)} est le premier de son "
            "groupe : il n'a pas d'élément précédent sous lequel se placer."
        )
    previous = found.siblings[found.index - 1]
    names = levels(proposal)
    rank = {name: index for index, name in enumerate(names)}
    delta = rank.get(previous.get("kind"), 0) + 1 - rank.get(found.node.get("kind"), 0)
    _shift(found.node, delta, names)
    del found.siblings[found.index]
    previous.setdefault("children", []).append(found.node)
    return f"{label(found.node)} a été placé sous {label(previous)}."


def outdent(proposal: dict[str, Any], node_id: int) -> str:
    """Put an element right after its parent, at its parent's level."""
    found = find(proposal, node_id)
    parent = found.parent
    if parent is None:
        raise ReviewError(f"{label(found.node)} est déjà au premier niveau du plan.")
    names = levels(proposal)
    rank = {name: index for index, name in enumerate(names)}
    _shift(found.node, rank.get(parent.get("kind"), 0) - rank.get(found.node.get("kind"), 0), names)
    holder = find(proposal, parent["id"])
    del found.siblings[found.index]
    holder.siblings.insert(holder.index + 1, found.node)
    return f"{label(found.node)} a été placé après {label(parent)}, au même niveau."


def merge_previous(proposal: dict[str, Any], node_id: int) -> str:
    """Merge an element into its previous sibling: titles joined, texts and lists combined,
    sub-elements appended."""
    found = find(proposal, node_id)
    if found.index == 0:
        raise ReviewError(
            f"{label(found.node)} est le premier de son "
            "groupe : il n'a pas d'élément précédent avec lequel fusionner."
        )
    node = found.node
    previous = found.siblings[found.index - 1]
    previous["title"] = " ".join(f"{previous.get('title', '')} {node.get('title', '')}".split())
    if not previous.get("number") and node.get("number"):
        previous["number"] = node["number"]
    for key in ("objective", "description", "expected_result", "target_public"):
        texts = [text for text in (previous.get(key), node.get(key)) if text]
        previous[key] = "\n".join(texts)
    for key in ("pilots", "partners"):
        merged = {name.casefold(): name for name in node.get(key) or []}
        merged |= {name.casefold(): name for name in previous.get(key) or []}
        previous[key] = sorted(merged.values(), key=str.casefold)
    previous["thematics"] = sorted(
        set(previous.get("thematics") or []) | set(node.get("thematics") or [])
    )
    for key in ("priority", "origin"):
        previous[key] = previous.get(key) or node.get(key) or ""
    period, other = previous.get("period") or {}, node.get("period") or {}
    if not any(period.values()) and any(other.values()):
        previous["period"] = dict(other)
    previous["budget_lines"] = [
        *(previous.get("budget_lines") or []),
        *(node.get("budget_lines") or []),
    ]
    names = {spec.get("name", "").casefold() for spec in previous.get("indicators") or []}
    previous["indicators"] = [
        *(previous.get("indicators") or []),
        *(
            spec
            for spec in node.get("indicators") or []
            if spec.get("name", "").casefold() not in names
        ),
    ]
    previous.setdefault("children", []).extend(node.get("children") or [])
    del found.siblings[found.index]
    return f"{label(node)} a été fusionné avec {label(previous)}."


def split(proposal: dict[str, Any], node_id: int, *, first: str, second: str) -> str:
    """Cut an element in two: it keeps the first title (and its sub-elements); a new sibling
    of the same level, right after it, takes the second."""
    found = find(proposal, node_id)
    first = " ".join((first or "").split())
    second = " ".join((second or "").split())
    if not first or not second:
        raise ReviewError("Indiquez l'intitulé de chacun des deux éléments.")
    node = found.node
    node["title"] = first
    twin = blank_like(node)
    twin["title"] = second
    twin["id"] = (
        proposal.get("next_id") or max((i["id"] for i in walk(proposal["plan"])), default=0) + 1
    )
    proposal["next_id"] = twin["id"] + 1
    found.siblings.insert(found.index + 1, twin)
    return f"{label(node)} a été coupé en deux : « {second} » le suit."


def blank_like(node: dict[str, Any]) -> dict[str, Any]:
    """Return an empty element of the same level and source as this one."""
    return {
        "kind": node.get("kind"),
        "number": None,
        "title": "",
        "objective": "",
        "description": "",
        "expected_result": "",
        "target_public": "",
        "whole_territory": True,
        "communes": [],
        "pilots": [],
        "partners": [],
        "thematics": [],
        "priority": "",
        "origin": "",
        "period": {
            "start_year": None,
            "start_quarter": None,
            "end_year": None,
            "end_quarter": None,
        },
        "budget_lines": [],
        "indicators": [],
        "children": [],
        "source": dict(node.get("source") or {}),
    }


_CUTS = re.compile(r"\s+(?:;|:|/|–|—|-)\s+|\.\s+|\s+et\s+|,\s+|\s+(?=\()")


def suggest_cut(title: str) -> tuple[str, str]:
    """Return a likely cut of a title in two: at the separator (« ; », « . », « et », « ( »…)
    closest to its middle, else at the space closest to it."""
    middle = len(title) / 2
    for pattern in (_CUTS, re.compile(r"\s+")):
        cuts = sorted(pattern.finditer(title), key=lambda match: abs(match.start() - middle))
        for match in cuts:
            first = title[: match.start()].strip(" ;:,–—-")
            second = title[match.end() :].strip()
            if first and second:
                return first, second[:1].upper() + second[1:]
    return title, ""
