"""Bilans (reviews): prepare a draft, write its texts, close it — which freezes its content.

A draft's content is built live from the CTG each time it is shown or downloaded. Closing stores
the content (bilans.content.build_bilan) in `Review.snapshot`, together with what moved
since the previous closed bilan, so that the documents of a closed bilan are regenerated exactly as
they were, whatever happens to the plan afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.models import TrashItem, TrashKind
from pilote.conventions.trash import discard
from pilote.core.formats import french_number
from pilote.governance.bilans.content import build_bilan

from ..enums import ReviewKind, ReviewStatus
from ..exceptions import GovernanceError
from ..models import Meeting, Review

TEXT_FIELDS = ("summary", "highlights", "difficulties", "outlook")
MAX_TEXT = 20_000


@dataclass(frozen=True)
class ReviewData:
    kind: str
    year: int
    meeting_id: int | None = None


@dataclass(frozen=True)
class ReviewTexts:
    summary: str = ""
    highlights: str = ""
    difficulties: str = ""
    outlook: str = ""


def _check_can_edit(by, convention) -> None:
    if not can_edit_convention(by, convention):
        raise GovernanceError("Vous n'avez pas le droit de préparer les bilans de cette CTG.")


def _check_draft(review: Review) -> None:
    if review.is_closed:
        raise GovernanceError(
            f"Le {review} est figé depuis le {timezone.localtime(review.closed_at):%d/%m/%Y} : "
            "il ne peut plus être modifié."
        )


def _clean(convention, data: ReviewData) -> Meeting | None:
    if data.kind not in ReviewKind.values:
        raise GovernanceError("Choisissez le type de bilan.", field="kind")
    years = convention.years
    if data.year not in years:
        raise GovernanceError(
            f"L'année doit être dans la période de la CTG ({years[0]} à {years[-1]}).",
            field="year",
        )
    if data.meeting_id is None:
        return None
    meeting = Meeting.objects.filter(convention=convention, pk=data.meeting_id).first()
    if meeting is None:
        raise GovernanceError("Cette réunion n'appartient pas à la CTG.", field="meeting")
    return meeting


def create_review(convention, *, by, data: ReviewData) -> Review:
    """Start the draft of a bilan of this kind for this year."""
    _check_can_edit(by, convention)
    meeting = _clean(convention, data)
    review = Review(convention=convention, kind=data.kind, year=data.year, meeting=meeting)
    review._history_user = by
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        raise GovernanceError(
            f"Un {ReviewKind(data.kind).label.lower()} {data.year} existe déjà pour cette CTG.",
            field="year",
        ) from None
    return review


def _locked(review: Review) -> Review:
    """Return the review read again and locked: a stale copy must not overwrite a closed one."""
    fresh = Review.objects.select_for_update().select_related("convention").get(pk=review.pk)
    _check_draft(fresh)
    return fresh


def update_review(review: Review, *, by, texts: ReviewTexts, meeting_id: int | None) -> Review:
    """Change the texts written by the coordination and the meeting of a draft bilan."""
    _check_can_edit(by, review.convention)
    meeting = _clean(review.convention, ReviewData(review.kind, review.year, meeting_id))
    values = {}
    for name in TEXT_FIELDS:
        value = getattr(texts, name).strip()
        if len(value) > MAX_TEXT:
            raise GovernanceError(
                f"Ce texte dépasse {french_number(MAX_TEXT)} caractères : raccourcissez-le.",
                field=name,
            )
        values[name] = value
    with transaction.atomic():
        fresh = _locked(review)
        for target in (fresh, review):
            for name, value in values.items():
                setattr(target, name, value)
            target.meeting = meeting
        fresh._history_user = by
        fresh.save()
    return fresh


def delete_review(review: Review, *, by) -> TrashItem:
    """Move a draft bilan to the CTG's trash (a closed one is kept: it is what was presented)."""
    _check_can_edit(by, review.convention)
    with transaction.atomic():
        fresh = _locked(review)
        fresh._history_user = by
        return discard(
            fresh,
            convention=review.convention,
            user=by,
            kind=TrashKind.REVIEW,
            label=f"{review} en préparation",
        )


def previous_review(review: Review) -> Review | None:
    """Return the closed bilan this one is compared with: the latest closed before it."""
    closed = Review.objects.filter(
        convention_id=review.convention_id, status=ReviewStatus.CLOSED
    ).exclude(pk=review.pk)
    closed = closed.filter(year__lte=review.year)
    if review.is_closed:
        closed = closed.filter(closed_at__lt=review.closed_at)
    return closed.order_by("-closed_at", "-pk").first()


def review_texts(review: Review) -> dict:
    return {name: getattr(review, name) for name in TEXT_FIELDS}


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def review_content(review: Review) -> dict:
    """Return the content of a bilan: frozen if closed, built from the CTG now if a draft."""
    if review.is_closed and review.snapshot:
        return review.snapshot
    previous = previous_review(review)
    return build_bilan(
        review.convention,
        kind=review.kind,
        year=review.year,
        texts=review_texts(review),
        previous=previous.snapshot if previous else None,
    )


def close_review(review: Review, *, by) -> Review:
    """Freeze the bilan: its content, as of now, is stored and will not change any more."""
    _check_can_edit(by, review.convention)
    with transaction.atomic():
        fresh = _locked(review)
        now = timezone.now()
        previous = previous_review(fresh)
        snapshot = build_bilan(
            review.convention,
            kind=fresh.kind,
            year=fresh.year,
            texts=review_texts(fresh),
            previous=previous.snapshot if previous else None,
            status=ReviewStatus.CLOSED,
            closed_at=now,
            closed_by=_user_name(by),
            now=now,
        )
        for target in (fresh, review):
            target.snapshot = snapshot
            target.status = ReviewStatus.CLOSED
            target.closed_at = now
            target.closed_by = by
        fresh._history_user = by
        fresh.save()
    return fresh
