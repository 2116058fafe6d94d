from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pilote.reports"
    verbose_name = "Exports et bilans"
