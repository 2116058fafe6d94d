"""The bilans of the demo CTGs: closed ones for the years already reviewed, a draft for the next.

Tarn-Agout (2023–2026) has its 2024 and 2025 annual bilans closed and its final bilan in
preparation; the Pays salonais (2025–2028) its 2025 bilan closed and the 2026 one in preparation;
Provence-Alpes-Agglomération, signed in 2026, its first annual bilan in preparation. Each closed
bilan is dated to the January after its year, when its COPIL would have met.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from pilote.conventions.models import Convention
from pilote.governance.bilans.services import (
    ReviewData,
    ReviewTexts,
    close_review,
    create_review,
    update_review,
)
from pilote.governance.enums import ReviewKind
from pilote.governance.models import Review

from .governance import demo_coordinator

TEXTS = {
    ReviewKind.ANNUAL: ReviewTexts(
        summary=(
            "L'année {year} a vu la plupart des actions prévues engagées par leurs pilotes. "
            "Le comité de pilotage a suivi le plan à chaque trimestre ; les actions en retard "
            "sont signalées dans le tableau des actions avec leurs difficultés."
        ),
        highlights="Mobilisation des partenaires autour des fiches actions prioritaires.",
        difficulties="Recrutements difficiles dans les structures d'accueil.",
        outlook="Poursuivre les actions engagées et préparer le bilan de l'année suivante.",
    ),
    ReviewKind.FINAL: ReviewTexts(
        summary=(
            "Au terme de la convention, le bilan final mesure le chemin parcouru depuis la "
            "signature et prépare le renouvellement : les actions non terminées sont proposées "
            "pour la prochaine CTG."
        ),
        outlook="Renouveler la convention en reprenant les actions non terminées.",
    ),
}
PLAN = {
    "tarn-agout-2023-2026": [
        (ReviewKind.ANNUAL, 2024, True),
        (ReviewKind.ANNUAL, 2025, True),
        (ReviewKind.FINAL, 2026, False),
    ],
    "pays-salonais-2025-2028": [(ReviewKind.ANNUAL, 2025, True), (ReviewKind.ANNUAL, 2026, False)],
    "provence-alpes-agglomeration-2026-2030": [(ReviewKind.ANNUAL, 2026, False)],
}


@dataclass
class ReviewsResult:
    convention: Convention
    closed: int = 0
    drafts: int = 0


def _texts(kind: str, year: int) -> ReviewTexts:
    texts = TEXTS.get(kind, TEXTS[ReviewKind.ANNUAL])
    return ReviewTexts(
        summary=texts.summary.format(year=year),
        highlights=texts.highlights,
        difficulties=texts.difficulties,
        outlook=texts.outlook,
    )


def generate_demo_reviews(*, today: datetime.date | None = None) -> list[ReviewsResult]:
    """Give the demo CTGs their bilans (skipped for a CTG that already has some)."""
    today = today or timezone.localdate()
    results = []
    for slug, reviews in PLAN.items():
        convention = Convention.objects.filter(slug=slug).select_related("departement").first()
        author = convention and demo_coordinator(convention)
        if author is None or Review.objects.filter(convention=convention).exists():
            continue
        result = ReviewsResult(convention)
        with transaction.atomic():
            for kind, year, closed in reviews:
                review = create_review(convention, by=author, data=ReviewData(kind, year))
                update_review(review, by=author, texts=_texts(kind, year), meeting_id=None)
                if not closed or datetime.date(year + 1, 1, 20) > today:
                    result.drafts += 1
                    continue
                review = close_review(review, by=author)
                # Dated to the COPIL of January, after the year it reviews.
                moment = timezone.make_aware(datetime.datetime(year + 1, 1, 20, 17, 0))
                review.closed_at = moment
                review.snapshot["closed_at"] = timezone.localtime(moment).isoformat(
                    timespec="seconds"
                )
                review.save(update_fields=["closed_at", "snapshot"])
                result.closed += 1
        results.append(result)
    return results
