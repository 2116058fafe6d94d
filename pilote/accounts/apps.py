from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pilote.accounts"
    verbose_name = "Comptes et rôles"

    def ready(self) -> None:
        from . import audit_signals, sessions  # noqa: F401 (connect the receivers)
