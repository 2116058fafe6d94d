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
    """Return the Q object selecting the conventions the user may see.

    One `pk IN (… UNION …)` over the user's roles: PostgreSQL plans it as a join and knows it
    yields a few CTGs, so that reads of follow-up points or elements follow the per-CTG
    indexes. Joins through the département's memberships needed a DISTINCT over every CTG of
    the instance; an OR of two subqueries made the planner expect half of them.
    """
    return _convention_ids(user)


def edited_conventions_filter(user) -> Q:
    """Return the Q object selecting the conventions the user edits (can_edit_convention)."""
    return _convention_ids(user, role=Role.COORDINATOR)


def _convention_ids(user, role: str | None = None) -> Q:
    """Return the Q selecting the CTGs of the user's roles (only `role` ones) and advised ones."""
    from .models import Membership

    roles = Membership.objects.filter(user=user, convention__isnull=False)
    if role is not None:
        roles = roles.filter(role=role)
    advised = Membership.objects.filter(
        user=user, role=Role.CAF_ADVISER, departement__conventions__isnull=False
    ).values("departement__conventions")
    return Q(pk__in=roles.values("convention_id").union(advised))


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


# Invitations and members ------------------------------------------------------------------------
#
# - A Caf adviser is invited for a département by a Caf adviser of that département or a
#   superuser (an administrator).
# - A chargé·e de coopération, référent·e or reader is invited for a CTG by its coordinator or
#   a Caf adviser of its département (or a superuser); a coordinator never invites a Caf adviser.
# - Roles of a CTG are changed or removed by the same people; nobody changes his or her own.
# - An account is suspended only by a Caf adviser of the CTG's département or a superuser, never
#   one's own account, never a superuser's.

CTG_ROLES = (Role.COORDINATOR, Role.REFERENT, Role.READER)


def is_caf_adviser_of(user, departement_id) -> bool:
    """Return True if the user is a Caf adviser of this département."""
    return any(
        m.role == Role.CAF_ADVISER and m.departement_id == departement_id
        for m in user.memberships.all()
    )


def can_invite(user, role: str, *, convention=None, departement=None) -> bool:
    """Return True if the user may invite someone with this role for this CTG or département."""
    if not user.is_authenticated or not user.is_active:
        return False
    if role == Role.CAF_ADVISER:
        if departement is None:
            return False
        return user.is_superuser or is_caf_adviser_of(user, departement.pk)
    if role not in CTG_ROLES or convention is None:
        return False
    return user.is_superuser or bool(
        _roles_for(user, convention) & {Role.CAF_ADVISER, Role.COORDINATOR}
    )


def invitable_roles(user, convention) -> list[str]:
    """Return the roles the user may invite for this CTG (Caf adviser: for its département)."""
    return [
        role
        for role in Role.values
        if can_invite(user, role, convention=convention, departement=convention.departement)
    ]


def can_manage_members(user, convention) -> bool:
    """Return True if the user may see the CTG's members page and manage its roles."""
    return bool(invitable_roles(user, convention))


def can_change_membership(user, membership, convention, new_role: str | None = None) -> bool:
    """Return True if the user may remove this role of the CTG (or change it to new_role)."""
    if membership.user_id == user.pk or membership.convention_id != convention.pk:
        return False
    if not can_invite(user, membership.role, convention=convention):
        return False
    return new_role is None or can_invite(user, new_role, convention=convention)


def can_suspend(user, target, convention) -> bool:
    """Return True if the user may suspend (or reactivate) the target's account from this CTG."""
    if not user.is_authenticated or target.pk == user.pk or target.is_superuser:
        return False
    return user.is_superuser or is_caf_adviser_of(user, convention.departement_id)


def can_view_audit(user, convention) -> bool:
    """Return True if the user may read the CTG's journal (its Caf adviser, its coordination)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool(_roles_for(user, convention) & {Role.CAF_ADVISER, Role.COORDINATOR})


def can_view_departement_audit(user, departement_code: str) -> bool:
    """Return True if the user may read the journal of a département (its Caf advisers)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(
        m.role == Role.CAF_ADVISER and m.departement_id == departement_code
        for m in user.memberships.all()
    )


def can_delete_convention(user, convention) -> bool:
    """Return True if the user may delete the whole CTG (its Caf adviser, a superuser)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Role.CAF_ADVISER in _roles_for(user, convention)
