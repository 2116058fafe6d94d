"""import_plan: read a plan file as the browser does, print the proposal and its notes, save it."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.conventions.models import Convention
from pilote.imports.exceptions import ApplyError, DocumentError
from pilote.imports.extract import max_bytes
from pilote.imports.merge import apply_merge
from pilote.imports.reading import notes, read_plan_file
from pilote.imports.review import walk, without_ids
from pilote.imports.services import apply_proposal
from pilote.imports.summary import proposal_text


class Command(BaseCommand):
    help = (
        "Lit un plan d'actions (tableur XLSX, ODS ou CSV ; document DOCX, PDF, texte) comme "
        "l'écran d'import, affiche le plan proposé et ses avertissements et, sans --dry-run, "
        "l'enregistre dans la CTG indiquée."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="[ctg] fichier",
            help="identifiant (slug) de la CTG (facultatif), puis le fichier : .xlsx, .ods, "
            ".csv, .docx, .odt, .pdf, .txt ou .md",
        )
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

    def handle(self, *args, paths, ctg, dry_run, format, **options):
        if len(paths) > 2:
            raise CommandError("Indiquez au plus la CTG puis le fichier : rien n'a été lu.")
        if len(paths) == 2:
            if ctg and ctg != paths[0]:
                raise CommandError(
                    f"Deux CTG indiquées (« {paths[0]} » et --ctg « {ctg} ») : rien n'a été lu."
                )
            ctg = paths[0]
        path = Path(paths[-1])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        limit = max_bytes()
        if path.stat().st_size > limit:
            raise CommandError(
                f"Le fichier dépasse la taille maximale ({limit // 1_000_000} Mo) : rien n'a "
                "été lu ni enregistré."
            )
        convention = None
        if ctg:
            convention = Convention.objects.filter(slug=ctg).first()
            if convention is None:
                raise CommandError(f"Aucune CTG n'a l'identifiant « {ctg} ».")
        elif not dry_run:
            raise CommandError(
                "Rien n'a été enregistré. Ajoutez --dry-run pour afficher le plan proposé, "
                "ou indiquez la CTG (import_plan IDENTIFIANT fichier) pour l'enregistrer. La "
                "création d'une nouvelle CTG à partir d'un fichier se fait depuis l'écran de "
                "relecture de l'application."
            )
        try:
            read = read_plan_file(convention, path.read_bytes(), path.name)
        except DocumentError as error:
            raise CommandError(f"{error.message} Rien n'a été enregistré.") from error
        if read.proposal is None:
            for problem in read.report.errors:
                self.stderr.write(f"Erreur : {problem}")
            count = read.report.error_count
            raise CommandError(
                f"Le tableur contient {count} erreur{'s' if count > 1 else ''} : rien n'a été "
                "enregistré. Corrigez-le puis relancez la commande."
            )
        found = notes(convention, read.kind, read.proposal)
        if dry_run:
            self._show(read, found, format)
            return
        if found.problems:
            raise CommandError("Rien n'a été enregistré : " + " ".join(found.problems[:5]))
        self._save(convention, read.kind, without_ids(read.proposal), found)

    def _show(self, read, found, format: str) -> None:
        if format == "json":
            data = without_ids(read.proposal)
            for item in walk(data["plan"]):
                item.pop("source", None)  # the export's node shape
            data["notes"] = found.lines()
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(proposal_text(read.proposal, merge=found.merge), ending="")
        lines = found.lines()
        if lines:
            self.stdout.write("\nAvant l'enregistrement :")
            for line in lines:
                self.stdout.write(f"- {line}")

    def _save(self, convention, kind: str, proposal: dict, found) -> None:
        try:
            if kind == "document":
                result = apply_proposal(convention, proposal)
                done = f"{result.created} éléments créés"
            else:
                result = apply_merge(convention, proposal)
                done = (
                    f"{result.created} éléments créés, {result.updated} mis à jour, "
                    f"{result.unchanged} inchangés"
                )
        except ApplyError as error:
            raise CommandError(error.message) from error
        levels = " › ".join(convention.levels.order_by("position").values_list("name", flat=True))
        self.stdout.write(f"Plan importé dans « {convention.name} » : {done}, niveaux {levels}.")
        for line in found.lines():  # no problem is left: they stop the saving
            self.stderr.write(f"Avertissement : {line}")
