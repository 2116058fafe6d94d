"""Who may record updates on which actions.

- Superuser, Caf adviser of the CTG's département, chargé·e de coopération of the CTG: every action.
- Référent·e: the actions piloted by the organisation of his or her membership in the CTG; an
  action without pilots of its own is piloted by those of its nearest ancestor that has some (real
  plans name the pilots on the fiche action, above its actions).
- Reader (and a référent·e without an organisation): none.
- An internal action (pilote.plans.visibility): the editors only.
The same rule decides who records a measurement of an action's indicator (can_measure).
Reading the follow-up needs only to see the CTG (pilote.accounts.perms.can_view_convention).
"""

from dataclasses import dataclass

from pilote.accounts.enums import Role
from pilote.accounts.perms import can_edit_convention
from pilote.plans.models import PlanNode


@dataclass(frozen=True)
class UpdateScope:
    """The actions of one CTG a user may update: all of them, or those of some pilots."""

    all_actions: bool = False
    organisation_ids: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return self.all_actions or bool(self.organisation_ids)

    def allows(self, pilot_ids: set[int] | frozenset[int] | list[int]) -> bool:
        """Return True if an action with these pilots' organisation ids may be updated."""
        return self.all_actions or not self.organisation_ids.isdisjoint(pilot_ids)


def update_scope(user, convention) -> UpdateScope:
    """Return which actions of the CTG the user may update (no query per action)."""
    if not user.is_authenticated:
        return UpdateScope()
    if can_edit_convention(user, convention):
        return UpdateScope(all_actions=True)
    organisations = frozenset(
        membership.organisation_id
        for membership in user.memberships.all()
        if membership.role == Role.REFERENT
        and membership.convention_id == convention.pk
        and membership.organisation_id is not None
    )
    return UpdateScope(organisation_ids=organisations)


def can_update_action(user, node) -> bool:
    """Return True if the user may record an update on this action."""
    scope = update_scope(user, node.convention)
    if scope.all_actions:
        return True
    if not scope or node.is_internal:  # an internal action is the editors' alone
        return False
    return scope.allows(effective_pilot_ids(node))


def can_measure(user, indicator, convention) -> bool:
    """Return True if the user may record a measurement of this indicator.

    Editors measure every indicator; a référent·e those of the actions his or her organisation
    pilots (a CTG-wide indicator, without an action, is the editors' alone).
    """
    if can_edit_convention(user, convention):
        return True
    if indicator.node_id is None:
        return False
    indicator.node.convention = convention  # already read: no query for it
    return can_update_action(user, indicator.node)


def effective_pilot_ids(node) -> set[int]:
    """Return the organisations piloting an action: its own, else its nearest ancestor's."""
    own = {pilot.pk for pilot in node.pilots.all()}
    if own or node.parent_id is None:
        return own
    parents = dict(
        PlanNode.objects.filter(convention_id=node.convention_id).values_list("pk", "parent_id")
    )
    chain, current = [], node.parent_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    pilots: dict[int, set[int]] = {}
    for node_id, org_id in PlanNode.pilots.through.objects.filter(
        plannode_id__in=chain
    ).values_list("plannode_id", "organisation_id"):
        pilots.setdefault(node_id, set()).add(org_id)
    return next((pilots[pk] for pk in chain if pk in pilots), set())
