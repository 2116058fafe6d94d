"""The « Journal » pages (namespace "journal", mounted at the root by config/urls.py)."""

from django.urls import path

from . import views_journal as views

app_name = "journal"

urlpatterns = [
    path("ctg/<slug:slug>/journal/", views.convention_journal, name="convention"),
    path(
        "ctg/<slug:slug>/journal/export.<str:extension>",
        views.convention_journal_export,
        name="convention_export",
    ),
    path("departements/<str:code>/journal/", views.departement_journal, name="departement"),
    path(
        "departements/<str:code>/journal/export.<str:extension>",
        views.departement_journal_export,
        name="departement_export",
    ),
]
