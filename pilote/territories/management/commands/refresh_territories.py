"""Rebuild the shipped COG file from a release of `@etalab/decoupage-administratif`."""

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pilote.core.formats import french_number
from pilote.territories.build import (
    PACKAGE_NAME,
    PopulationMillesimes,
    TerritoriesDataError,
    build_dataset,
    compare_datasets,
    fetch_package,
    find_package_dir,
    package_version,
    read_dataset,
    write_dataset,
)

LISTED_CODES = 30


class Command(BaseCommand):
    help = (
        f"Reconstruit le fichier des territoires à partir du paquet npm {PACKAGE_NAME} "
        "(téléchargé avec npm, ou déjà décompressé) et affiche les changements. "
        "Ne charge rien en base : lancez ensuite load_territories."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        # --version names the package release here, instead of printing Django's version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--version", dest="release", metavar="X.Y.Z", help="Version du paquet à télécharger."
        )
        source.add_argument("--source", type=Path, help="Dossier du paquet déjà décompressé.")
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Fichier à écrire (par défaut : settings.TERRITORIES_DATA_FILE).",
        )
        parser.add_argument(
            "--millesime-communes",
            type=int,
            help="Année des populations de communes.json, pour une version non répertoriée.",
        )
        parser.add_argument(
            "--millesime-epci",
            type=int,
            help="Année des populations d'epci.json, pour une version non répertoriée.",
        )
        parser.add_argument("--cog", type=int, help="Année du COG, si le README ne la donne pas.")

    def handle(
        self,
        *args,
        release: str | None,
        source: Path | None,
        output: Path | None,
        millesime_communes: int | None,
        millesime_epci: int | None,
        cog: int | None,
        **options,
    ) -> None:
        if (millesime_communes is None) != (millesime_epci is None):
            raise CommandError("Indiquez à la fois --millesime-communes et --millesime-epci.")
        millesimes = None
        if millesime_communes is not None:
            millesimes = PopulationMillesimes.for_unknown_release(
                communes=millesime_communes, epci=millesime_epci
            )
        output = output or settings.TERRITORIES_DATA_FILE
        try:
            with tempfile.TemporaryDirectory(prefix="cog-") as tmp:
                if release:
                    package_dir = fetch_package(release, Path(tmp))
                    self.stdout.write(f"Paquet téléchargé : {PACKAGE_NAME}@{release}.")
                    if package_version(package_dir) != release:
                        raise TerritoriesDataError(
                            f"npm a fourni la version {package_version(package_dir)} "
                            f"au lieu de {release}."
                        )
                else:
                    package_dir = find_package_dir(source)
                dataset = build_dataset(package_dir, millesimes=millesimes, cog=cog)
            previous = self._previous(output)
            write_dataset(dataset, output)
        except TerritoriesDataError as e:
            raise CommandError(str(e)) from e

        self.stdout.write(f"Fichier écrit : {output} ({output.stat().st_size // 1024} Ko).")
        self._describe(previous, dataset)
        self.stdout.write("Pour charger ces données en base : manage.py load_territories.")

    def _previous(self, path: Path) -> dict[str, Any] | None:
        if not path.exists():
            return None
        try:
            return read_dataset(path)
        except TerritoriesDataError as e:
            self.stderr.write(f"Ancien fichier ignoré : {e}")
            return None

    def _describe(self, previous: dict[str, Any] | None, dataset: dict[str, Any]) -> None:
        meta = dataset["meta"]
        millesimes = meta["population_millesimes"]
        before = (
            f"{previous['meta']['source']['version']} (COG {previous['meta']['cog'] or '?'})"
            if previous
            else "aucun fichier"
        )
        self.stdout.write(
            f"Version : {before} → {meta['source']['version']} (COG {meta['cog'] or '?'}), "
            f"populations municipales {millesimes['communes']}, EPCI {millesimes['epci']}."
        )
        if previous == dataset:
            self.stdout.write("Aucun changement dans les données.")
            return
        changes = compare_datasets(previous, dataset)
        for key, label in (("communes", "Communes"), ("epci", "EPCI")):
            c = changes[key]
            line = (
                f"{label} : {french_number(c['count'])} "
                f"(+{french_number(len(c['added']))} ajout(s), "
                f"−{french_number(len(c['removed']))} retrait(s), "
                f"{french_number(len(c['renamed']))} renommage(s), "
                f"{french_number(c['populations_changed'])} population(s) modifiée(s)"
            )
            if "epci_changed" in c:
                line += f", {french_number(c['epci_changed'])} changement(s) d'EPCI"
            self.stdout.write(line + ").")
            for verb, codes in (("ajoutés", c["added"]), ("retirés", c["removed"])):
                if codes and previous:
                    listed = ", ".join(codes[:LISTED_CODES])
                    more = f" … (+{len(codes) - LISTED_CODES})" if len(codes) > LISTED_CODES else ""
                    self.stdout.write(f"  Codes {verb} : {listed}{more}")
