"""URLs of the pages that show several apps.

They keep the names they had in their apps' namespaces (conventions:detail, plans:node,
monitoring:dashboard…): config/urls.py mounts each list below inside that namespace.
"""

from django.urls import path

from . import (
    views_action,
    views_brief,
    views_dashboard,
    views_first_steps,
    views_history,
    views_summary,
)

# Under /, in the "pages" namespace.
root_patterns = [
    path("premiers-pas/", views_first_steps.first_steps, name="first_steps"),
]

# Under /ctg/, in the "conventions" namespace.
conventions_patterns = [
    path("<slug:slug>/", views_summary.convention_detail, name="detail"),
    path("<slug:slug>/en-bref/", views_brief.convention_brief, name="brief"),
]
# Under /ctg/<slug>/plan/, in the "plans" namespace.
plans_patterns = [
    path("<int:pk>/", views_action.node_detail, name="node"),
]
# Under /, in the "monitoring" namespace.
monitoring_patterns = [
    path("ctg/<slug:slug>/tableau-de-bord/", views_dashboard.dashboard, name="dashboard"),
    path("ctg/<slug:slug>/historique/", views_history.convention_history, name="history"),
]
