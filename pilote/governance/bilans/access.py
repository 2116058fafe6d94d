"""Fetch a bilan of a CTG for a page or a document."""

from __future__ import annotations

from django.http import Http404

from ..models import Review


def get_review(convention, pk: int) -> Review:
    """Return the bilan `pk` of this CTG (already checked for the user), or raise Http404."""
    review = (
        Review.objects.filter(convention=convention, pk=pk)
        .select_related("meeting__body", "closed_by")
        .first()
    )
    if review is None:
        raise Http404("Bilan introuvable.")
    review.convention = convention
    return review
