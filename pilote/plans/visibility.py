"""THE rule of internal items: who sees an internal plan element, follow-up point or attachment.

An element of the plan, a follow-up point (its comment is the coordinator's note) or an
attachment can be marked internal (« Interne »). It is then seen by the CTG's editors only — its
Caf adviser(s) and its chargé·e(s) de coopération, as the CTG's internal notes — and is absent
from every page, count, export, bilan, public page, partner link and reminder that anybody else
sees. An internal element's whole subtree is internal too (plans.services keeps the column so),
and so are its follow-up points, their attachments, its indicators and their measurements.

Every read that lists or counts these items for a person goes through this module: the
QuerySet helpers here and on the models (PlanNode.objects.visible_to(user, convention),
.public(), .shown(include_internal)); pilote.monitoring builds its own on the same rule
(monitoring.visibility). What the whole CTG's editors share with others — a bilan, the public
page, the open data, a partner link — never includes internal items, whoever makes it.
"""

from django.db.models import Q

from pilote.accounts.perms import can_see_internal_notes

from .tree import descendant_ids

INTERNAL_LABEL = "Interne"
INTERNAL_HELP = "Interne (visible seulement par la Caf et le·la chargé·e de coopération)"


def can_see_internal(user, convention) -> bool:
    """Return True if the user may see the CTG's internal items (its editors, a superuser)."""
    return can_see_internal_notes(user, convention)


def node_condition(include_internal: bool, prefix: str = "") -> Q:
    """Return the Q selecting the plan elements shown (prefix: the path to the element)."""
    if include_internal:
        return Q()
    return Q(**{f"{prefix}is_internal": False})


def indicator_condition(include_internal: bool, prefix: str = "") -> Q:
    """Return the Q selecting the indicators shown: the CTG's own ones and those of shown
    elements (prefix: the path to the indicator)."""
    if include_internal:
        return Q()
    return Q(**{f"{prefix}node__isnull": True}) | Q(**{f"{prefix}node__is_internal": False})


def unmark_warning(node) -> str:
    """Return what unticking « Interne » on this element shows to everyone, or "" (nothing more).

    Under an internal element every element is internal, and the subtree takes the element's
    marker (pilote.plans.internal): the editor is told before, on the fiche form.
    """
    below = len(descendant_ids(node)) if node.is_internal else 0
    if not below:
        return ""
    if below == 1:
        return (
            "Décocher rend aussi visible de tous son sous-élément, ses points de suivi et "
            "indicateurs."
        )
    return (
        f"Décocher rend aussi visibles de tous ses {below} sous-éléments, avec leurs points de "
        "suivi et indicateurs."
    )
