from django.urls import path

from . import views, views_exchange, views_publication

app_name = "conventions"

# "nouvelle" and "importer" come before <slug>: services.RESERVED_SLUGS keeps them free.
urlpatterns = [
    path("", views.convention_list, name="list"),
    path("nouvelle/", views.convention_create, name="create"),
    path("importer/", views_exchange.convention_import, name="import"),
    path("<slug:slug>/modifier/", views.convention_edit, name="edit"),
    path("<slug:slug>/territoire/", views.convention_territory, name="territory"),
    path("<slug:slug>/signataires/", views.convention_signatories, name="signatories"),
    path("<slug:slug>/avenants/", views.convention_amendments, name="amendments"),
    path("<slug:slug>/export.json", views_exchange.convention_export, name="export"),
    path("<slug:slug>/publication/", views_publication.publication, name="publication"),
]
