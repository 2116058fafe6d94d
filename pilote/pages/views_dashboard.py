"""The dashboard of a CTG: progress by axis, what is late, indicators off target, next COPIL."""

from django.http import HttpRequest, HttpResponse

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.access import get_convention_for_user
from pilote.core.fragments import render_fragment_page
from pilote.governance.bodies.queries import next_copil_date
from pilote.monitoring import dashboard as figures
from pilote.monitoring.views_dashboard import (
    followup_layout,
    followup_params,
    is_caf_adviser,
    url_pattern,
)
from pilote.plans.visibility import can_see_internal


def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a CTG's follow-up at a glance, with links into the follow-up table."""
    convention = get_convention_for_user(request, slug)
    internal = can_see_internal(request.user, convention)
    can_edit = can_edit_convention(request.user, convention)
    adviser = is_caf_adviser(request.user, convention.departement_id)
    return render_fragment_page(
        request,
        "monitoring/dashboard/dashboard.html",
        name="dashboard",
        convention=convention,
        variant=(internal, can_edit, adviser),
        outer=followup_layout(convention, "dashboard"),
        inner=lambda: _board_context(convention, internal, can_edit=can_edit, adviser=adviser),
    )


def _board_context(convention, internal: bool, *, can_edit: bool, adviser: bool) -> dict:
    board = figures.build_dashboard(convention, include_internal=internal)
    # One reverse() per kind of link, not one per action or indicator listed.
    node_url = url_pattern("plans:node", convention)
    for row in (*board.axes, *board.late, *board.not_updated):
        row.url = node_url(row.pk)
    indicator_url = url_pattern("monitoring:indicator", convention)
    for item in board.off_target:
        item.url = indicator_url(item.pk)
    return {
        "board": board,
        "off_target_html": figures.off_target_html(board.off_target),
        # A planned COPIL meeting wins over the CTG's own field (governance.bodies.queries).
        "next_copil": next_copil_date(convention),
        "params": followup_params(),
        "can_edit": can_edit,
        "is_caf_adviser": adviser,
    }
