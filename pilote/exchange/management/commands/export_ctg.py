from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.conventions.models import Convention
from pilote.exchange.services import dumps, export_convention


class Command(BaseCommand):
    help = "Exporte une CTG complète (convention et plan) au format JSON Pilote CTG."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant de la CTG, par exemple tarn-agout-2023-2026")
        parser.add_argument("--format", default="json", choices=["json"], help="format de sortie")
        parser.add_argument(
            "-o", "--output", help="fichier de sortie (par défaut : la sortie standard)"
        )

    def handle(self, *args, slug, output, **options):
        convention = Convention.objects.filter(slug=slug).first()
        if convention is None:
            raise CommandError(f"Aucune CTG d'identifiant « {slug} ».")
        text = dumps(export_convention(convention))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"CTG « {convention.name} » exportée dans {output}.")
        else:
            self.stdout.write(text, ending="")
