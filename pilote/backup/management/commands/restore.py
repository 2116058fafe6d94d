import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.backup.services import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde écrite par « backup » : toutes les tables et les pièces jointes, "
        "en une fois (en cas d'échec, la base et les fichiers restent tels quels)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier écrit par « python manage.py backup »")
        parser.add_argument(
            "--force",
            action="store_true",
            help="remplacer le contenu d'une base qui n'est pas vide (il est alors perdu)",
        )

    def handle(self, *args, file, force, **options):
        started = time.monotonic()
        try:
            summary = restore_backup(Path(file), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Sauvegarde {file} restaurée : {summary.rows} lignes dans {summary.tables} tables, "
            f"{summary.files} fichier(s) joint(s), en {time.monotonic() - started:.1f} s."
        )
