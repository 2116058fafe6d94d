from django.urls import path

from . import views, views_publication, views_trash

app_name = "conventions"

# "nouvelle" and "supprimees" come before <slug>: models.RESERVED_SLUGS keeps them free
# ("importer" is the JSON import of pilote.exchange.urls, placed before these patterns in
# config/urls.py). The summary
# and "en bref" pages (pilote.pages.urls) and the plan levels page (pilote.plans.urls) are
# mounted in this namespace by config/urls.py too.
urlpatterns = [
    path("", views.convention_list, name="list"),
    path("nouvelle/", views.convention_create, name="create"),
    path("supprimees/", views_trash.deleted_list, name="deleted"),
    path("supprimees/<int:pk>/restaurer/", views_trash.deleted_restore, name="deleted_restore"),
    path("supprimees/<int:pk>/supprimer/", views_trash.deleted_purge, name="deleted_purge"),
    path("<slug:slug>/modifier/", views.convention_edit, name="edit"),
    path("<slug:slug>/territoire/", views.convention_territory, name="territory"),
    path("<slug:slug>/signataires/", views.convention_signatories, name="signatories"),
    path("<slug:slug>/avenants/", views.convention_amendments, name="amendments"),
    path("<slug:slug>/publication/", views_publication.publication, name="publication"),
    path("<slug:slug>/supprimer/", views_trash.convention_delete, name="delete"),
    path("<slug:slug>/corbeille/", views_trash.trash_list, name="trash"),
    path(
        "<slug:slug>/corbeille/<int:pk>/restaurer/",
        views_trash.trash_restore,
        name="trash_restore",
    ),
    path("<slug:slug>/corbeille/<int:pk>/supprimer/", views_trash.trash_purge, name="trash_purge"),
]
