"""The JSON export and import pages, named in the "conventions" namespace (see config/urls.py)."""

from django.urls import path

from . import views

# "importer" comes before the CTG pages' <slug>: conventions.models.RESERVED_SLUGS keeps it free.
urlpatterns = [
    path("importer/", views.convention_import, name="import"),
    path("<slug:slug>/export.json", views.convention_export, name="export"),
    path("<slug:slug>/archive.zip", views.convention_archive, name="archive"),
]
