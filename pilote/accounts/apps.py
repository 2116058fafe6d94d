from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pilote.accounts"
    verbose_name = "Comptes et rôles"
