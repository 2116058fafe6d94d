from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilote.exchange.archive import read_archive
from pilote.exchange.services import ExchangeError, import_convention, loads


class Command(BaseCommand):
    help = (
        "Importe une CTG depuis un fichier JSON Pilote CTG ou une archive .zip produite par "
        "export_ctg --format archive (tout ou rien)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier JSON ou archive .zip produits par export_ctg")
        parser.add_argument("--slug", help="identifiant à donner à la CTG importée (copie)")

    def handle(self, *args, file, slug, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            if path.suffix.lower() == ".zip":
                with path.open("rb") as source:
                    data, files = read_archive(source)
                    convention = import_convention(data, slug=slug, files=files)
            else:
                if path.stat().st_size > settings.IMPORT_MAX_BYTES:
                    limit = settings.IMPORT_MAX_BYTES // 1_000_000
                    raise CommandError(f"Le fichier dépasse la taille maximale ({limit} Mo).")
                convention = import_convention(loads(path.read_bytes()), slug=slug)
        except ExchangeError as exc:
            raise CommandError(str(exc)) from exc
        count = convention.plan_nodes.count()
        self.stdout.write(
            f"CTG « {convention.name} » importée ({convention.slug}) : {count} éléments du plan."
        )
        for note in convention.import_notes:
            self.stdout.write(f"Attention : {note}")
