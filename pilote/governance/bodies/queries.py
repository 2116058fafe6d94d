"""Reads of the governance of a CTG shared by several pages."""

import datetime

from django.utils import timezone

from ..enums import BodyKind
from ..models import Meeting


def next_copil_date(convention, *, today: datetime.date | None = None) -> datetime.date | None:
    """Return the date of the next COPIL: the next planned meeting, else the CTG's own field."""
    today = today or timezone.localdate()
    planned = (
        Meeting.objects.filter(convention=convention, body__kind=BodyKind.COPIL, date__gte=today)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    if planned is not None:
        return planned
    field = convention.next_copil_date
    return field if field and field >= today else None
