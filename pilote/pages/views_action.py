"""The page of an element of a CTG's plan (an action, a fiche…): what the plan says of it, its
follow-up, the facilities it concerns and the COPIL decisions about it.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.access import get_convention_for_user
from pilote.core.fragments import cached_value, render_fragment_page
from pilote.facilities.register.views import node_facilities_context
from pilote.governance.bodies.views import node_decisions_context
from pilote.monitoring.perms import update_scope
from pilote.monitoring.views_followup import node_followup_context
from pilote.plans.models import Indicator, PlanNode
from pilote.plans.tree import Crumb, lineages
from pilote.plans.visibility import can_see_internal


@dataclass(frozen=True)
class Head:
    """What the page shows of the element outside its cached block: title and breadcrumb."""

    pk: int
    level_name: str
    number: str
    title: str
    lineage: list[Crumb]


def node_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show an element of the plan with its follow-up, facilities and decisions.

    The page is cached per version of the CTG (pilote.core.fragments) with what varies with
    the reader: internal elements, the right to edit, and which actions he or she may update.
    """
    convention = get_convention_for_user(request, slug)
    internal = can_see_internal(request.user, convention)
    can_edit = can_edit_convention(request.user, convention)
    scope = update_scope(request.user, convention)
    head = cached_value(
        "action-head", convention, (pk, internal), lambda: _head(convention, pk, internal)
    )
    return render_fragment_page(
        request,
        "plans/node.html",
        name="action",
        convention=convention,
        variant=(pk, internal, can_edit, scope.all_actions, sorted(scope.organisation_ids)),
        outer={"convention": convention, "head": head},
        inner=lambda: _node_context(request, convention, pk, internal, can_edit),
    )


def _head(convention, pk: int, internal: bool) -> Head:
    """Return the element's title and ancestors, or 404 (another CTG's, or hidden from you)."""
    node = get_object_or_404(
        PlanNode.objects.shown(internal)
        .select_related("level")
        .only("pk", "number", "title", "level__name"),
        convention=convention,
        pk=pk,
    )
    lineage = lineages(convention).get(node.pk, [])
    return Head(node.pk, node.level.name, node.number, node.title, lineage)


def _node_context(request, convention, pk: int, internal: bool, can_edit: bool) -> dict:
    queryset = (
        PlanNode.objects.shown(internal)
        .select_related("level")
        .prefetch_related(
            "communes",
            "pilots",
            "partners",
            "thematics",
            "budget_lines",
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("targets")),
            Prefetch(
                "children",
                queryset=PlanNode.objects.shown(internal)
                .select_related("level")
                .prefetch_related("pilots")
                .order_by("position", "pk"),
            ),
        )
    )
    node = get_object_or_404(queryset, convention=convention, pk=pk)
    return {
        "node": node,
        "budget": _budget_table(node, convention.years),
        "indicators": _indicator_rows(node, convention.years),
        "years": convention.years,
        "can_edit": can_edit,
        "followup": node_followup_context(request, convention, node),
        "node_facilities": node_facilities_context(convention, node),
        "node_decisions": node_decisions_context(convention, node),
    }


def _budget_table(node: PlanNode, years: list[int]) -> dict:
    """Return the budget lines with totals per funder and per year."""
    lines = list(node.budget_lines.all())
    line_years = {line.year for line in lines}
    columns: list[int | None] = sorted({*years, *(y for y in line_years if y is not None)})
    if None in line_years:
        columns.append(None)
    cells: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
    for line in lines:
        cells[line.funder][line.year] += line.amount
    funders = sorted(cells, key=str.casefold)
    rows = [
        {
            "funder": funder,
            "cells": [cells[funder].get(year) for year in columns],
            "total": sum(cells[funder].values(), Decimal(0)),
        }
        for funder in funders
    ]
    year_totals = [
        sum((cells[f].get(year, Decimal(0)) for f in funders), Decimal(0)) for year in columns
    ]
    return {
        "lines": lines,
        "columns": columns,
        "rows": rows,
        "year_totals": year_totals,
        "total": sum(year_totals, Decimal(0)),
    }


def _indicator_rows(node: PlanNode, years: list[int]) -> list[dict]:
    rows = []
    for indicator in node.indicators.all():
        targets = {target.year: target.value for target in indicator.targets.all()}
        rows.append(
            {
                "indicator": indicator,
                "targets": [targets.get(year) for year in years],
                "outside": sorted((y, v) for y, v in targets.items() if y not in years),
            }
        )
    return rows
