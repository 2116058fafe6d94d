"""The links between a CTG and the CTGs before and after it (renewal), for its summary page."""

from django import template
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.models import Convention
from pilote.governance.renewal import renewal_due

register = template.Library()


@register.inclusion_tag("governance/includes/renewal_links.html", takes_context=True)
def renewal_links(context, convention: Convention) -> dict:
    """Return the CTGs before and after this one that the user may see, and the renewal offer.

    Editors are offered the renewal when the CTG ends within a year or has ended. One query: the
    linked CTGs, filtered by what the user may see.
    """
    user = context["request"].user
    linked = list(
        Convention.objects.filter(Q(pk=convention.renewed_from_id) | Q(renewed_from=convention))
        .annotate(visible=Exists(Convention.objects.visible_to(user).filter(pk=OuterRef("pk"))))
        .only("pk", "slug", "name", "start_date", "end_date", "renewed_from_id")
        .order_by("start_date", "pk")
    )
    previous = next((c for c in linked if c.pk == convention.renewed_from_id and c.visible), None)
    following = [c for c in linked if c.renewed_from_id == convention.pk]
    today = timezone.localdate()
    # A CTG already renewed is not offered again, even to those who cannot see the next one.
    can_renew = can_edit_convention(user, convention) and not following
    return {
        "convention": convention,
        "previous": previous,
        "following": [c for c in following if c.visible],
        "can_renew": can_renew,
        "renewal_due": renewal_due(convention, today=today),
        "ended": convention.end_date < today,
    }
