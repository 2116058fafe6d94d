from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pilote.accounts"
    verbose_name = "Comptes et rôles"

    def ready(self) -> None:
        from pilote.core.versions import register_catalogue

        from . import audit_signals, sessions  # noqa: F401 (connect the receivers)
        from .models import Organisation, User

        # Names shown on every CTG's pages (pilots, authors); last_login and the password are not.
        register_catalogue(User, fields=["username", "first_name", "last_name", "email"])
        register_catalogue(Organisation)
