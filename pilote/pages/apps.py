from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Pages that show several apps at once; no models."""

    name = "pilote.pages"
    verbose_name = "Pages de synthèse"
