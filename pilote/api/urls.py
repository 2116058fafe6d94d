"""/api/v1/: the resources, the OpenAPI schema and its documentation page."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from . import views, writes
from .docs import DocsView, SchemaView

app_name = "api"

router = SimpleRouter()
router.register("conventions", views.ConventionViewSet, basename="convention")
router.register("plan-nodes", writes.PlanNodeViewSet, basename="plan-node")
router.register("follow-up-points", writes.FollowUpPointViewSet, basename="follow-up-point")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("measurements", writes.MeasurementViewSet, basename="measurement")
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("territory-figures", views.TerritoryFigureViewSet, basename="territory-figure")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("decisions", views.DecisionViewSet, basename="decision")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    # Any other address under /api/v1/: the API's JSON 404, not the site's HTML page.
    re_path(r"^.*$", views.not_found, name="not_found"),
]
