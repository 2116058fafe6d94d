"""Routes of the plan's versions (avenants) and of the renewal, under /ctg/<slug>/."""

from django.urls import path

from . import views as views_versions

urlpatterns = [
    path("avenants-et-versions/", views_versions.versions, name="versions"),
    path("avenants-et-versions/figer/", views_versions.freeze_signed, name="freeze_signed"),
    path(
        "avenants-et-versions/avenant/<int:amendment_pk>/enregistrer/",
        views_versions.record_amendment,
        name="record_amendment",
    ),
    path("avenants-et-versions/comparer/", views_versions.compare, name="compare"),
    path("renouveler/", views_versions.renew, name="renew"),
]
