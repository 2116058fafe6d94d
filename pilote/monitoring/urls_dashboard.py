"""URLs of the dashboard, the timeline, the indicators and the département view."""

from django.urls import path

from . import views_dashboard as views

urlpatterns = [
    path("ctg/<slug:slug>/calendrier/", views.timeline, name="timeline"),
    path("ctg/<slug:slug>/indicateurs/", views.indicators, name="indicators"),
    path("ctg/<slug:slug>/indicateurs/ajouter/", views.indicator_add, name="indicator_add"),
    path("ctg/<slug:slug>/indicateurs/<int:pk>/", views.indicator_detail, name="indicator"),
    path(
        "ctg/<slug:slug>/indicateurs/<int:pk>/modifier/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "ctg/<slug:slug>/indicateurs/<int:pk>/mesures/ajouter/",
        views.measurement_add,
        name="measurement_add",
    ),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("vue-nationale/", views.national, name="national"),
]
