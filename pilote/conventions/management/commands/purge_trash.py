from django.core.management.base import BaseCommand

from pilote.conventions.trash import purge_expired


class Command(BaseCommand):
    help = (
        "Supprime définitivement, avec leurs fichiers, les éléments et les CTG restés dans la "
        "corbeille au-delà du délai (TRASH_RETENTION_DAYS, 30 jours par défaut)."
    )

    def handle(self, *args, **options):
        count = purge_expired()
        self.stdout.write(f"{count} élément(s) de la corbeille supprimé(s) définitivement.")
