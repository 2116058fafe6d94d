"""What the API reads for a user: exactly what the pages show him or her.

Every queryset of the API starts here, from the CTGs the user may see
(Convention.objects.visible_to, pilote.accounts.perms), as a subquery: a row of another CTG is
never read, and its id answers 404 like an id that does not exist.

Internal items (pilote.plans.visibility): an internal plan element, follow-up point, their
indicators, measurements and the decisions naming them are read only in the CTGs the user
edits (its Caf adviser, its coordinator), as on the pages.
"""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from pilote.accounts.perms import edited_conventions_filter
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


def _edited(user):
    """Return the ids of the CTGs whose internal items the user sees (its editors)."""
    if not user.is_authenticated:
        return Convention.objects.none().values("pk")
    if user.is_superuser:
        return Convention.objects.values("pk")
    return Convention.objects.filter(edited_conventions_filter(user)).values("pk")


def _shown(user) -> Q:
    """Return the Q of the plan elements shown: not internal, or in a CTG the user edits."""
    return Q(is_internal=False) | Q(convention__in=_edited(user))


def plan_nodes(user) -> QuerySet:
    """Return the plan elements of the user's CTGs, with their latest follow-up point's figures."""
    latest = (
        ActionUpdate.objects.filter(node=OuterRef("pk"))
        .filter(Q(is_internal=False) | Q(convention__in=_edited(user)))
        .order_by(*LATEST)
    )
    return PlanNode.objects.filter(_shown(user), convention__in=_visible(user)).annotate(
        latest_status=Subquery(latest.values("status")[:1]),
        latest_progress=Subquery(latest.values("progress")[:1]),
        latest_year=Subquery(latest.values("year")[:1]),
        latest_quarter=Subquery(latest.values("quarter")[:1]),
        latest_created_at=Subquery(latest.values("created_at")[:1]),
    )


def follow_up_points(user) -> QuerySet:
    """Return the follow-up points of the user's CTGs."""
    return ActionUpdate.objects.filter(
        Q(is_internal=False, node__is_internal=False) | Q(convention__in=_edited(user)),
        convention__in=_visible(user),
    )


def indicators(user) -> QuerySet:
    return Indicator.objects.filter(
        Q(node__isnull=True) | Q(node__is_internal=False) | Q(convention__in=_edited(user)),
        convention__in=_visible(user),
    )


def measurements(user) -> QuerySet:
    return Measurement.objects.filter(
        Q(indicator__node__isnull=True)
        | Q(indicator__node__is_internal=False)
        | Q(indicator__convention__in=_edited(user)),
        indicator__convention__in=_visible(user),
    )


def facilities(user) -> QuerySet:
    return Facility.objects.filter(convention__in=_visible(user))


def territory_figures(user) -> QuerySet:
    return TerritoryFigure.objects.filter(convention__in=_visible(user))


def meetings(user) -> QuerySet:
    return Meeting.objects.filter(convention__in=_visible(user))


def decisions(user) -> QuerySet:
    return Decision.objects.filter(
        Q(node__isnull=True)
        | Q(node__is_internal=False)
        | Q(meeting__convention__in=_edited(user)),
        meeting__convention__in=_visible(user),
    )
