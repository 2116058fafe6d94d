"""Publish a CTG's public page (/public/<slug>/) or take it down: explicit and reversible.

What the public page shows is listed here once, for the confirmation page and for the reader of
the code: pilote.pages.public builds the page from these parts only.

Budgets stay out. They are public money, and the signed convention that carries them is a public
document; but a BudgetLine mixes amounts voted with amounts still being negotiated between
funders, and no field says which ones may be published. Publishing them needs such a field
first (a public flag per line, or per CTG), not a guess.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pilote.accounts.perms import can_edit_convention

from .models import Convention
from .services import ConventionError

# What a published page shows, worded for the confirmation page.
PUBLIC_CONTENT = (
    "le nom de la CTG, sa période et son statut ;",
    "le territoire : l’EPCI, la liste des communes et leur population ;",
    "les organisations signataires (leur nom seulement) ;",
    "le plan d’actions : niveaux, numéros, intitulés et périodes prévues ;",
    "pour chaque action suivie, son dernier statut et son avancement (en %) ;",
    "l’avancement par axe et l’avancement d’ensemble ;",
    "les indicateurs de la CTG : dernière valeur, valeur de référence et cibles ;",
    "la date de la dernière mise à jour du suivi.",
)
# What it never shows, whatever the CTG holds.
PRIVATE_CONTENT = (
    "les notes internes ;",
    "les textes des points de suivi (ce qui a été fait, difficultés, prochaines étapes), "
    "qui peuvent nommer des personnes ;",
    "les noms, fonctions et courriels des personnes : représentant·es des signataires, membres "
    "des instances, auteurs des points de suivi et des mesures ;",
    "les commentaires et sources des mesures d’indicateurs ;",
    "les budgets (aucun champ ne dit qu’une ligne budgétaire peut être publiée) ;",
    "la présentation de la CTG et les objectifs, descriptions, publics, pilotes et partenaires "
    "des fiches actions : des textes libres, qui peuvent nommer des personnes ;",
    "les instances, réunions, comptes rendus, décisions et bilans ;",
    "les équipements, le diagnostic et le volet petite enfance.",
)


def publish(convention: Convention, *, by) -> Convention:
    """Publish the CTG's public page and record when; raise ConventionError if refused."""
    return _set_public(convention, by=by, public=True)


def unpublish(convention: Convention, *, by) -> Convention:
    """Take the CTG's public page down (it answers 404 again); raise ConventionError if refused."""
    return _set_public(convention, by=by, public=False)


def _set_public(convention: Convention, *, by, public: bool) -> Convention:
    if not can_edit_convention(by, convention):
        raise ConventionError("Vous n'avez pas le droit de publier ni de retirer cette CTG.")
    with transaction.atomic():
        # Lock the row: two editors clicking at once must not both succeed.
        current = Convention.objects.select_for_update().get(pk=convention.pk)
        if current.is_public == public:
            raise ConventionError(
                "La page publique de cette CTG est déjà publiée."
                if public
                else "La page publique de cette CTG n'est pas publiée."
            )
        current.is_public = public
        # published_at follows is_public; the history keeps every publication and withdrawal.
        current.published_at = timezone.now() if public else None
        current._history_user = by
        # update_fields: the CTG's own "updated_at" must not move when only its page does.
        current.save(update_fields=["is_public", "published_at"])
    convention.is_public = current.is_public
    convention.published_at = current.published_at
    return convention
