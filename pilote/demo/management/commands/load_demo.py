from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilote.demo.invitations import load_demo_invitations
from pilote.demo.services import DEMO_PASSWORD, load_demo_conventions, load_demo_users
from pilote.exchange.services import ExchangeError
from pilote.territories.models import Commune


class Command(BaseCommand):
    help = "Charge les trois CTG de démonstration et les comptes de démonstration."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="réimporte les CTG de démonstration existantes"
        )
        parser.add_argument(
            "--force", action="store_true", help="autorise le chargement quand DEBUG est désactivé"
        )

    def handle(self, *args, reset, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Les données de démonstration ne se chargent qu'en développement (DEBUG=1) "
                "ou avec --force."
            )
        if not Commune.objects.exists():
            raise CommandError(
                "Chargez d'abord les territoires : python manage.py load_territories"
            )
        try:
            loaded = load_demo_conventions(reset=reset)
        except ExchangeError as exc:
            raise CommandError(str(exc)) from exc
        for convention, created in loaded:
            state = "chargée" if created else "déjà présente"
            self.stdout.write(f"CTG {convention.slug} : {state}.")
        users = load_demo_users()
        load_demo_invitations()
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :"
            )
        )
        for user in users:
            self.stdout.write(f"  {user.username:<24} {user.description}")
        self.stdout.write("")
