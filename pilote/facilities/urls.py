"""Pages of the facilities app, mounted at /ctg/<slug>/ (each module owns a part)."""

from django.urls import include, path

app_name = "facilities"

urlpatterns = [
    path("", include("pilote.facilities.urls_register")),
    path("", include("pilote.facilities.urls_figures")),
    path("", include("pilote.facilities.urls_petite_enfance")),
]
