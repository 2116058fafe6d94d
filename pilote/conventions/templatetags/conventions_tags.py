"""Template helpers of the CTG pages, usable from the other apps' templates too."""

from django import template

from pilote.accounts.perms import (
    can_delete_convention,
    can_edit_convention,
    can_see_internal_notes,
    can_view_audit,
)
from pilote.core.formats import french_date

register = template.Library()


@register.simple_tag(takes_context=True)
def convention_access(context, convention) -> dict[str, bool]:
    """Return what the current user may do with the CTG: {"edit", "internal_notes", "audit"}."""
    user = context["request"].user
    return {
        "edit": can_edit_convention(user, convention),
        "delete": can_delete_convention(user, convention),
        "internal_notes": can_see_internal_notes(user, convention),
        "audit": can_view_audit(user, convention),
    }


@register.filter
def years_label(convention) -> str:
    """Return the CTG's length as people say it ("5 ans", "2 ans et demi", "8 mois")."""
    months = round(convention.duration_years * 12)
    years, rest = divmod(months, 12)
    if years == 0:
        return f"{rest} mois"
    label = f"{years} an{'s' if years > 1 else ''}"
    if rest == 6:
        return f"{label} et demi"
    if rest:
        return f"{label} et {rest} mois"
    return label


@register.filter
def long_date(value) -> str:
    """Return a date as French prose writes it: "1ᵉʳ janvier 2026", "31 décembre 2030"."""
    return french_date(value)
