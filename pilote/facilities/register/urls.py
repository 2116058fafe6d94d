"""URLs of the facilities register, mounted at /ctg/<slug>/ by pilote.facilities.urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("equipements/", views.register, name="register"),
    path("equipements/ajouter/", views.facility_add, name="facility_add"),
    path("equipements/<int:pk>/modifier/", views.facility_edit, name="facility_edit"),
    path("equipements/<int:pk>/supprimer/", views.facility_delete, name="facility_delete"),
    path("equipements/importer/", views.register_import, name="register_import"),
    path("equipements/modele.xlsx", views.register_template, name="register_template"),
    path("equipements/export/", views.register_export, name="register_export"),
]
