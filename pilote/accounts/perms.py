"""Who may see and change what. Every view and query goes through these helpers.

- Caf adviser: sees and edits every CTG of his or her département.
- Chargé·e de coopération: sees and edits his or her CTG(s), internal notes included.
- Référent·e (commune or partner) and reader: see their CTG(s), without the internal notes;
  they change nothing in the convention or the plan.
- Superuser: everything.
"""

from django.db.models import Q

from .enums import Role

EDITOR_ROLES = {Role.COORDINATOR}


def visible_conventions_filter(user) -> Q:
    """Return the Q object selecting the conventions the user may see."""
    return Q(memberships__user=user) | Q(
        departement__membership__user=user, departement__membership__role=Role.CAF_ADVISER
    )


def _roles_for(user, convention) -> set[str]:
    cache = getattr(user, "_pilote_roles", None)
    if cache is None:
        cache = {}
        user._pilote_roles = cache
    if convention.pk not in cache:
        roles = set()
        for membership in user.memberships.all():
            if membership.role == Role.CAF_ADVISER:
                if membership.departement_id == convention.departement_id:
                    roles.add(Role.CAF_ADVISER)
            elif membership.convention_id == convention.pk:
                roles.add(membership.role)
        cache[convention.pk] = roles
    return cache[convention.pk]


def can_view_convention(user, convention) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(_roles_for(user, convention))


def can_edit_convention(user, convention) -> bool:
    """Return True if the user may change the CTG and its plan."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool(_roles_for(user, convention) & {Role.CAF_ADVISER, Role.COORDINATOR})


def can_see_internal_notes(user, convention) -> bool:
    return can_edit_convention(user, convention)


def can_create_convention(user) -> bool:
    """Return True if the user may create a CTG (a Caf adviser, for his or her département)."""
    if user.is_superuser:
        return True
    return user.memberships.filter(role=Role.CAF_ADVISER).exists()


def creatable_departements(user):
    """Return the départements in which the user may create a CTG."""
    from pilote.territories.models import Departement

    if user.is_superuser:
        return Departement.objects.all()
    return Departement.objects.filter(
        membership__user=user, membership__role=Role.CAF_ADVISER
    ).distinct()


def can_delete_convention(user, convention) -> bool:
    """Return True if the user may delete the whole CTG (its Caf adviser, a superuser)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Role.CAF_ADVISER in _roles_for(user, convention)
