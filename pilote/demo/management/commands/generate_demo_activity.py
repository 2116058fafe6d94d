from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilote.conventions.models import Convention
from pilote.demo.activity import DEFAULT_SEED, generate_activity
from pilote.demo.governance import generate_demo_governance
from pilote.demo.reviews import generate_demo_reviews
from pilote.demo.services import DEMO_SLUGS
from pilote.demo.versions import generate_demo_versions
from pilote.governance.exceptions import GovernanceError


class Command(BaseCommand):
    help = (
        "Génère un suivi crédible et reproductible (points de suivi trimestriels 2025–2026, "
        "mesures d'indicateurs), leur gouvernance (instances, réunions, décisions), un avenant "
        "et des bilans pour les trois CTG de démonstration."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="graine du tirage (défaut : %(default)s)"
        )
        parser.add_argument(
            "--reset", action="store_true", help="efface et régénère le suivi déjà généré"
        )
        parser.add_argument(
            "--force", action="store_true", help="autorise la génération quand DEBUG est désactivé"
        )

    def handle(self, *args, seed, reset, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Le suivi de démonstration ne se génère qu'en développement (DEBUG=1) ou avec "
                "--force."
            )
        if not Convention.objects.filter(slug__in=DEMO_SLUGS).exists():
            raise CommandError(
                "Chargez d'abord les CTG de démonstration : python manage.py load_demo"
            )
        for result in generate_activity(seed=seed, reset=reset):
            if result.created:
                self.stdout.write(
                    f"CTG {result.convention.slug} : {result.updates} points de suivi et "
                    f"{result.measurements} mesures générés."
                )
            else:
                self.stdout.write(
                    f"CTG {result.convention.slug} : suivi déjà présent, rien d'ajouté "
                    "(--reset pour le régénérer)."
                )
        self._governance()

    def _governance(self) -> None:
        """Give the demo CTGs their instances, an avenant and their bilans (once each)."""
        for result in generate_demo_governance():
            if result.created:
                self.stdout.write(
                    f"CTG {result.convention.slug} : {result.bodies} instances et "
                    f"{result.meetings} réunions créées."
                )
        try:
            versions = generate_demo_versions()
        except GovernanceError as error:  # the demo accounts are not loaded
            self.stdout.write(f"Avenant de démonstration non enregistré : {error}")
            return
        if versions.created:
            self.stdout.write(
                f"CTG {versions.convention.slug} : avenant enregistré ({versions.summary})."
            )
        for result in generate_demo_reviews():
            self.stdout.write(
                f"CTG {result.convention.slug} : {result.closed} bilan(s) figé(s), "
                f"{result.drafts} en préparation."
            )
