from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "pilote.monitoring"
    verbose_name = "Suivi du plan"
