"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from pilote.conventions import urls as conventions_urls
from pilote.exchange import urls as exchange_urls
from pilote.governance import urls as governance_urls
from pilote.monitoring import urls as monitoring_urls
from pilote.pages import urls as pages_urls
from pilote.plans import urls as plans_urls
from pilote.reports.bilans import urls as bilan_document_urls


def _namespace(app_name: str, *pattern_lists):
    """Return an include() of these patterns, in this order, in one namespace.

    Pages that a higher app serves keep the names they have in a lower app's namespace
    (conventions:export, conventions:levels, plans:node, monitoring:history…).
    """
    return include(([pattern for patterns in pattern_lists for pattern in patterns], app_name))


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="conventions:list", permanent=False)),
    path("", include("pilote.accounts.urls")),
    # The audit log of a CTG (ctg/<slug>/journal/) and of a département: before the CTG pages.
    path("", include("pilote.conventions.urls_journal")),
    # Before the CTG pages: /ctg/importer-un-plan/ would otherwise read as a CTG's slug.
    path("ctg/", include("pilote.imports.urls")),
    path(
        "ctg/",
        _namespace(
            "conventions",
            exchange_urls.urlpatterns,  # the JSON export and import
            conventions_urls.urlpatterns,
            plans_urls.levels_patterns,  # the plan levels page
            pages_urls.conventions_patterns,  # the summary and "en bref" pages
        ),
    ),
    path(
        "ctg/<slug:slug>/plan/",
        _namespace("plans", plans_urls.urlpatterns, pages_urls.plans_patterns),
    ),
    path("", _namespace("monitoring", monitoring_urls.urlpatterns, pages_urls.monitoring_patterns)),
    path("ctg/<slug:slug>/", include("pilote.facilities.urls")),
    # The governance namespace: its pages, and the documents of the bilans written by reports.
    path(
        "ctg/<slug:slug>/",
        _namespace("governance", governance_urls.urlpatterns, bilan_document_urls.urlpatterns),
    ),
    # ctg/<slug>/exports/… and exports/donnees-ouvertes.csv (every CTG the user can see).
    path("", include("pilote.reports.urls")),
    # Public pages of the published CTGs: the only pages open without a login.
    path("public/", include("pilote.pages.urls_public")),
    path("territoires/", include("pilote.territories.urls")),
    # « Premiers pas »: the first steps of the user's CTGs.
    path("", include((pages_urls.root_patterns, "pages"))),
    # Members of a CTG, invitations, « Mon compte ».
    path("", include("pilote.people.urls")),
    # The REST API and its OpenAPI schema (pilote.api, docs/api.md).
    path("api/v1/", include("pilote.api.urls")),
    # The admin: staff only, at ADMIN_URL (not /admin/), linked from nowhere in the pages.
    path(settings.ADMIN_URL, admin.site.urls),
]
