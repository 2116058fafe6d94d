"""Routes of the governance bodies, meetings and decisions, under /ctg/<slug>/gouvernance/."""

from django.urls import path

from . import views, views_decisions

urlpatterns = [
    path("gouvernance/", views.bodies, name="bodies"),
    path("gouvernance/instances/ajouter/", views.body_add, name="body_add"),
    path("gouvernance/instances/<int:pk>/modifier/", views.body_edit, name="body_edit"),
    path("gouvernance/instances/<int:pk>/membres/", views.body_members, name="body_members"),
    path("gouvernance/instances/<int:pk>/supprimer/", views.body_delete, name="body_delete"),
    path("gouvernance/reunions/ajouter/", views.meeting_add, name="meeting_add"),
    path("gouvernance/reunions/<int:pk>/", views.meeting_detail, name="meeting"),
    path("gouvernance/reunions/<int:pk>/modifier/", views.meeting_edit, name="meeting_edit"),
    path(
        "gouvernance/reunions/<int:pk>/presences/",
        views.meeting_attendance,
        name="meeting_attendance",
    ),
    path(
        "gouvernance/reunions/<int:pk>/compte-rendu/",
        views.meeting_minutes,
        name="meeting_minutes",
    ),
    path("gouvernance/reunions/<int:pk>/supprimer/", views.meeting_delete, name="meeting_delete"),
    path(
        "gouvernance/reunions/<int:pk>/decisions/ajouter/",
        views_decisions.decision_add,
        name="decision_add",
    ),
    path(
        "gouvernance/decisions/<int:pk>/modifier/",
        views_decisions.decision_edit,
        name="decision_edit",
    ),
    path(
        "gouvernance/decisions/<int:pk>/supprimer/",
        views_decisions.decision_delete,
        name="decision_delete",
    ),
]
