from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pilote.core"
    verbose_name = "Socle"
