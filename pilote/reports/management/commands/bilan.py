"""Write the document of a bilan: `python manage.py bilan <slug> --type annuel --year 2025
--format pdf -o bilan.pdf`.

A closed bilan is written from its frozen content, exactly as it was presented; without one, the
bilan is built from the CTG as it stands now (a working document), compared with the latest
closed bilan.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.conventions.models import Convention
from pilote.core.formats import french_number
from pilote.governance.bilans.formats import FORMATS
from pilote.governance.bilans.services import review_content
from pilote.governance.enums import ReviewKind, ReviewStatus
from pilote.governance.models import Review
from pilote.reports.bilans.documents import render_bilan


class Command(BaseCommand):
    # No system checks: they import every view (URL configuration) for nothing here.
    requires_system_checks = []
    help = "Écrit le bilan d'une CTG (annuel, intermédiaire ou final) en PDF, DOCX, ODT ou PPTX."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="identifiant de la CTG")
        parser.add_argument(
            "--type", dest="kind", required=True, choices=ReviewKind.values, help="type de bilan"
        )
        parser.add_argument("--year", type=int, required=True, help="année du bilan")
        parser.add_argument(
            "--format", dest="fmt", default="pdf", choices=sorted(FORMATS), help="format"
        )
        parser.add_argument("-o", "--output", required=True, help="fichier à écrire")

    def handle(self, *args, slug: str, kind: str, year: int, fmt: str, output: str, **options):
        convention = Convention.objects.filter(slug=slug).first()
        if convention is None:
            raise CommandError(f"Aucune CTG n'a l'identifiant « {slug} ».")
        if year not in convention.years:
            years = convention.years
            raise CommandError(
                f"L'année {year} n'est pas dans la période de la CTG ({years[0]} à {years[-1]})."
            )
        review = Review.objects.filter(convention=convention, kind=kind, year=year).first()
        if review is None:
            # Not saved: a working document, compared with the latest closed bilan.
            review = Review(convention=convention, kind=kind, year=year)
        content = review_content(review)
        data = render_bilan(content, fmt)
        path = Path(output)
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire {path} : {error.strerror}.") from None
        state = (
            "figé" if review.status == ReviewStatus.CLOSED else "non figé, état de la CTG ce jour"
        )
        size = french_number(len(data))
        self.stdout.write(f"{content['title']} ({state}) : {path} ({size} octets)")
