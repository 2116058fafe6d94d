from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "pilote.territories"
    verbose_name = "Territoires"
