"""Tidy a proposed plan once the document is read: what a reviewer would do first.

Numbered headings that only structure the document are dissolved, groups left empty by merges
are dropped, two names of one level are unified, numbers given only on some elements of a
continuous numbering are completed, unnamed levels get a name, and numbering gaps or duplicates
become warnings.
"""

from __future__ import annotations

import itertools
import re

from .items import Item, merge
from .vocabulary import fold, looks_thematic, normalize_title, thematic_codes, titles_match

STRUCTURAL_HEADING = re.compile(
    r"\b(?:rappel|presentation|sommaire|introduction|preambule|synthese|annexe|diagnostic"
    r"|glossaire|methodologie|plan d'actions?|calendrier|table des matieres|convention|ctg"
    r"|signataires|gouvernance|article)\b"
)
# A numbered heading is a part of the document, not of the plan, when its title starts with
# one of these words ("2. Présentation du plan d'actions"); "3. Piloter la démarche CTG" is
# an axe.
STRUCTURAL_START = re.compile(
    r"^(?:(?:le|la|les|l'|du|de la|des|nos)\s*)?(?:rappel|presentation|sommaire|introduction"
    r"|preambule|synthese|annexe|diagnostic|glossaire|methodologie|plan d'actions?"
    r"|calendrier|table des matieres|convention|ctg\b|signataires|gouvernance|article)"
    r"|\bplan d'actions?\b"
)


def tidy(root: Item, warnings: list[str]) -> None:
    """Apply every pass, in order, to the proposed tree."""
    merge_twins(root, warnings)
    merge_repeated(root, warnings)
    dissolve_headings(root, warnings)
    dissolve_document_title(root, warnings)
    drop_empty_groups(root, warnings)
    unify_kinds(root, warnings)
    infer_numbers(root, warnings)
    name_levels(root, warnings)
    fill_empty_titles(root, warnings)
    check_numbers(root, warnings)


def merge_twins(root: Item, warnings: list[str]) -> None:
    """Merge an element met twice under different parents: a summary table lists the fiche
    "1 Créer un LAEP", its page "FICHE ACTION N°1" gives it again with its axe. The twin with
    the deeper place (the more context) is kept, completed by the other."""
    by_number: dict[str, list[Item]] = {}
    for node in root.walk():
        if node.number and node.title:
            by_number.setdefault(node.number, []).append(node)
    for nodes in by_number.values():
        if len(nodes) < 2 or len(nodes) > 20:
            continue
        for first, second in itertools.combinations(nodes, 2):
            if first.parent is None or second.parent is None or first.parent is second.parent:
                continue
            if not _twins(first, second):
                continue
            keep, drop = (second, first) if second.depth > first.depth else (first, second)
            merge(keep, drop)
            for child in drop.children:
                keep.add(child)
            drop.parent.children = [c for c in drop.parent.children if c is not drop]
            drop.parent = None


def merge_repeated(root: Item, warnings: list[str]) -> None:
    """Merge an element repeated on consecutive rows ("Axe 1 – …" on each row of a table
    read from a PDF, once its wrapped title is whole): one element, its children together."""

    def visit(node: Item) -> None:
        kept: list[Item] = []
        for child in node.children:
            previous = kept[-1] if kept else None
            if (
                previous is not None
                and child.number
                and child.number == previous.number
                and child.kind == previous.kind
                and normalize_title(child.title) == normalize_title(previous.title)
            ):
                merge(previous, child)
                for grandchild in child.children:
                    previous.add(grandchild)
                continue
            kept.append(child)
        node.children = kept
        for child in kept:
            visit(child)

    visit(root)


def _twins(first: Item, second: Item) -> bool:
    if first in second.walk() or second in first.walk():
        return False
    if not same_part(first, second.parent):
        return False
    if not titles_match(first.title, second.title):
        return False
    tables = "table" in (first.source, second.source)
    return tables and first.table != second.table


def same_part(node: Item, parent: Item) -> bool:
    """Return whether node and parent's future child sit in the same thematic part (a plan in
    parts restarts its numbering in each: "Axe 1" of Jeunesse is not "Axe 1" of Enfance)."""
    mine, other = _part_of(parent), _part_of(node)
    return mine is None or other is None or mine is other


def _part_of(node: Item | None) -> Item | None:
    """Return the nearest unnumbered group or "Partie" holding the element (itself included)."""
    while node is not None and node.source != "root":
        if (node.source == "group" and not node.number) or node.kind == "Partie":
            return node
        node = node.parent
    return None


def dissolve_headings(root: Item, warnings: list[str]) -> None:
    """Remove numbered headings that structure the document, not the plan."""

    dissolved: list[Item] = []

    def holds_fiches(child: Item) -> bool:
        return any(d.source in ("label", "table", "group") for d in child.walk())

    def visit(node: Item) -> None:
        for child in list(node.children):
            visit(child)
        kept: list[Item] = []
        structural_parents = [
            child
            for child in node.children
            if child.source == "heading"
            and child.signature[:1] != ("label",)
            and holds_fiches(child)
        ]
        for child in node.children:
            structural = child.source == "heading" and child.signature[:1] != ("label",)
            if structural and node.number and child.number.startswith(node.number + "."):
                structural = False  # "1.1 …" under "Axe 1": the plan's own numbering
            named = structural and STRUCTURAL_START.search(fold(child.title))
            # One numbered heading holding the fiches ("3. Le plan d'actions") structures the
            # document; several sibling ones, each holding fiches, are a level of the plan.
            if named or (structural and len(structural_parents) < 2 and holds_fiches(child)):
                if not named:
                    dissolved.append(child)
                for grandchild in child.children:
                    grandchild.parent = node
                    kept.append(grandchild)
            else:
                kept.append(child)
        node.children = kept

    visit(root)
    if dissolved:
        shown = " ; ".join(f"« {d.number} {d.title[:50]} »" for d in dissolved[:5])
        more = f" et {len(dissolved) - 5} autre(s)" if len(dissolved) > 5 else ""
        warnings.append(
            f"{len(dissolved)} titre(s) numéroté(s) lu(s) comme des parties du document, pas "
            f"comme des éléments du plan : {shown}{more}. S'ils forment un niveau du plan, "
            "ajoutez-le à la relecture."
        )


_DOCUMENT_TITLE = re.compile(
    r"(?:19|20)\d\d|\bctg\b|convention|projet (?:global|social|educatif)|plan d'actions?"
)


def dissolve_document_title(root: Item, warnings: list[str]) -> None:
    """Remove the document's title ("# Projet global de territoire 2024-2027") when it heads
    the whole plan as its only, unnumbered, group."""
    if len(root.children) != 1:
        return
    (only,) = root.children
    if only.source != "group" or only.number or not only.children:
        return
    if not _DOCUMENT_TITLE.search(fold(only.title)):
        return
    for child in only.children:
        child.parent = root
    root.children = list(only.children)


def drop_empty_groups(root: Item, warnings: list[str]) -> None:
    def visit(node: Item) -> None:
        for child in node.children:
            visit(child)
        node.children = [
            child
            for child in node.children
            if not (child.source == "group" and not child.children and not child.number)
        ]

    visit(root)


def unify_kinds(root: Item, warnings: list[str]) -> None:
    """Give "Orientation" the name "Orientation stratégique" when both name one level."""
    parents: dict[str, set] = {}
    for node in root.walk():
        if node.kind:
            parents.setdefault(node.kind, set()).add(node.parent.kind if node.parent else None)
    renames = {}
    for short in parents:
        for long_ in parents:
            if (
                short != long_
                and fold(long_).startswith(fold(short) + " ")
                and parents[short] <= parents[long_]
            ):
                renames[short] = long_
    for node in root.walk():
        if node.kind in renames:
            node.kind = renames[node.kind]


def infer_numbers(root: Item, warnings: list[str]) -> None:
    """Number the unnumbered elements of a level numbered continuously elsewhere."""
    by_kind: dict[str, list[Item]] = {}
    for node in root.walk():
        if node.kind:
            by_kind.setdefault(node.kind, []).append(node)
    for kind, nodes in by_kind.items():
        numbered = [(rank, node) for rank, node in enumerate(nodes, 1) if node.number]
        if len(numbered) < 2 or len(numbered) == len(nodes):
            continue
        if all(node.number == str(rank) for rank, node in numbered):
            missing = [node for node in nodes if not node.number]
            for rank, node in enumerate(nodes, 1):
                if not node.number:
                    node.number = str(rank)
            warnings.append(
                f"Numéros déduits de l'ordre pour {len(missing)} élément(s) « {kind} » "
                "non numérotés dans le document (les autres suivent une numérotation "
                "continue) : vérifiez-les."
            )


def name_levels(root: Item, warnings: list[str]) -> None:
    """Name the levels the document did not name: thematics, or "Niveau N"."""
    unnamed: dict[int, list[Item]] = {}
    for node in root.walk():
        if node.kind and fold(node.kind) == "thematique":
            node.thematics.extend(c for c in thematic_codes(node.title) if c not in node.thematics)
        if not node.kind:
            unnamed.setdefault(node.depth, []).append(node)
    for depth, nodes in unnamed.items():
        thematic = sum(looks_thematic(node.title) for node in nodes)
        if thematic * 10 >= len(nodes) * 6 and all(not node.number for node in nodes):
            name = "Thématique"
            for node in nodes:
                for code in thematic_codes(node.title):
                    if code not in node.thematics:
                        node.thematics.append(code)
        else:
            name = f"Niveau {depth + 1}"
        for node in nodes:
            node.kind = name


def check_numbers(root: Item, warnings: list[str]) -> None:
    """Warn about numbers missing in a sequence and numbers used twice."""
    by_kind: dict[str, list[Item]] = {}
    for node in root.walk():
        if node.number and node.kind:
            by_kind.setdefault(node.kind, []).append(node)
    for kind, nodes in by_kind.items():
        numbers = [node.number for node in nodes]
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1}, key=_number_key)
        if not duplicates:
            groups = [numbers]
        else:
            groups = []
            by_parent: dict[int, list[str]] = {}
            for node in nodes:
                by_parent.setdefault(id(node.parent), []).append(node.number)
            groups = list(by_parent.values())
            for parent_numbers in groups:
                twice = sorted({n for n in parent_numbers if parent_numbers.count(n) > 1})
                for number in twice:
                    warnings.append(
                        f"Numéro en double : deux éléments « {kind} » portent le n° "
                        f"{number} au même endroit du plan."
                    )
        for group in groups:
            integers = sorted({int(n) for n in group if n.isdecimal()})
            if len(integers) < 3:
                continue
            gaps = [n for n in range(integers[0], integers[-1] + 1) if n not in integers]
            if gaps and len(gaps) <= 10:
                listed = ", ".join(str(n) for n in gaps)
                warnings.append(
                    f"Numérotation incomplète : pas d'élément « {kind} » n° {listed} "
                    f"(entre {integers[0]} et {integers[-1]}) ; un élément a peut-être été "
                    "manqué."
                )


def fill_empty_titles(root: Item, warnings: list[str]) -> None:
    """Title an element the document gave no title ("Fiche action 3" alone) by its label."""
    for node in root.walk():
        if not node.title.strip():
            node.title = f"{node.kind} {node.number}".strip()
            warnings.append(
                f"« {node.title} » n'a pas d'intitulé dans le document : son libellé en tient "
                "lieu, corrigez-le."
            )


def _number_key(number: str) -> tuple:
    return tuple(int(part) if part.isdecimal() else 0 for part in number.split("."))
