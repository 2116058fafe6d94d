"""Public pages of the published CTGs, mounted under /public/ (see config/urls.py); no login."""

from django.urls import path

from . import views_public

app_name = "public"

urlpatterns = [
    path("", views_public.public_index, name="index"),
    # Before the CTG pages: the slug is reserved (conventions.models.RESERVED_SLUGS).
    path("donnees-personnelles/", views_public.privacy, name="privacy"),
    path("<slug:slug>/", views_public.public_convention, name="convention"),
]
