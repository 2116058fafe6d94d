"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from pilote.conventions import urls as conventions_urls
from pilote.exchange import urls as exchange_urls
from pilote.governance import urls as governance_urls
from pilote.reports.bilans import urls as bilan_document_urls

# The JSON export and import keep their names in the CTG's namespace (conventions:export, …).
conventions_patterns = (exchange_urls.urlpatterns + conventions_urls.urlpatterns, "conventions")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="conventions:list", permanent=False)),
    path("", include("pilote.accounts.urls")),
    # Before the CTG pages: /ctg/importer-un-plan/ would otherwise read as a CTG's slug.
    path("ctg/", include("pilote.imports.urls")),
    path("ctg/", include(conventions_patterns)),
    path("ctg/<slug:slug>/plan/", include("pilote.plans.urls")),
    path("", include("pilote.monitoring.urls")),
    path("ctg/<slug:slug>/", include("pilote.facilities.urls")),
    # The governance namespace: its pages, and the documents of the bilans written by reports.
    path(
        "ctg/<slug:slug>/",
        include(
            (
                governance_urls.urlpatterns + bilan_document_urls.urlpatterns,
                governance_urls.app_name,
            )
        ),
    ),
    # ctg/<slug>/exports/… and exports/donnees-ouvertes.csv (every CTG the user can see).
    path("", include("pilote.reports.urls")),
    # Public pages of the published CTGs: the only pages open without a login.
    path("public/", include("pilote.conventions.urls_public")),
    path("territoires/", include("pilote.territories.urls")),
    path("admin/", admin.site.urls),
]
