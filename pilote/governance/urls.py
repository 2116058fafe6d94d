"""Routes of the governance of a CTG, mounted under /ctg/<slug>/ (see config/urls.py).

Each part keeps its own module: instances, réunions and décisions (urls_bodies), bilans
(urls_reviews), versions of the plan and avenants, renewal (urls_versions).
"""

from django.urls import include, path

app_name = "governance"

urlpatterns = [
    path("", include("pilote.governance.bodies.urls")),
    path("", include("pilote.governance.bilans.urls")),
    path("", include("pilote.governance.versions.urls")),
]
