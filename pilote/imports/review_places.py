"""Corrections that put things back in place: a line left out, a level, a new parent.

Like pilote.imports.review, each function changes the proposal dict in place and returns a
French sentence, or raises ReviewError and changes nothing. The proposal's "unplaced" list
holds the document's lines that look like elements but are not in the plan (proposal.py),
"dropped_levels" the level names the document has and the plan has not.
"""

from __future__ import annotations

from typing import Any

from .limits import MAX_LEVELS
from .lines import parse_marker, strip_bullet
from .review import (
    MAX_NUMBER,
    ReviewError,
    _clean_name,
    blank_like,
    find,
    label,
    levels,
    walk,
)

MAX_TITLE = 600


def _new_id(proposal: dict[str, Any]) -> int:
    next_id = (
        proposal.get("next_id") or max((i["id"] for i in walk(proposal["plan"])), default=0) + 1
    )
    proposal["next_id"] = next_id + 1
    return next_id


def unplaced(proposal: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the document's lines still left out of the plan."""
    return [line for line in proposal.get("unplaced") or [] if isinstance(line, dict)]


def dropped_levels(proposal: dict[str, Any]) -> list[str]:
    """Return the levels found in the document that the plan still lacks."""
    kept = {name.casefold() for name in levels(proposal)}
    return [
        name
        for name in proposal.get("dropped_levels") or []
        if isinstance(name, str) and name.casefold() not in kept
    ]


def link_unplaced(proposal: dict[str, Any]) -> dict[str, Any]:
    """Give each line left out the id of its suggested parent ("parent_id"), from its path in
    the proposed plan ("parent_path": plan[i].children[j]…) or its source line ("parent_line"),
    so that it stays right whatever the review moves; return the proposal (ids given)."""
    by_line: dict[int, dict[str, Any]] = {}
    for item in walk(proposal.get("plan") or []):
        by_line.setdefault((item.get("source") or {}).get("line"), item)
    for entry in unplaced(proposal):
        parent = None
        path = entry.get("parent_path")
        if isinstance(path, list) and path:
            items = proposal.get("plan") or []
            for index in path:
                if not isinstance(index, int) or not 0 <= index < len(items):
                    parent = None
                    break
                parent = items[index]
                items = parent.get("children") or []
        elif isinstance(entry.get("parent_line"), int):
            parent = by_line.get(entry["parent_line"])
        entry["parent_id"] = parent["id"] if parent else None
    return proposal


def _suggested_parent(proposal: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any] | None:
    parent_id = entry.get("parent_id")
    if not isinstance(parent_id, int):
        return None
    try:
        return find(proposal, parent_id).node
    except ReviewError:
        return None  # removed in the review since: the line goes to the first level


def _title(entry: dict[str, Any]) -> str:
    if entry.get("title"):
        return str(entry["title"])
    text = str(entry.get("text") or "")
    marker = parse_marker(strip_bullet(text)[1].strip())
    return marker.title if marker is not None and marker.title else text


def _level_named(names: list[str], kind: str | None) -> str | None:
    if not kind:
        return None
    folded = kind.casefold()
    for name in names:
        if name.casefold() == folded or name.casefold().startswith(folded + " "):
            return name
    return None


def add_unplaced(proposal: dict[str, Any], line: int) -> str:
    """Put a line left out back in the plan, under its suggested parent, in document order."""
    entries = unplaced(proposal)
    entry = next((e for e in entries if e.get("line") == line), None)
    if entry is None:
        raise ReviewError(
            "Cette ligne n'est plus dans « Non repris » (la page n'était pas à jour) : rien "
            "n'a été modifié."
        )
    names = levels(proposal)
    rank = {name: index for index, name in enumerate(names)}
    parent = _suggested_parent(proposal, entry)
    kind = _level_named(names, entry.get("kind") or entry.get("level"))
    if kind is not None:
        # A named level: under the closest element of a higher level (or at the root).
        while parent is not None and rank.get(parent.get("kind"), 0) >= rank[kind]:
            parent = _parent_of(proposal, parent)
    elif parent is None:
        kind = names[0]
    elif rank.get(parent.get("kind"), 0) + 1 < len(names):
        kind = names[rank.get(parent.get("kind"), 0) + 1]
    else:  # under an element of the last level: beside it
        kind = parent.get("kind")
        parent = _parent_of(proposal, parent)
    siblings = proposal["plan"] if parent is None else parent.setdefault("children", [])
    title = " ".join(_title(entry).split())[:MAX_TITLE]
    node = blank_like({"kind": kind, "source": {"line": line, "page": entry.get("page")}})
    node["title"] = title or f"Ligne {line}"
    node["number"] = (str(entry.get("number") or "")[:MAX_NUMBER]) or None
    node["id"] = _new_id(proposal)
    position = len(siblings)
    for index, sibling in enumerate(siblings):
        other = (sibling.get("source") or {}).get("line")
        if isinstance(other, int) and other > line:
            position = index
            break
    siblings.insert(position, node)
    proposal["unplaced"] = [e for e in entries if e is not entry]
    where = f"sous {label(parent)}" if parent is not None else "au premier niveau du plan"
    return f"{label(node)} a été ajouté au plan {where}, niveau « {kind} »."


def _parent_of(proposal: dict[str, Any], node: dict[str, Any]) -> dict[str, Any] | None:
    return find(proposal, node["id"]).parent


def insert_level(proposal: dict[str, Any], name: str, position: int) -> str:
    """Insert a level at this rank (0: above the first); elements keep their levels."""
    name = _clean_name(name)
    names = levels(proposal)
    if name.casefold() in {level.casefold() for level in names}:
        raise ReviewError(f"Le niveau « {name} » existe déjà.")
    if len(names) >= MAX_LEVELS:
        raise ReviewError(f"Un plan compte au plus {MAX_LEVELS} niveaux.")
    if not 0 <= position <= len(names):
        raise ReviewError("Cette place n'existe plus parmi les niveaux : rien n'a été modifié.")
    proposal.setdefault("convention", {})["level_names"] = [
        *names[:position],
        name,
        *names[position:],
    ]
    if position == 0:
        where = f"au-dessus de « {names[0]} »" if names else ""
    elif position == len(names):
        where = f"sous « {names[-1]} »"
    else:
        where = f"entre « {names[position - 1]} » et « {names[position]} »"
    return (
        f"Le niveau « {name} » a été inséré {where}. Rattachez-y des éléments : cochez-les "
        "dans l'arbre, puis choisissez ou créez leur nouveau parent."
    )


def reattach(
    proposal: dict[str, Any],
    node_ids: list[int],
    *,
    parent_id: int | None = None,
    new_kind: str = "",
    new_title: str = "",
    new_number: str = "",
) -> str:
    """Move the chosen elements under an existing element, or under a new one created at the
    place of the first of them (new_kind, new_title, new_number)."""
    if not node_ids:
        raise ReviewError("Cochez dans l'arbre les éléments à rattacher.")
    chosen = [find(proposal, node_id) for node_id in dict.fromkeys(node_ids)]
    ids = {found.node["id"] for found in chosen}
    # An element whose ancestor is chosen too moves with it.
    chosen = [f for f in chosen if not _has_ancestor_in(proposal, f.node["id"], ids)]
    if parent_id is not None:
        parent = find(proposal, parent_id).node
        if any(parent is f.node or _contains(f.node, parent) for f in chosen):
            raise ReviewError(
                f"{label(parent)} est l'un des éléments cochés ou se trouve sous l'un d'eux : "
                "un élément ne peut pas être rattaché à lui-même."
            )
    else:
        parent = _new_parent(proposal, chosen[0], new_kind, new_title, new_number)
    for found in chosen:
        holder = find(proposal, found.node["id"])
        del holder.siblings[holder.index]
    parent.setdefault("children", []).extend(found.node for found in chosen)
    count = len(chosen)
    moved = (
        f"{count} éléments ont été rattachés"
        if count > 1
        else f"{label(chosen[0].node)} a été rattaché"
    )
    return f"{moved} à {label(parent)}."


def _new_parent(proposal, first, kind: str, title: str, number: str) -> dict[str, Any]:
    title = " ".join((title or "").split())
    number = " ".join((number or "").split())
    if kind not in levels(proposal):
        raise ReviewError("Choisissez le niveau du nouvel élément parent.")
    if not title:
        raise ReviewError("Indiquez l'intitulé du nouvel élément parent.")
    if len(number) > MAX_NUMBER:
        raise ReviewError(f"Le numéro ne peut pas dépasser {MAX_NUMBER} caractères.")
    parent = blank_like(first.node)
    parent.update(kind=kind, title=title[:MAX_TITLE], number=number or None, id=_new_id(proposal))
    parent["source"] = {"line": None, "page": None}  # made in the review, not read
    first.siblings.insert(first.index, parent)
    return parent


def _contains(node: dict[str, Any], other: dict[str, Any]) -> bool:
    return any(item is other for item in walk(node.get("children") or []))


def _has_ancestor_in(proposal: dict[str, Any], node_id: int, ids: set[int]) -> bool:
    parent = find(proposal, node_id).parent
    while parent is not None:
        if parent["id"] in ids:
            return True
        parent = find(proposal, parent["id"]).parent
    return False
