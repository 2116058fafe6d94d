"""Diagnostic figures and coverage rate of a CTG (mounted at /ctg/<slug>/ by facilities.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("diagnostic/", views.figures_page, name="figures"),
    path("diagnostic/ajouter/", views.figure_add, name="figure_add"),
    path("diagnostic/<int:pk>/modifier/", views.figure_edit, name="figure_edit"),
    path("diagnostic/<int:pk>/supprimer/", views.figure_delete, name="figure_delete"),
    path("diagnostic/importer/", views.figures_import, name="figures_import"),
    path(
        "diagnostic/importer/confirmer/",
        views.figures_import_confirm,
        name="figures_import_confirm",
    ),
    path("diagnostic/modele.xlsx", views.figures_template, name="figures_template"),
    path(
        "diagnostic/export.csv",
        views.figures_export,
        {"fmt": "csv"},
        name="figures_export_csv",
    ),
    path(
        "diagnostic/export.xlsx",
        views.figures_export,
        {"fmt": "xlsx"},
        name="figures_export_xlsx",
    ),
    path("couverture/", views.coverage_page, name="coverage"),
]
