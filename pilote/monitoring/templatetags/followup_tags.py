"""Template filters of the follow-up pages."""

from django import template

from pilote.monitoring.followup import STATUS_BADGES
from pilote.monitoring.services import human_size

register = template.Library()


@register.filter
def status_badge(status: str) -> str:
    """Return the DSFR badge class of an update status."""
    return STATUS_BADGES.get(status, "")


@register.filter
def file_size(size: int) -> str:
    """Return a file size in French units ("2,5 Ko")."""
    return human_size(size)
