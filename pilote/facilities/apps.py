from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "pilote.facilities"
    verbose_name = "Équipements, petite enfance et couverture"
