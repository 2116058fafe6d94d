from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "pilote.demo"
    verbose_name = "Données de démonstration"
