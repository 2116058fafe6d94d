"""Load the shipped COG (régions, départements, EPCI, communes) into the database."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pilote.core.formats import french_number
from pilote.territories.build import TerritoriesDataError, read_dataset
from pilote.territories.services import ModelReport, load_territories


class Command(BaseCommand):
    help = "Charge (ou met à jour) les régions, départements, EPCI et communes du COG."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=None,
            help="Fichier de données (par défaut : settings.TERRITORIES_DATA_FILE).",
        )

    def handle(self, *args, file: Path | None, verbosity: int, **options) -> None:
        started = time.monotonic()
        path = file or settings.TERRITORIES_DATA_FILE
        try:
            dataset = read_dataset(path)
        except TerritoriesDataError as e:
            raise CommandError(str(e)) from e
        report = load_territories(dataset)
        if verbosity < 1:
            return
        meta = report.meta
        self.stdout.write(
            f"{french_number(report.communes.total)} communes, "
            f"{french_number(report.epcis.total)} EPCI, "
            f"{french_number(report.departements.total)} départements, "
            f"{french_number(report.regions.total)} régions "
            f"(COG {meta.get('cog') or '?'}, {meta['source']['package']} "
            f"{meta['source']['version']}, populations municipales "
            f"{meta['population_millesimes']['communes']}, EPCI "
            f"{meta['population_millesimes']['epci']})."
        )
        for label, model_report in (
            ("Régions", report.regions),
            ("Départements", report.departements),
            ("EPCI", report.epcis),
            ("Communes", report.communes),
        ):
            if model_report.changed or model_report.kept:
                self.stdout.write(f"{label} : {_describe(model_report)}.")
        if report.communes.kept or report.epcis.kept:
            self.stdout.write(
                self.style.WARNING(
                    "Absents du COG mais conservés car encore référencés (marqués « hors COG ») : "
                    + ", ".join(report.epcis.kept + report.communes.kept)
                )
            )
        if not report.changed:
            self.stdout.write("Aucun changement : la base était déjà à jour.")
        self.stdout.write(f"Durée : {time.monotonic() - started:.1f} s.")


def _describe(report: ModelReport) -> str:
    parts = [
        _count(report.created, "ajout", "ajouts"),
        _count(report.updated, "mise à jour", "mises à jour"),
        _count(report.deleted, "suppression", "suppressions"),
    ]
    if report.kept:
        parts.append(_count(len(report.kept), "conservé hors COG", "conservés hors COG"))
    return ", ".join(parts)


def _count(value: int, singular: str, plural: str) -> str:
    return f"{french_number(value)} {singular if value <= 1 else plural}"
