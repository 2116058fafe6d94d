"""URLs of the petite-enfance pages (autorités organisatrices, schémas, bonus trajectoire)."""

from django.urls import path

from . import views

urlpatterns = [
    path("petite-enfance/", views.petite_enfance, name="petite_enfance"),
    path(
        "petite-enfance/reglages/",
        views.petite_enfance_settings,
        name="petite_enfance_settings",
    ),
    path("petite-enfance/transferts/", views.transfers, name="transfers"),
    path("petite-enfance/schemas/nouveau/", views.schema_create, name="schema_create"),
    path("petite-enfance/schemas/<int:pk>/", views.schema, name="schema"),
    path("petite-enfance/schemas/<int:pk>/modifier/", views.schema_edit, name="schema_edit"),
    path("petite-enfance/schemas/<int:pk>/tableau/", views.schema_lines, name="schema_lines"),
    path(
        "petite-enfance/schemas/<int:pk>/contenus/",
        views.schema_checklist,
        name="schema_checklist",
    ),
    path("petite-enfance/schemas/<int:pk>/supprimer/", views.schema_delete, name="schema_delete"),
    path(
        "petite-enfance/schemas/<int:pk>/schema.xlsx",
        views.schema_export_xlsx,
        name="schema_export_xlsx",
    ),
    path(
        "petite-enfance/schemas/<int:pk>/schema.pdf",
        views.schema_export_pdf,
        name="schema_export_pdf",
    ),
]
