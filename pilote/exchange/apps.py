from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "pilote.exchange"
    verbose_name = "Échange JSON des CTG"
