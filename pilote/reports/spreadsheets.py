"""Tables of a CTG (the plan, the follow-up table), written as XLSX, ODS and CSV files by
pilote.core.table_writers.

The follow-up table's columns are those of pilote.monitoring.exports, so that its export from
the follow-up page and from the exports page say the same thing.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from pilote.core.table_writers import TableExport
from pilote.monitoring import exports as followup_exports
from pilote.monitoring.followup import NO_UPDATE_LABEL, load_rows

from .plan_rows import PlanRow, read_plan


class Column(NamedTuple):
    """A column: its French header, its width in characters, the function giving its value."""

    header: str
    width: int
    value: Callable[[Any], Any]


# --- The plan -----------------------------------------------------------------------------------


def _lines(items) -> str:
    return "\n".join(str(item) for item in items)


def _status(row: PlanRow) -> str:
    if row.latest:
        return row.latest.status_label
    return NO_UPDATE_LABEL if row.tracked else ""


PLAN_COLUMNS = [
    Column("Chemin dans le plan", 40, lambda r: r.level_path),
    Column("Niveau", 16, lambda r: r.level),
    Column("Numéro", 10, lambda r: r.number),
    Column("Intitulé", 60, lambda r: r.title),
    Column("Objectif", 50, lambda r: r.objective),
    Column("Description", 60, lambda r: r.description),
    Column("Résultat attendu", 50, lambda r: r.expected_result),
    Column("Public cible", 30, lambda r: r.target_public),
    Column("Territoire concerné", 30, lambda r: r.territory),
    Column("Pilotes", 30, lambda r: ", ".join(r.pilots)),
    Column("Partenaires", 40, lambda r: ", ".join(r.partners)),
    Column("Thématiques", 25, lambda r: ", ".join(r.thematics)),
    Column("Priorité", 10, lambda r: r.priority),
    Column("Origine", 12, lambda r: r.origin),
    Column("Période prévue", 16, lambda r: r.period),
    Column("Budget total (€)", 14, lambda r: r.budget_total),
    Column("Lignes budgétaires", 40, lambda r: _lines(r.budget_lines)),
    Column("Indicateurs", 60, lambda r: _lines(r.indicators)),
    Column("Suivi trimestriel", 10, lambda r: "Oui" if r.tracked else "Non"),
    Column("Trimestre du dernier point", 14, lambda r: r.latest.period_label if r.latest else ""),
    Column("Dernier statut", 18, _status),
    Column("Avancement (%)", 12, lambda r: r.latest.progress if r.latest else None),
    Column("Date du dernier point", 14, lambda r: r.latest_date),
    Column("Ce qui a été fait", 50, lambda r: r.latest.done if r.latest else ""),
    Column("Difficultés", 40, lambda r: r.latest.difficulties if r.latest else ""),
    Column("Prochaines étapes", 40, lambda r: r.latest.next_steps if r.latest else ""),
]


def plan_table(convention, *, include_internal: bool = False) -> TableExport:
    """Return the whole plan of the CTG, one row per element in outline order (the internal
    ones for an editor, see pilote.plans.visibility)."""
    return TableExport(
        title=f"Plan d’actions – {convention.name}",
        sheet="Plan d’actions",
        columns=PLAN_COLUMNS,
        rows=read_plan(convention, include_internal=include_internal).rows,
    )


def followup_table(convention, *, include_internal: bool = False) -> TableExport:
    """Return the follow-up table of the CTG: every tracked action with its latest update."""
    table = load_rows(convention, full=True, include_internal=include_internal)
    return TableExport(
        title=f"Tableau de suivi – {convention.name}",
        sheet=f"Suivi {table.now}",
        columns=followup_exports.COLUMNS,
        rows=table.rows,
    )
