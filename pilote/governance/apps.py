from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "pilote.governance"
    verbose_name = "Gouvernance et bilans"
