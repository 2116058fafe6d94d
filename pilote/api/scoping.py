"""What the API reads for a user: exactly what the pages show him or her.

Every queryset of the API starts here, from the CTGs the user may see
(Convention.objects.visible_to, pilote.accounts.perms), as a subquery: a row of another CTG is
never read, and its id answers 404 like an id that does not exist.

Internal items (pilote.plans.visibility): an internal plan element, follow-up point, their
indicators, measurements and the decisions naming them are read only in the CTGs the user
edits (its Caf adviser, its coordinator), as on the pages.
"""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.models import Convention
from pilote.facilities.models import Facility, TerritoryFigure
from pilote.governance.models import Decision, Meeting
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.plans.models import Indicator, PlanNode

LATEST = ("-year", "-quarter", "-created_at", "-pk")


def conventions(user) -> QuerySet:
    """Return the CTGs the user may see."""
    return Convention.objects.visible_to(user)


class Scope:
    """The ids of the CTGs a user sees and of those he or she edits (None: every CTG).

    Read once a request, in one query, from the same rules as the pages (visible_to,
    can_edit_convention on the roles already read). Lists then filter on literal ids
    (`convention_id IN (…)`), which the planner matches with the indexes and estimates
    well, where a subquery with the roles' joins and OR made it scan and guess.
    """

    def __init__(self, user):
        if user.is_authenticated and user.is_superuser:
            self.visible = self.edited = None
            self.edits_all = True
            return
        rows = list(conventions(user).only("pk", "departement_id").order_by("pk"))
        self.visible = [convention.pk for convention in rows]
        self.edited = [c.pk for c in rows if can_edit_convention(user, c)]
        # A Caf adviser edits every CTG he or she sees.
        self.edits_all = len(self.edited) == len(self.visible)

    def within(self, field: str = "convention") -> Q:
        """Return the Q of the rows whose CTG (reached by field) the user sees."""
        return Q() if self.visible is None else Q(**{f"{field}__in": self.visible})

    def shown(self, public: Q, field: str = "convention") -> Q:
        """Return the Q of the rows shown: public ones, or all in a CTG the user edits."""
        if self.edited is None or self.edits_all:
            return Q()  # every row it sees is shown: no condition (nor join) for the planner
        return public | Q(**{f"{field}__in": self.edited})


def scope_of(user) -> Scope:
    """Return the user's Scope, read at its first use in the request."""
    scope = getattr(user, "_api_scope", None)
    if scope is None:
        scope = Scope(user)
        user._api_scope = scope
    return scope


def convention_list(user) -> QuerySet:
    """Return the CTGs the user may see, by their ids (no join on the roles, no DISTINCT)."""
    return Convention.objects.filter(scope_of(user).within("pk"))


def plan_nodes(user) -> QuerySet:
    """Return the plan elements of the user's CTGs, with their latest follow-up point's figures."""
    scope = scope_of(user)
    latest = (
        ActionUpdate.objects.filter(node=OuterRef("pk"))
        .filter(scope.shown(Q(is_internal=False)))
        .order_by(*LATEST)
    )
    return PlanNode.objects.filter(scope.shown(Q(is_internal=False)), scope.within()).annotate(
        latest_status=Subquery(latest.values("status")[:1]),
        latest_progress=Subquery(latest.values("progress")[:1]),
        latest_year=Subquery(latest.values("year")[:1]),
        latest_quarter=Subquery(latest.values("quarter")[:1]),
        latest_created_at=Subquery(latest.values("created_at")[:1]),
    )


def follow_up_points(user) -> QuerySet:
    """Return the follow-up points of the user's CTGs."""
    scope = scope_of(user)
    return ActionUpdate.objects.filter(
        scope.shown(Q(is_internal=False, node__is_internal=False)), scope.within()
    )


def indicators(user) -> QuerySet:
    scope = scope_of(user)
    return Indicator.objects.filter(
        scope.shown(Q(node__isnull=True) | Q(node__is_internal=False)), scope.within()
    )


def measurements(user) -> QuerySet:
    scope = scope_of(user)
    public = Q(indicator__node__isnull=True) | Q(indicator__node__is_internal=False)
    return Measurement.objects.filter(
        scope.shown(public, "indicator__convention"), scope.within("indicator__convention")
    )


def facilities(user) -> QuerySet:
    return Facility.objects.filter(scope_of(user).within())


def territory_figures(user) -> QuerySet:
    return TerritoryFigure.objects.filter(scope_of(user).within())


def meetings(user) -> QuerySet:
    return Meeting.objects.filter(scope_of(user).within())


def decisions(user) -> QuerySet:
    scope = scope_of(user)
    public = Q(node__isnull=True) | Q(node__is_internal=False)
    return Decision.objects.filter(
        scope.shown(public, "meeting__convention"), scope.within("meeting__convention")
    )
