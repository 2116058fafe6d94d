"""URLs of the follow-up: each part of the app has its own module, included here."""

from django.urls import include, path

app_name = "monitoring"

urlpatterns = [
    path("", include("pilote.monitoring.urls_followup")),
    path("", include("pilote.monitoring.urls_dashboard")),
    path("", include("pilote.monitoring.partners.urls")),
]
