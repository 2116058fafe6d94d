from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.conventions.models import Convention
from pilote.exchange.archive import write_archive
from pilote.exchange.services import ExchangeError, dumps, export_convention


class Command(BaseCommand):
    help = (
        "Exporte une CTG complète au format JSON Pilote CTG, ou en archive .zip (JSON, pièces "
        "jointes et manifeste avec sommes de contrôle)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant de la CTG, par exemple tarn-agout-2023-2026")
        parser.add_argument(
            "--format", default="json", choices=["json", "archive"], help="format de sortie"
        )
        parser.add_argument(
            "-o", "--output", help="fichier de sortie (par défaut : la sortie standard)"
        )

    def handle(self, *args, slug, output, **options):
        convention = Convention.objects.filter(slug=slug).first()
        if convention is None:
            raise CommandError(f"Aucune CTG d'identifiant « {slug} ».")
        if options["format"] == "archive":
            self._archive(convention, output)
            return
        text = dumps(export_convention(convention))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"CTG « {convention.name} » exportée dans {output}.")
        else:
            self.stdout.write(text, ending="")

    def _archive(self, convention, output):
        if not output:
            raise CommandError("Précisez le fichier de l'archive avec -o, par exemple -o ctg.zip.")
        path = Path(output)
        try:
            with path.open("wb") as target:
                write_archive(convention, target)
        except ExchangeError as exc:
            path.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"CTG « {convention.name} » archivée dans {output}.")
