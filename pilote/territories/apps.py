from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "pilote.territories"
    verbose_name = "Territoires"

    def ready(self) -> None:
        from pilote.core.versions import register_catalogue

        from .models import EPCI, Commune, Departement, Region

        # Names and populations shown on the pages of every CTG of the territory.
        for model in (Region, Departement, EPCI, Commune):
            register_catalogue(model)
