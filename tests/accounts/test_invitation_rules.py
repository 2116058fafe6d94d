"""Who may invite whom (pilote.accounts.perms): each role × each invitable role × own/other CTG."""

import pytest

from pilote.accounts.enums import Role
from pilote.accounts.perms import (
    can_change_membership,
    can_invite,
    can_manage_members,
    can_suspend,
    invitable_roles,
)
from tests.factories import SignedConventionFactory, UserFactory, departement, user_with_role

pytestmark = pytest.mark.django_db

CAF, COORD, REF, READ = Role.CAF_ADVISER, Role.COORDINATOR, Role.REFERENT, Role.READER
ALL = [CAF, COORD, REF, READ]


@pytest.fixture
def own():
    return SignedConventionFactory()  # Caf 04


@pytest.fixture
def other():
    return SignedConventionFactory()  # another CTG of Caf 04


@pytest.fixture
def inviters(own, other):
    """Every kind of inviter, relative to `own`."""
    return {
        "superuser": UserFactory(superuser=True),
        "caf_04": user_with_role(CAF, departement_code="04"),
        "caf_13": user_with_role(CAF, departement_code="13"),
        "coordinator": user_with_role(COORD, convention=own),
        "coordinator_other": user_with_role(COORD, convention=other),
        "referent": user_with_role(REF, convention=own),
        "reader": user_with_role(READ, convention=own),
        "no_role": UserFactory(),
    }


# The roles each inviter may give for `own` (Caf adviser: for its département, 04).
EXPECTED_OWN = {
    "superuser": ALL,
    "caf_04": ALL,
    "caf_13": [],
    "coordinator": [COORD, REF, READ],
    "coordinator_other": [],
    "referent": [],
    "reader": [],
    "no_role": [],
}


@pytest.mark.parametrize("who", EXPECTED_OWN)
@pytest.mark.parametrize("role", ALL)
def test_who_may_invite_which_role_for_a_ctg(inviters, own, who, role):
    allowed = can_invite(inviters[who], role, convention=own, departement=own.departement)
    assert allowed is (role in EXPECTED_OWN[who])


@pytest.mark.parametrize("who", EXPECTED_OWN)
def test_invitable_roles_list_exactly_the_allowed_ones(inviters, own, who):
    assert invitable_roles(inviters[who], own) == EXPECTED_OWN[who]
    assert can_manage_members(inviters[who], own) is bool(EXPECTED_OWN[who])


def test_a_coordinator_invites_nobody_for_another_ctg(inviters, other):
    coordinator = inviters["coordinator"]
    assert invitable_roles(coordinator, other) == []


def test_a_caf_adviser_of_13_cannot_invite_a_caf_adviser_for_04(inviters):
    assert not can_invite(inviters["caf_13"], CAF, departement=departement("04"))
    assert can_invite(inviters["caf_13"], CAF, departement=departement("13"))
    assert can_invite(inviters["caf_04"], CAF, departement=departement("04"))


def test_a_caf_adviser_invitation_needs_a_departement_and_the_others_a_ctg(inviters, own):
    assert not can_invite(inviters["superuser"], CAF, convention=own)
    assert not can_invite(inviters["superuser"], READ, departement=own.departement)


def test_a_suspended_account_invites_nobody(inviters, own):
    coordinator = inviters["coordinator"]
    coordinator.is_active = False
    assert not can_invite(coordinator, READ, convention=own)


def test_roles_are_changed_by_managers_but_never_ones_own(inviters, own):
    coordinator = inviters["coordinator"]
    reader = inviters["reader"].memberships.get()
    mine = coordinator.memberships.get()
    assert can_change_membership(coordinator, reader, own, new_role=REF)
    assert not can_change_membership(coordinator, mine, own, new_role=READ)
    assert not can_change_membership(inviters["referent"], reader, own, new_role=REF)
    assert not can_change_membership(inviters["caf_13"], reader, own)
    assert can_change_membership(inviters["caf_04"], mine, own, new_role=READ)


def test_only_the_caf_of_the_departement_or_a_superuser_suspends(inviters, own):
    target = inviters["reader"]
    assert can_suspend(inviters["caf_04"], target, own)
    assert can_suspend(inviters["superuser"], target, own)
    assert not can_suspend(inviters["coordinator"], target, own)
    assert not can_suspend(inviters["caf_13"], target, own)


def test_nobody_suspends_himself_or_a_superuser(inviters, own):
    caf = inviters["caf_04"]
    assert not can_suspend(caf, caf, own)
    assert not can_suspend(caf, inviters["superuser"], own)
    assert not can_suspend(inviters["superuser"], inviters["superuser"], own)
