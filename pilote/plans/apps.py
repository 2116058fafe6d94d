from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "pilote.plans"
    verbose_name = "Plans d'actions"

    def ready(self) -> None:
        from .levels import connect_signals

        connect_signals()
