"""Read an uploaded file into a proposed plan: the one reader of the browser and the command.

read_plan_file tells a spreadsheet (XLSX, ODS, CSV: spreadsheet.py, its columns and synonyms)
from a document (DOCX, PDF, text: proposal.py) by its content, reads it with the CTG's levels
and thematics when it goes into one, and refuses what cannot be proposed (DocumentError).
notes() gathers what the review says before saving, in French, for the page and the command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pilote.plans.models import PlanNode

from . import review, review_places
from .exceptions import ApplyError, DocumentError
from .forms import initial_period
from .merge import plan_merge
from .periods import period_warnings
from .proposal import Proposal, dropped_level_warning, propose_plan
from .services import check_proposal
from .spreadsheet import SpreadsheetResult, is_spreadsheet, read_spreadsheet


@dataclass
class ReadFile:
    """What reading a file gave: its kind, the proposal (None when the spreadsheet has
    errors), the spreadsheet's report, or the document's Proposal."""

    kind: str  # "spreadsheet" or "document"
    proposal: dict[str, Any] | None
    report: SpreadsheetResult | None = None
    document: Proposal | None = None


def plan_size(convention) -> int:
    """Return the number of elements already in the CTG's plan (0 for a new CTG)."""
    if convention is None:
        return 0
    return PlanNode.objects.filter(convention=convention).count()


def read_plan_file(convention, data: bytes, filename: str) -> ReadFile:
    """Read a plan file for this CTG (None: a new one); raise DocumentError for a document
    that cannot be used."""
    if is_spreadsheet(data, filename):
        levels, custom = [], []
        if convention is not None:
            if plan_size(convention):
                levels = list(convention.levels.order_by("position").values_list("name", flat=True))
            custom = list(convention.custom_thematics.values_list("code", "label"))
        result = read_spreadsheet(data, filename, levels=levels, custom_thematics=custom)
        return ReadFile("spreadsheet", result.proposal if result.ok else None, report=result)
    existing = plan_size(convention)
    if existing:
        raise DocumentError(
            f"Le plan de la CTG « {convention.name} » contient déjà {existing} élément"
            f"{'s' if existing > 1 else ''} : un document ne s'importe que dans un plan vide. "
            "Pour mettre à jour ce plan, téléchargez-le au format tableur (modèle rempli avec "
            "le plan actuel), modifiez-le puis importez-le : les éléments sont mis à jour par "
            "leur numéro."
        )
    proposal = propose_plan(data, filename)
    return ReadFile("document", proposal.to_dict(with_sources=True), document=proposal)


@dataclass
class Notes:
    """What the review says before saving: problems that block it, and warnings."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the reading's remarks
    periods: list[str] = field(default_factory=list)
    dropped_levels: list[str] = field(default_factory=list)
    unplaced: list[dict[str, Any]] = field(default_factory=list)
    merge: Any = None

    def lines(self) -> list[str]:
        """Return every note as one French line, for the command line."""
        return [
            *(f"À corriger : {problem}" for problem in self.problems),
            *self.warnings,
            *self.periods,
            *(dropped_level_warning(name) for name in self.dropped_levels),
            *(
                f"Non repris, {'page ' + str(line['page']) + ', ' if line.get('page') else ''}"
                f"ligne {line.get('line')} : « {line.get('text')} »"
                for line in self.unplaced
            ),
        ]


def notes(convention, kind: str, proposal: dict[str, Any]) -> Notes:
    """Return the review's problems and warnings for this proposal going into this CTG."""
    found = Notes(
        warnings=list(proposal.get("warnings") or []),
        periods=proposal_period_warnings(convention, proposal),
        dropped_levels=review_places.dropped_levels(proposal),
        unplaced=review_places.unplaced(proposal),
    )
    try:
        check_proposal(proposal)
    except ApplyError as error:
        found.problems.append(error.message)
    if kind == "spreadsheet" and convention is not None:
        found.merge = plan_merge(convention, proposal)
        found.problems += found.merge.errors
    existing = plan_size(convention)
    if kind == "document" and existing:
        found.problems.append(
            f"Le plan de la CTG contient maintenant {existing} élément"
            f"{'s' if existing > 1 else ''} : un document ne s'importe que dans un plan vide."
        )
    return found


def proposal_period_warnings(convention, proposal: dict[str, Any]) -> list[str]:
    """Return the period problems of the plan, against the CTG's years (or, for a new CTG,
    the period the save page starts with)."""
    if convention is not None:
        years, proposed = convention.years, False
    else:
        dates = initial_period(proposal)
        years = list(range(dates["start_date"].year, dates["end_date"].year + 1))
        proposed = True
    return period_warnings(proposal.get("plan") or [], years, label=review.label, proposed=proposed)
