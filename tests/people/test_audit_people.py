"""Invitations, role changes and suspensions are in the audit log (issue 13, point 5)."""

import pytest

from pilote.accounts.enums import AuditAction, Role
from pilote.accounts.models import AuditEvent, Membership
from pilote.people import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BASE = "https://pilote.example.fr"


def actions(convention=None) -> list[str]:
    events = AuditEvent.objects.order_by("pk")
    if convention is not None:
        events = events.filter(convention=convention)
    return list(events.values_list("action", flat=True))


def test_an_invitation_s_life_is_in_the_ctg_s_journal(convention, coordinator):
    invitation = services.invite(
        by=coordinator,
        email="Lea.Morel@Digne.fr",
        role=Role.READER,
        convention=convention,
        base_url=BASE,
    )
    services.resend(invitation, by=coordinator, base_url=BASE)
    services.withdraw(invitation, by=coordinator)

    assert actions(convention) == [
        AuditAction.INVITATION_SENT,
        AuditAction.INVITATION_SENT,
        AuditAction.INVITATION_REVOKED,
    ]
    event = AuditEvent.objects.filter(convention=convention).last()
    assert event.target == "lea.morel@digne.fr"
    assert event.user == coordinator
    assert event.departement_id == convention.departement_id


def test_an_accepted_invitation_is_recorded_with_the_invitee(convention, coordinator):
    invitation = services.invite(
        by=coordinator,
        email="paul.girard@digne.fr",
        role=Role.READER,
        convention=convention,
        base_url=BASE,
    )
    user = services.accept_with_new_account(
        invitation, first_name="Paul", last_name="Girard", password="Une-phrase-de-passe-2026"
    )

    event = AuditEvent.objects.get(action=AuditAction.INVITATION_ACCEPTED)
    assert event.user == user
    assert event.convention == convention


def test_role_changes_removals_and_suspensions_are_recorded(convention, caf_adviser):
    reader = UserFactory(first_name="Léa", last_name="Morel")
    membership = Membership.objects.create(user=reader, role=Role.READER, convention=convention)

    services.change_role(
        membership,
        convention=convention,
        by=caf_adviser,
        role=Role.COORDINATOR,
        was=Role.READER,
    )
    services.set_active(reader, convention=convention, by=caf_adviser, active=False)
    services.set_active(reader, convention=convention, by=caf_adviser, active=True)
    membership.refresh_from_db()
    services.remove_role(membership, convention=convention, by=caf_adviser)

    assert actions(convention) == [
        AuditAction.ROLE_CHANGED,
        AuditAction.ACCOUNT_SUSPENDED,
        AuditAction.ACCOUNT_REACTIVATED,
        AuditAction.ROLE_REMOVED,
    ]
    changed = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert changed.details == {"before": Role.READER, "after": Role.COORDINATOR}
    assert changed.target == "Léa Morel"


def test_a_refused_invitation_writes_nothing_in_the_journal(convention, coordinator):
    with pytest.raises(services.PeopleError):
        services.invite(
            by=coordinator,
            email="x@caf04.fr",
            role=Role.CAF_ADVISER,
            departement=convention.departement,
            base_url=BASE,
        )
    assert actions() == []


def test_a_deletion_request_and_its_withdrawal_are_recorded(db):
    user = UserFactory()
    services.request_deletion(user, message="Je quitte la Caf.")
    services.cancel_deletion(user)
    assert actions() == [AuditAction.DELETION_REQUESTED, AuditAction.DELETION_CANCELLED]
