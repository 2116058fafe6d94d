"""How an element of a plan is named in a level path: "Axe 1 › Fiche action 2"."""

PATH_SEPARATOR = " › "
INDENT = "\u00a0\u00a0"  # non-breaking spaces: browsers keep them in <option> labels


def level_label(level_name: str, number: str, title: str) -> str:
    """Return how an element is named in a level path: "Fiche action 2" (see TreeNode.label)."""
    if number:
        return f"{level_name} {number}"
    short = title if len(title) <= 50 else title[:49] + "…"
    return f"{level_name} « {short} »"


def node_label(node, *, depth: int = 0, width: int = 90) -> str:
    """Return a one-line label for a select: indentation, level, number and title."""
    text = (
        f"{node.level.name} {node.number} – {node.title}"
        if node.number
        else (f"{node.level.name} – {node.title}")
    )
    if len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    return INDENT * depth + text
