"""URLs of the shared follow-up table and of recording updates (included by monitoring.urls)."""

from django.urls import path

from . import views_followup as views

urlpatterns = [
    path("ctg/<slug:slug>/suivi/", views.followup_table, name="followup"),
    path("ctg/<slug:slug>/suivi/export.xlsx", views.followup_export, name="followup_export"),
    path("ctg/<slug:slug>/suivi/<int:pk>/mettre-a-jour/", views.update_action, name="update"),
    path("ctg/<slug:slug>/suivi/<int:pk>/ligne/", views.action_row, name="row"),
    path(
        "ctg/<slug:slug>/suivi/pieces-jointes/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
]
