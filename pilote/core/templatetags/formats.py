"""Template filters over pilote.core.formats: `{% load formats %}` then `{{ value|fr_number }}`."""

from django import template

from pilote.core import formats

register = template.Library()


@register.filter
def fr_number(value, decimals=None) -> str:
    """Return a number as French text ("1 234,5"), or "–" when empty; `|fr_number:1` rounds."""
    return formats.french_number(value, decimals=decimals, empty=formats.DASH)


@register.filter
def fr_percent(value, decimals=None) -> str:
    """Return "54 %", or "–" when empty."""
    return formats.french_percent(value, decimals=decimals)


@register.filter
def fr_euros(value, decimals=None) -> str:
    """Return "12 500 €", or "–" when empty."""
    return formats.french_euros(value, decimals=decimals, empty=formats.DASH)


@register.filter
def fr_date(value) -> str:
    """Return "1ᵉʳ janvier 2026", or "" when empty."""
    return formats.french_date(value)
