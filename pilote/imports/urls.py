"""Plan import pages, mounted under /ctg/ before the CTG pages (see config/urls.py).

"importer-un-plan" is a reserved slug (conventions.models.RESERVED_SLUGS): /ctg/importer-un-plan/
imports into a new CTG, /ctg/<slug>/importer-un-plan/ into an existing one.
"""

from django.urls import path

from . import views

app_name = "imports"

_PAGES = [
    ("", views.upload, "upload"),
    ("modele.xlsx", views.template_file, "template"),
    ("<str:token>/", views.review_page, "review"),
    ("<str:token>/modifier/", views.edit, "edit"),
    ("<str:token>/niveaux/", views.levels, "levels"),
    ("<str:token>/annuler/", views.undo, "undo"),
    ("<str:token>/reprendre/", views.add_unplaced, "add_unplaced"),
    ("<str:token>/inserer-niveau/", views.insert_level, "insert_level"),
    ("<str:token>/rattacher/", views.reattach, "reattach"),
    ("<str:token>/couper/<int:node_id>/", views.split, "split"),
    ("<str:token>/source/", views.source, "source"),
    ("<str:token>/enregistrer/", views.save, "save"),
]

urlpatterns = [
    *(path(f"importer-un-plan/{route}", view, name=f"new_{name}") for route, view, name in _PAGES),
    *(
        path(f"<slug:slug>/importer-un-plan/{route}", view, name=name)
        for route, view, name in _PAGES
    ),
]
