from django.urls import path

from . import views, views_brief, views_public

app_name = "conventions"

# "nouvelle" comes before <slug>: models.RESERVED_SLUGS keeps it free ("importer" is the JSON
# import of pilote.exchange.urls, placed before these patterns in config/urls.py).
urlpatterns = [
    path("", views.convention_list, name="list"),
    path("nouvelle/", views.convention_create, name="create"),
    path("<slug:slug>/", views.convention_detail, name="detail"),
    path("<slug:slug>/modifier/", views.convention_edit, name="edit"),
    path("<slug:slug>/territoire/", views.convention_territory, name="territory"),
    path("<slug:slug>/signataires/", views.convention_signatories, name="signatories"),
    path("<slug:slug>/avenants/", views.convention_amendments, name="amendments"),
    path("<slug:slug>/niveaux/", views.convention_levels, name="levels"),
    path("<slug:slug>/en-bref/", views_brief.convention_brief, name="brief"),
    path("<slug:slug>/publication/", views_public.publication, name="publication"),
]
