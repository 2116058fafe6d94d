from django.urls import path

from . import views, views_publication

app_name = "conventions"

# "nouvelle" comes before <slug>: models.RESERVED_SLUGS keeps it free ("importer" is the JSON
# import of pilote.exchange.urls, placed before these patterns in config/urls.py). The summary
# and "en bref" pages (pilote.pages.urls) and the plan levels page (pilote.plans.urls) are
# mounted in this namespace by config/urls.py too.
urlpatterns = [
    path("", views.convention_list, name="list"),
    path("nouvelle/", views.convention_create, name="create"),
    path("<slug:slug>/modifier/", views.convention_edit, name="edit"),
    path("<slug:slug>/territoire/", views.convention_territory, name="territory"),
    path("<slug:slug>/signataires/", views.convention_signatories, name="signatories"),
    path("<slug:slug>/avenants/", views.convention_amendments, name="amendments"),
    path("<slug:slug>/publication/", views_publication.publication, name="publication"),
]
