import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pilote.core.formats import french_number
from pilote.demo.national import NationalResult, generate_national_dataset
from pilote.territories.models import EPCI

COUNT_LABELS = [
    ("conventions", "CTG"),
    ("levels", "niveaux de plan"),
    ("plan_nodes", "éléments de plan"),
    ("actions", "actions suivies"),
    ("plan_links", "liens (thématiques, communes, pilotes, partenaires)"),
    ("updates", "points de suivi"),
    ("indicators", "indicateurs"),
    ("indicator_targets", "cibles annuelles"),
    ("measurements", "mesures"),
    ("facilities", "équipements et services"),
    ("users", "utilisateurs"),
    ("memberships", "rôles"),
]


def _number(value: float) -> str:
    return french_number(round(value))


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


class Command(BaseCommand):
    help = (
        "Génère un jeu de données national reproductible : une CTG par EPCI (1 255), leurs plans, "
        "leurs points de suivi trimestriels, leurs indicateurs, équipements, utilisateurs et rôles."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, required=True, help="graine du tirage")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="part des EPCI retenus, entre 0 et 1 (0,01 : environ 13 CTG ; défaut : 1)",
        )
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            default=None,
            help="dernier jour que le suivi atteint, AAAA-MM-JJ (défaut : aujourd'hui)",
        )
        parser.add_argument(
            "--force", action="store_true", help="autorise la génération quand DEBUG est désactivé"
        )

    def handle(self, *args, seed, scale, until, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Le jeu de données national ne se génère qu'en développement (DEBUG=1) ou avec "
                "--force."
            )
        if not 0 < scale <= 1:
            raise CommandError("--scale doit être compris entre 0 (exclu) et 1.")
        if not EPCI.objects.exists():
            raise CommandError(
                "Chargez d'abord les territoires : python manage.py load_territories"
            )
        self.verbosity = options.get("verbosity", 1)
        result = generate_national_dataset(
            seed=seed,
            scale=scale,
            until=until or timezone.localdate(),
            progress=self._progress if self.verbosity else None,
        )
        self._report(result)

    def _progress(self, done: int, total: int, result: NationalResult) -> None:
        """Write a progress line on stderr: redrawn on a terminal, every 5 % otherwise."""
        tty = self.stderr.isatty()
        step = max(1, total // 20)
        if not tty and done % step and done != total:
            return
        left = result.seconds / done * (total - done)
        line = (
            f"CTG {done}/{total} ({done / total:.0%}) – "
            f"{_number(result.counts['updates'])} points de suivi – "
            f"{_duration(result.seconds)} écoulées, reste environ {_duration(left)}"
        ).replace("%", "\u202f%")
        if tty:
            line = f"\r{line}\033[K" + ("\n" if done == total else "")
        self.stderr.write(line, style_func=str, ending="" if tty else "\n")
        self.stderr.flush()

    def _report(self, result: NationalResult) -> None:
        if result.skipped:
            self.stdout.write(
                f"{_number(result.skipped)} CTG déjà présentes, laissées telles quelles."
            )
        self.stdout.write(
            f"{_number(result.conventions)} CTG générées en {_duration(result.seconds)} :"
        )
        for key, label in COUNT_LABELS:
            self.stdout.write(f"  {_number(result.counts[key]):>12} {label}")
