"""A proposed plan as text, for the command line: its source, levels, size and tree."""

from __future__ import annotations

from typing import Any

from .document import FORMAT_LABELS
from .review import walk


def period_label(period: dict) -> str:
    """Return a proposed element's period in French: « 2026–2027 », « à partir de T2 2026 »."""

    def point(year, quarter):
        if not year:
            return ""
        return f"T{quarter} {year}" if quarter else str(year)

    start = point(period.get("start_year"), period.get("start_quarter"))
    end = point(period.get("end_year"), period.get("end_quarter"))
    if start and end and start != end:
        return f"{start}–{end}"
    if start and not end:
        return f"à partir de {start}"
    if end and not start:
        return f"jusqu’en {end}"
    return start


def proposal_text(proposal: dict[str, Any], *, merge=None) -> str:
    """Return the proposal as an indented tree with its heading lines."""
    document = proposal.get("document") or {}
    section = proposal.get("convention") or {}
    plan = proposal.get("plan") or []
    name = document.get("filename") or "(sans nom)"
    if document.get("format") == "spreadsheet":
        sheet = f", feuille « {document['sheet']} »" if document.get("sheet") else ""
        lines = [f"Tableur : {name}{sheet}, {document.get('blocks', 0)} lignes lues"]
    else:
        pages = f", {document['pages']} pages" if document.get("pages") else ""
        kind = FORMAT_LABELS.get(document.get("format"), document.get("format") or "")
        lines = [f"Document : {name} ({kind}{pages})"]
    lines.append("Niveaux : " + (" › ".join(section.get("level_names") or []) or "aucun"))
    start, end = section.get("start_date"), section.get("end_date")
    if start and end:
        lines.append(f"Période de la CTG : {start[:4]}–{end[:4]}")
    lines.append(f"Éléments proposés : {sum(1 for _ in walk(plan))}")
    if merge is not None:
        lines.append(
            f"Dans la CTG : {merge.created} nouveaux, {merge.updated} mis à jour, "
            f"{merge.unchanged} inchangés (aucun élément supprimé)"
        )
    lines.append("")

    def visit(item: dict, depth: int) -> None:
        number = item.get("number")
        head = f"{item.get('kind')} {number}" if number else str(item.get("kind"))
        extras = []
        period = period_label(item.get("period") or {})
        if period:
            extras.append(period)
        if item.get("pilots"):
            extras.append("pilotes : " + ", ".join(item["pilots"]))
        suffix = f"  [{' ; '.join(extras)}]" if extras else ""
        lines.append(f"{'  ' * depth}{head} — {item.get('title')}{suffix}")
        for child in item.get("children") or []:
            visit(child, depth + 1)

    for item in plan:
        visit(item, 0)
    return "\n".join(lines) + "\n"
