from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "pilote.imports"
    verbose_name = "Import de documents"
