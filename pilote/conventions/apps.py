from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "pilote.conventions"
    verbose_name = "Conventions territoriales globales"

    def ready(self) -> None:
        from pilote.accounts.models import Invitation, Membership

        from . import versioning
        from .models import Amendment, Convention, Signatory, TrashItem

        # Roles change the links and names a CTG's pages show; AuditEvent is left out: it is
        # written by reads (downloads) and shown by the journal only, which is not cached.
        versioning.register_all(
            [
                (Convention, ""),
                (Signatory, "convention"),
                (Amendment, "convention"),
                (TrashItem, "convention"),
                (Membership, "convention"),
                (Invitation, "convention"),
            ]
        )
