from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "pilote.facilities"
    verbose_name = "Équipements, petite enfance et couverture"

    def ready(self) -> None:
        from .territory import connect_signals

        connect_signals()
