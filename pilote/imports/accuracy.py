"""Compare a proposed plan with a reference export: the measure of the importer's accuracy.

Used by bench/import_accuracy.py on the shared seeds and by the tests. The rules:

- a numbered element is a node of the reference whose "number" is not null;
- it is recovered when the proposal has a node with the same number, the right title and the
  right parent; each proposed node answers for one expected node at most;
- right title: after normalize_title (no case, accents, punctuation, repeated spaces; OCR "1'"
  and "I'" read as "l'"), the titles are equal or their difflib ratio is at least 0.9;
- right parent: both at the root, or the parent has the expected number and (same rule) the
  expected title when the expected parent is numbered, or the expected title when it is not.
"""

from __future__ import annotations

from .vocabulary import normalize_title, similarity

TITLE_RATIO = 0.9


def flatten(nodes: list[dict], parent: dict | None = None) -> list[tuple[dict, dict | None]]:
    """Return (node, parent) pairs in document order."""
    pairs = []
    for node in nodes:
        pairs.append((node, parent))
        pairs.extend(flatten(node.get("children", []), node))
    return pairs


def same_title(left: str, right: str) -> bool:
    """Return whether two titles are the same by the rule above."""
    if normalize_title(left) == normalize_title(right):
        return True
    return similarity(left, right) >= TITLE_RATIO


def same_parent(expected: dict | None, proposed: dict | None) -> bool:
    """Return whether the proposed parent is the expected one by the rule above."""
    if expected is None or proposed is None:
        return expected is None and proposed is None
    if expected.get("number"):
        return proposed.get("number") == expected["number"] and same_title(
            expected["title"], proposed["title"]
        )
    return same_title(expected["title"], proposed["title"])


def compare(truth: dict, proposal: dict) -> dict:
    """Return the counts (expected, found, proposed, extra), the misses and the level names."""
    expected = [(n, p) for n, p in flatten(truth["plan"]) if n.get("number")]
    proposed = [(n, p) for n, p in flatten(proposal["plan"]) if n.get("number")]
    used: set[int] = set()
    found, misses = 0, []
    for node, parent in expected:
        candidates = [
            (index, candidate, candidate_parent)
            for index, (candidate, candidate_parent) in enumerate(proposed)
            if index not in used and candidate["number"] == node["number"]
        ]
        best = None
        for index, candidate, candidate_parent in candidates:
            if same_title(node["title"], candidate["title"]) and same_parent(
                parent, candidate_parent
            ):
                best = index
                break
        if best is None:
            reason = "absent"
            if candidates:
                titled = [c for c in candidates if same_title(node["title"], c[1]["title"])]
                reason = "mauvais parent" if titled else "titre différent"
            misses.append((node, parent, reason))
            continue
        used.add(best)
        found += 1
    expected_levels = truth["convention"]["level_names"]
    found_levels = proposal["convention"]["level_names"]
    folded = {name.casefold() for name in found_levels}
    return {
        "expected": len(expected),
        "found": found,
        "proposed": len(proposed),
        "extra": len(proposed) - found,
        "misses": misses,
        "expected_levels": expected_levels,
        "found_levels": found_levels,
        "levels_ok": sum(name.casefold() in folded for name in expected_levels),
    }


def corpus_score(truth: dict, proposal: dict) -> dict:
    """Return compare()'s counts plus recall, precision and the share of right parents.

    recall = found / expected and precision = found / proposed (numbered elements), a found
    element having the right number, title and parent; right_parent = found / elements whose
    number and title were found at all (under whatever parent).
    """
    result = compare(truth, proposal)
    titled = result["found"] + sum(
        1 for *_, reason in result["misses"] if reason == "mauvais parent"
    )
    result["recall"] = result["found"] / result["expected"] if result["expected"] else 1.0
    result["precision"] = result["found"] / result["proposed"] if result["proposed"] else 0.0
    result["right_parent"] = result["found"] / titled if titled else 0.0
    return result
