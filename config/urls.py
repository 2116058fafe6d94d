"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from pilote.conventions import urls as conventions_urls
from pilote.monitoring import urls as monitoring_urls
from pilote.pages import urls as pages_urls
from pilote.plans import urls as plans_urls


def _namespace(app_urls, *more_patterns):
    """Return an include() of an app's URLs and of the pages mounted in its namespace."""
    patterns = [*app_urls.urlpatterns]
    for extra in more_patterns:
        patterns += extra
    return include((patterns, app_urls.app_name))


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="conventions:list", permanent=False)),
    path("", include("pilote.accounts.urls")),
    # Before the CTG pages: /ctg/importer-un-plan/ would otherwise read as a CTG's slug.
    path("ctg/", include("pilote.imports.urls")),
    # A few pages keep their app's URL names but show several apps: they live in pilote.pages.
    path(
        "ctg/",
        _namespace(conventions_urls, plans_urls.levels_patterns, pages_urls.conventions_patterns),
    ),
    path("ctg/<slug:slug>/plan/", _namespace(plans_urls, pages_urls.plans_patterns)),
    path("", _namespace(monitoring_urls, pages_urls.monitoring_patterns)),
    path("ctg/<slug:slug>/", include("pilote.facilities.urls")),
    path("ctg/<slug:slug>/", include("pilote.governance.urls")),
    # ctg/<slug>/exports/… and exports/donnees-ouvertes.csv (every CTG the user can see).
    path("", include("pilote.reports.urls")),
    # Public pages of the published CTGs: the only pages open without a login.
    path("public/", include("pilote.pages.urls_public")),
    path("territoires/", include("pilote.territories.urls")),
    path("admin/", admin.site.urls),
]
