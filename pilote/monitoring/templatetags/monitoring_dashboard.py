"""Template helpers of the dashboard, timeline and indicator pages (numbers: `load formats`)."""

from urllib.parse import urlencode

from django import template

register = template.Library()


@register.simple_tag
def filtered(base_url: str, param: str, value) -> str:
    """Return the follow-up table's URL filtered on one parameter."""
    return f"{base_url}?{urlencode({param: value})}"


@register.filter
def share(count: int, total: int) -> int:
    """Return count as a rounded percentage of total (0 when total is 0)."""
    return round(100 * count / total) if total else 0
