from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilote.accounts.audit import purge
from pilote.core.formats import plural


class Command(BaseCommand):
    help = (
        "Supprime les événements du journal plus anciens que la durée de conservation "
        "(AUDIT_RETENTION_DAYS, 365 jours par défaut)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Durée de conservation en jours (par défaut : AUDIT_RETENTION_DAYS).",
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 1:
            raise CommandError("La durée de conservation doit être d’au moins un jour.")
        deleted = purge(days=days)
        kept = days if days is not None else settings.AUDIT_RETENTION_DAYS
        self.stdout.write(
            f"{plural(deleted, 'événement du journal supprimé', 'événements du journal supprimés')}"
            f" (conservation : {kept} jours)."
        )
