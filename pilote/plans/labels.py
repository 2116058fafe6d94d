"""How an element of a plan is named in a level path: "Axe 1 › Fiche action 2"."""

PATH_SEPARATOR = " › "


def level_label(level_name: str, number: str, title: str) -> str:
    """Return how an element is named in a level path: "Fiche action 2" (see TreeNode.label)."""
    if number:
        return f"{level_name} {number}"
    short = title if len(title) <= 50 else title[:49] + "…"
    return f"{level_name} « {short} »"
