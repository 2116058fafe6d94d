from django.core.management.base import BaseCommand

from pilote.core.upload_session import purge_expired


class Command(BaseCommand):
    help = "Supprime les imports en attente de confirmation dont le délai est dépassé (24 h)."

    def handle(self, *args, **options):
        deleted = purge_expired()
        self.stdout.write(f"{deleted} import(s) en attente supprimé(s).")
