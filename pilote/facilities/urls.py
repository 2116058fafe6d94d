"""Pages of the facilities app, mounted at /ctg/<slug>/ (each module owns a part)."""

from django.urls import include, path

app_name = "facilities"

urlpatterns = [
    path("", include("pilote.facilities.register.urls")),
    path("", include("pilote.facilities.figures.urls")),
    path("", include("pilote.facilities.petite_enfance.urls")),
]
