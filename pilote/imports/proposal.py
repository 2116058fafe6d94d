"""The plan proposed from a document, in the exchange JSON shape, with its warnings.

propose_plan(data, filename) is the importer's entry point for the command and the web review
screen: it reads the document, finds the plan and returns a Proposal; nothing is written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .exceptions import DocumentError
from .extract import Document, read_document
from .items import UnplacedLine
from .limits import MAX_NODES, extent_problem
from .plan_parser import Item, PlanParser

__all__ = ["Proposal", "UnplacedLine", "node_dict", "propose_plan"]

PROPOSAL_FORMAT = "pilote-ctg-proposition"
PROPOSAL_VERSION = 1


@dataclass
class Proposal:
    """A proposed plan: the tree, its level names and what the parser was unsure of."""

    roots: list[Item]
    level_names: list[str]
    tracked_levels: list[str]
    warnings: list[str]
    document: Document
    period: tuple[int, int] | None = None
    seconds: float = 0.0
    unplaced: list[UnplacedLine] = field(default_factory=list)  # « non repris » in the review
    dropped_levels: list[str] = field(default_factory=list)  # found in the document, not kept

    @property
    def node_count(self) -> int:
        return sum(1 for root in self.roots for _ in [root, *root.walk()])

    def to_dict(self, *, with_sources: bool = False) -> dict[str, Any]:
        """Return the proposal as JSON data; plan nodes have the export_ctg node shape.

        with_sources adds to each node a "source" object (line, page) for the review screen.
        """
        convention: dict[str, Any] = {
            "level_names": self.level_names,
            "tracked_levels": self.tracked_levels,
            "start_date": f"{self.period[0]}-01-01" if self.period else None,
            "end_date": f"{self.period[1]}-12-31" if self.period else None,
        }
        return {
            "format": PROPOSAL_FORMAT,
            "version": PROPOSAL_VERSION,
            "document": {
                "filename": self.document.filename,
                "format": self.document.format,
                "encoding": self.document.encoding,
                "pages": self.document.pages,
                "blocks": len(self.document.blocks),
            },
            "convention": convention,
            "plan": [node_dict(root, with_sources=with_sources) for root in self.roots],
            "warnings": self.warnings,
            "unplaced": [line.to_dict() for line in self.unplaced],
            "dropped_levels": list(self.dropped_levels),
        }

    def to_text(self) -> str:
        """Return the proposal as an indented tree, for the command line."""
        lines = [
            f"Document : {self.document.filename or '(sans nom)'} "
            f"({self.document.format_label}"
            + (f", {self.document.pages} pages" if self.document.pages else "")
            + ")",
            "Niveaux : " + (" › ".join(self.level_names) or "aucun"),
        ]
        if self.period:
            lines.append(f"Période de la CTG : {self.period[0]}–{self.period[1]}")
        lines.append(f"Éléments proposés : {self.node_count}")
        lines.append("")

        def visit(item: Item, depth: int) -> None:
            head = f"{item.kind} {item.number}".strip() if item.number else item.kind
            extras = []
            period = _period_label(item)
            if period:
                extras.append(period)
            if item.pilots:
                extras.append("pilotes : " + ", ".join(item.pilots))
            suffix = f"  [{' ; '.join(extras)}]" if extras else ""
            lines.append(f"{'  ' * depth}{head} — {item.title}{suffix}")
            for child in item.children:
                visit(child, depth + 1)

        for root in self.roots:
            visit(root, 0)
        if self.warnings:
            lines.append("")
            lines.append("Avertissements :")
            lines.extend(f"- {warning}" for warning in self.warnings)
        return "\n".join(lines) + "\n"


def propose_plan(data: bytes, filename: str = "") -> Proposal:
    """Read a document and return the plan it holds; raise DocumentError if there is none."""
    started = time.perf_counter()
    document = read_document(data, filename)
    parser = PlanParser(document)
    result = parser.parse()
    if parser.count > MAX_NODES:
        raise DocumentError(extent_problem(0, parser.count))
    if not result.roots:
        raise DocumentError(
            "Aucun plan d'actions n'a été trouvé dans ce document : Pilote CTG cherche des "
            "éléments numérotés (« 1. », « 1.1 », « I- », « A) ») ou nommés (« Axe 2 », "
            "« Fiche action 3 », « OO 1 »), en liste ou en tableau. Vérifiez que le document "
            "contient bien le plan, ou saisissez-le dans la CTG."
        )
    level_names: list[str] = []
    has_children: dict[str, bool] = {}
    for root in result.roots:
        for item in [root, *root.walk()]:
            if item.kind not in level_names:
                level_names.append(item.kind)
            has_children[item.kind] = has_children.get(item.kind, False) or bool(item.children)
    tracked = [name for name in level_names if not has_children[name]]
    refused = extent_problem(len(level_names), parser.count)
    if refused:
        raise DocumentError(refused)
    return Proposal(
        roots=result.roots,
        level_names=level_names,
        tracked_levels=tracked,
        warnings=document.notes + result.warnings,
        document=document,
        period=result.period,
        seconds=time.perf_counter() - started,
        unplaced=result.unplaced,
        dropped_levels=result.dropped_levels,
    )


def dropped_level_warning(name: str) -> str:
    """Return the review's warning about a level found in the document but not kept."""
    return (
        f"Le niveau « {name} » trouvé dans le document n'a pas été repris : ses lignes sont "
        "dans « Non repris » ; insérez ce niveau pour les y placer."
    )


def node_dict(item: Item, *, with_sources: bool = False) -> dict[str, Any]:
    """Return one proposed element in the exchange format's node shape."""
    data: dict[str, Any] = {
        "kind": item.kind,
        "number": item.number or None,
        "title": item.title,
        "objective": item.objective,
        "description": "\n".join(item.description),
        "expected_result": item.expected_result,
        "target_public": item.target_public,
        "whole_territory": True,
        "communes": [],
        "pilots": sorted(item.pilots, key=str.casefold),
        "partners": sorted(item.partners, key=str.casefold),
        "thematics": sorted(set(item.thematics)),
        "priority": item.priority,
        "origin": item.origin,
        "period": {
            "start_year": item.period.start_year,
            "start_quarter": item.period.start_quarter,
            "end_year": item.period.end_year,
            "end_quarter": item.period.end_quarter,
        },
        "budget_lines": [],
        "indicators": [
            {
                "name": name,
                "unit": "",
                "baseline_value": None,
                "baseline_year": None,
                "source": "",
                "frequency": "",
                "targets": {},
            }
            for name in item.indicators
        ],
        "children": [node_dict(child, with_sources=with_sources) for child in item.children],
    }
    if with_sources:
        data["source"] = {"line": item.line, "page": item.page or None}
    return data


def _period_label(item: Item) -> str:
    period = item.period
    if period.empty:
        return ""

    def point(year, quarter):
        if year is None:
            return ""
        return f"T{quarter} {year}" if quarter else str(year)

    start = point(period.start_year, period.start_quarter)
    end = point(period.end_year, period.end_quarter)
    if start and end and start != end:
        return f"{start}–{end}"
    if start and not end:
        return f"à partir de {start}"
    return start or end
