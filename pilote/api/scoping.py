"""What the API reads for a user: exactly what the pages show him or her.

Every queryset of the API starts here, from the CTGs the user may see
(Convention.objects.visible_to, pilote.accounts.perms), as a subquery: a row of another CTG is
never read, and its id answers 404 like an id that does not exist.

Internal items (pilote.plans.visibility, another branch): their filter belongs in
`plan_nodes` and `follow_up_points` below, one line each, and nowhere else.
"""

from django.db.models import OuterRef, QuerySet, Subquery

from pilote.conventions.models import Convention
from pilote.facilities.models import Facility, TerritoryFigure
from pilote.governance.models import Decision, Meeting
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.plans.models import Indicator, PlanNode

LATEST = ("-year", "-quarter", "-created_at", "-pk")


def conventions(user) -> QuerySet:
    """Return the CTGs the user may see."""
    return Convention.objects.visible_to(user)


def _visible(user):
    return conventions(user).values("pk")


def plan_nodes(user) -> QuerySet:
    """Return the plan elements of the user's CTGs, with their latest follow-up point's figures."""
    latest = ActionUpdate.objects.filter(node=OuterRef("pk")).order_by(*LATEST)
    return PlanNode.objects.filter(convention__in=_visible(user)).annotate(
        latest_status=Subquery(latest.values("status")[:1]),
        latest_progress=Subquery(latest.values("progress")[:1]),
        latest_year=Subquery(latest.values("year")[:1]),
        latest_quarter=Subquery(latest.values("quarter")[:1]),
        latest_created_at=Subquery(latest.values("created_at")[:1]),
    )


def follow_up_points(user) -> QuerySet:
    """Return the follow-up points of the user's CTGs."""
    return ActionUpdate.objects.filter(convention__in=_visible(user))


def indicators(user) -> QuerySet:
    return Indicator.objects.filter(convention__in=_visible(user))


def measurements(user) -> QuerySet:
    return Measurement.objects.filter(indicator__convention__in=_visible(user))


def facilities(user) -> QuerySet:
    return Facility.objects.filter(convention__in=_visible(user))


def territory_figures(user) -> QuerySet:
    return TerritoryFigure.objects.filter(convention__in=_visible(user))


def meetings(user) -> QuerySet:
    return Meeting.objects.filter(convention__in=_visible(user))


def decisions(user) -> QuerySet:
    return Decision.objects.filter(meeting__convention__in=_visible(user))
