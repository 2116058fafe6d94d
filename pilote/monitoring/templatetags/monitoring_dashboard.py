"""Template helpers of the dashboard, timeline and indicator pages."""

from urllib.parse import urlencode

from django import template

from pilote.monitoring.charts import number

register = template.Library()


@register.filter
def fr_number(value) -> str:
    """Return a number as French text ("1 234,5"), or "–" when empty."""
    return number(value)


@register.simple_tag
def filtered(base_url: str, param: str, value) -> str:
    """Return the follow-up table's URL filtered on one parameter."""
    return f"{base_url}?{urlencode({param: value})}"


@register.filter
def share(count: int, total: int) -> int:
    """Return count as a rounded percentage of total (0 when total is 0)."""
    return round(100 * count / total) if total else 0
