import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.conventions.models import Convention
from pilote.imports.exceptions import ApplyError, DocumentError
from pilote.imports.extract import max_bytes
from pilote.imports.proposal import propose_plan
from pilote.imports.services import apply_proposal


class Command(BaseCommand):
    help = (
        "Propose le plan d'actions trouvé dans un document (DOCX, PDF, texte) et, sans "
        "--dry-run, l'enregistre dans une CTG dont le plan est vide."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="document Word (.docx), PDF avec texte, ou texte")
        parser.add_argument("--ctg", help="identifiant (slug) de la CTG où enregistrer le plan")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="afficher le plan proposé sans rien enregistrer",
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="présentation du plan proposé (arbre indenté ou JSON)",
        )

    def handle(self, *args, file, ctg, dry_run, format, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        limit = max_bytes()
        if path.stat().st_size > limit:
            raise CommandError(
                f"Le fichier dépasse la taille maximale ({limit // 1_000_000} Mo) : rien n'a "
                "été lu ni enregistré."
            )
        convention = None
        if not dry_run:
            if not ctg:
                raise CommandError(
                    "Rien n'a été enregistré. Ajoutez --dry-run pour afficher le plan proposé, "
                    "ou --ctg IDENTIFIANT pour l'enregistrer dans une CTG existante dont le plan "
                    "est vide. La création d'une nouvelle CTG à partir d'un document se fait "
                    "depuis l'écran de relecture de l'application."
                )
            convention = Convention.objects.filter(slug=ctg).first()
            if convention is None:
                raise CommandError(f"Aucune CTG n'a l'identifiant « {ctg} ».")
        try:
            proposal = propose_plan(path.read_bytes(), path.name)
        except DocumentError as error:
            raise CommandError(f"{error.message} Rien n'a été enregistré.") from error
        if dry_run:
            if format == "json":
                self.stdout.write(json.dumps(proposal.to_dict(), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(proposal.to_text(), ending="")
            return
        try:
            result = apply_proposal(convention, proposal.to_dict())
        except ApplyError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Plan importé dans « {convention.name} » : {result.created} éléments, niveaux "
            f"{' › '.join(result.levels)}."
        )
        for warning in [*proposal.warnings, *result.warnings]:
            self.stderr.write(f"Avertissement : {warning}")
