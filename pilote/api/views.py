"""The read endpoints: one viewset per resource, each limited to the user's CTGs (scoping).

Each list runs a fixed number of queries whatever its length (count, page, prefetches):
tests/api/test_conditional_and_lists.py holds them to it, for every role.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound

from pilote.facilities.models import Facility
from pilote.plans.models import IndicatorTarget, PlanNode

from . import filters, scoping, serializers
from .base import ReadViewSet
from .relations import attach_children, attach_values

NODE_RELATIONS = [
    # (relation, value read, attribute, order)
    ("communes", "commune_id", "api_communes", ("commune__name",)),
    ("pilots", "organisation__name", "api_pilots", ("organisation__name",)),
    ("partners", "organisation__name", "api_partners", ("organisation__name",)),
    ("thematics", "thematic__code", "api_thematics", ("thematic__code",)),
]


def attach_node_relations(nodes) -> None:
    """Give plan elements their communes, pilots, partners and thematics (4 queries)."""
    for relation, value, attr, order in NODE_RELATIONS:
        through = getattr(PlanNode, relation).through
        attach_values(nodes, through, "plannode_id", value, attr, order)


@extend_schema_view(
    list=extend_schema(summary="Les CTG que vous pouvez voir"),
    retrieve=extend_schema(summary="Une CTG"),
)
class ConventionViewSet(ReadViewSet):
    serializer_class = serializers.ConventionSerializer
    filterset_class = filters.ConventionFilter
    lookup_field = "slug"
    modified_fields = ("updated_at",)

    def get_queryset(self):
        return scoping.convention_list(self.request.user).order_by("-start_date", "name", "pk")


@extend_schema_view(
    list=extend_schema(summary="Éléments du plan (axes, fiches actions, actions…)"),
    retrieve=extend_schema(summary="Un élément du plan"),
)
class PlanNodeReadViewSet(ReadViewSet):
    serializer_class = serializers.PlanNodeSerializer
    filterset_class = filters.PlanNodeFilter
    modified_fields = ("updated_at", "latest_created_at")

    def get_queryset(self):
        return (
            scoping.plan_nodes(self.request.user)
            .select_related("convention", "level")
            .order_by("convention_id", "parent_id", "position", "pk")
        )

    def decorate(self, objects) -> None:
        attach_node_relations(objects)


@extend_schema_view(
    list=extend_schema(summary="Points de suivi des actions"),
    retrieve=extend_schema(summary="Un point de suivi"),
)
class FollowUpPointReadViewSet(ReadViewSet):
    serializer_class = serializers.FollowUpPointSerializer
    filterset_class = filters.FollowUpPointFilter

    def get_queryset(self):
        return (
            scoping.follow_up_points(self.request.user)
            .select_related("convention", "author")
            .order_by("-year", "-quarter", "-created_at", "-pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Indicateurs (d'une action, ou de toute la CTG)"),
    retrieve=extend_schema(summary="Un indicateur et ses cibles annuelles"),
)
class IndicatorViewSet(ReadViewSet):
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter

    def get_queryset(self):
        return (
            scoping.indicators(self.request.user)
            .select_related("convention")
            .order_by("convention_id", "node_id", "position", "pk")
        )

    def decorate(self, objects) -> None:
        targets = IndicatorTarget.objects.order_by("year", "pk")
        attach_children(objects, targets, "indicator", "api_targets")


@extend_schema_view(
    list=extend_schema(summary="Mesures des indicateurs"),
    retrieve=extend_schema(summary="Une mesure"),
)
class MeasurementReadViewSet(ReadViewSet):
    serializer_class = serializers.MeasurementSerializer
    filterset_class = filters.MeasurementFilter

    def get_queryset(self):
        return (
            scoping.measurements(self.request.user)
            .select_related("indicator__convention", "author")
            .order_by("indicator_id", "year", "quarter", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Équipements et services soutenus"),
    retrieve=extend_schema(summary="Un équipement ou service"),
)
class FacilityViewSet(ReadViewSet):
    serializer_class = serializers.FacilitySerializer
    filterset_class = filters.FacilityFilter
    modified_fields = ("updated_at",)

    def get_queryset(self):
        return (
            scoping.facilities(self.request.user)
            .select_related("convention")
            .order_by("convention_id", "kind", "name", "pk")
        )

    def decorate(self, objects) -> None:
        attach_values(
            objects, Facility.actions.through, "facility_id", "plannode_id", "api_actions"
        )


@extend_schema_view(
    list=extend_schema(summary="Chiffres du diagnostic du territoire"),
    retrieve=extend_schema(summary="Un chiffre du diagnostic"),
)
class TerritoryFigureViewSet(ReadViewSet):
    serializer_class = serializers.TerritoryFigureSerializer
    filterset_class = filters.TerritoryFigureFilter

    def get_queryset(self):
        return (
            scoping.territory_figures(self.request.user)
            .select_related("convention")
            .order_by("convention_id", "kind", "area_code", "-year", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Réunions des instances, avec leurs décisions"),
    retrieve=extend_schema(summary="Une réunion et ses décisions"),
)
class MeetingViewSet(ReadViewSet):
    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter

    def get_queryset(self):
        return (
            scoping.meetings(self.request.user)
            .select_related("convention", "body")
            .order_by("-date", "-pk")
        )

    def decorate(self, objects) -> None:
        decisions = scoping.decisions(self.request.user).order_by("position", "pk")
        attach_children(objects, decisions, "meeting", "api_decisions")


@extend_schema_view(
    list=extend_schema(summary="Décisions des réunions"),
    retrieve=extend_schema(summary="Une décision"),
)
class DecisionViewSet(ReadViewSet):
    serializer_class = serializers.DecisionSerializer
    filterset_class = filters.DecisionFilter

    def get_queryset(self):
        return (
            scoping.decisions(self.request.user)
            .select_related("meeting__convention")
            .order_by("meeting_id", "position", "pk")
        )


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def not_found(request, *args, **kwargs):
    """Answer an unknown address of the API with its JSON 404."""
    raise NotFound()


not_found.login_required = False
