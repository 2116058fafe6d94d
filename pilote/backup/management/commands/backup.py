import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.backup.services import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Sauvegarde toute l'instance (toutes les tables, comptes et historique compris, et les "
        "pièces jointes) dans un seul fichier zip, restaurable sur SQLite ou PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="fichier de sauvegarde à écrire")

    def handle(self, *args, output, **options):
        started = time.monotonic()
        try:
            summary = create_backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Sauvegarde écrite dans {output} : {summary.rows} lignes dans {summary.tables} "
            f"tables, {summary.files} fichier(s) joint(s) ({summary.bytes} octets), en "
            f"{time.monotonic() - started:.1f} s."
        )
