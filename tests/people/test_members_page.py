"""The « Membres » page: who sees it, what it lists, role changes and suspensions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import (
    AccountDeletionRequest,
    Invitation,
    Membership,
    Organisation,
    User,
)
from tests.factories import SignedConventionFactory, UserFactory, membership, user_with_role

pytestmark = pytest.mark.django_db


def _url(name, convention, *args):
    return reverse(f"people:{name}", args=[convention.slug, *args])


def _members(convention, count):
    organisation = Organisation.objects.create(name="Commune de Malijai")
    people = []
    for number in range(count):
        user = UserFactory(first_name="Alex", last_name=f"Durand{number:02d}")
        role = [Role.READER, Role.REFERENT][number % 2]
        membership(user, role, convention=convention).__class__.objects.filter(user=user).update(
            organisation=organisation if role == Role.REFERENT else None
        )
        people.append(user)
    return people


def _invitations(convention, by, count):
    for number in range(count):
        invitation = Invitation(
            email=f"invite{number}@exemple.fr",
            role=Role.READER,
            convention=convention,
            invited_by=by,
            expires_at=timezone.now() + datetime.timedelta(days=1 - number),
        )
        invitation.set_new_token()
        invitation.save()


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_runs_a_fixed_number_of_queries(
    client, convention, caf_adviser, coordinator, count, django_assert_num_queries
):
    people = _members(convention, count)
    AccountDeletionRequest.objects.create(user=people[0])
    _invitations(convention, coordinator, count)
    client.force_login(caf_adviser)
    with django_assert_num_queries(8):
        response = client.get(_url("members", convention))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<tr id="role-') == count + 1  # the coordinator too
    assert page.count('<tr id="invitation-') == count
    assert "Expirée" in page  # invitations whose date is past still show, to be re-sent
    assert "Commune de Malijai" in page
    assert page.count("Suppression demandée le") == 1


def test_the_page_lists_roles_caf_advisers_and_invitations(
    client, convention, coordinator, caf_adviser
):
    reader = user_with_role(Role.READER, convention=convention)
    _invitations(convention, coordinator, 1)
    client.force_login(coordinator)
    page = client.get(_url("members", convention)).content.decode()
    assert str(reader) in page
    assert str(coordinator) in page
    assert str(caf_adviser) in page  # among the Caf advisers of 04
    assert "invite0@exemple.fr" in page
    assert "Suspendre le compte" not in page  # a coordinator does not suspend
    assert "Changer le rôle" in page


def test_readers_are_refused_and_strangers_do_not_see_the_ctg(client, convention):
    reader = user_with_role(Role.READER, convention=convention)
    client.force_login(reader)
    assert client.get(_url("members", convention)).status_code == 403
    stranger = user_with_role(Role.COORDINATOR, convention=SignedConventionFactory())
    client.force_login(stranger)
    assert client.get(_url("members", convention)).status_code == 404


def test_the_ctg_menu_links_to_members_for_editors_only(client, convention, coordinator):
    client.force_login(coordinator)
    assert _url("members", convention) in client.get(convention.get_absolute_url()).content.decode()
    reader = user_with_role(Role.READER, convention=convention)
    client.force_login(reader)
    assert (
        _url("members", convention)
        not in client.get(convention.get_absolute_url()).content.decode()
    )


def test_a_coordinator_turns_a_reader_into_a_referent(client, convention, coordinator):
    reader = user_with_role(Role.READER, convention=convention)
    role = reader.memberships.get()
    client.force_login(coordinator)
    url = _url("role_change", convention, role.pk)
    page = client.get(url).content.decode()
    assert f"Changer le rôle de {reader}" in page
    refused = client.post(url, {"role": Role.REFERENT, "was": Role.READER})
    assert refused.status_code == 200  # a référent·e needs an organisation
    assert Membership.objects.get(pk=role.pk).role == Role.READER
    response = client.post(
        url, {"role": Role.REFERENT, "was": Role.READER, "new_organisation": "Commune de Malijai"}
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.role == Role.REFERENT
    assert role.organisation.name == "Commune de Malijai"
    page = client.get(_url("members", convention)).content.decode()
    assert "est désormais « Référent·e (commune ou partenaire) »" in page


def test_a_referent_turned_reader_loses_the_organisation(client, convention, coordinator):
    referent = user_with_role(Role.REFERENT, convention=convention)
    role = referent.memberships.get()
    Membership.objects.filter(pk=role.pk).update(
        organisation=Organisation.objects.create(name="Centre social La Ruche")
    )
    client.force_login(coordinator)
    client.post(
        _url("role_change", convention, role.pk), {"role": Role.READER, "was": Role.REFERENT}
    )
    role.refresh_from_db()
    assert (role.role, role.organisation) == (Role.READER, None)


def test_a_role_changed_meanwhile_is_not_overwritten(client, convention, coordinator):
    reader = user_with_role(Role.READER, convention=convention)
    role = reader.memberships.get()
    Membership.objects.filter(pk=role.pk).update(role=Role.REFERENT)  # someone else's change
    client.force_login(coordinator)
    response = client.post(
        _url("role_change", convention, role.pk), {"role": Role.COORDINATOR, "was": Role.READER}
    )
    role.refresh_from_db()
    assert role.role == Role.REFERENT
    assert "modifié ou retiré entre-temps" in response.content.decode()


def test_nobody_changes_his_own_role_nor_makes_a_caf_adviser(client, convention, coordinator):
    mine = coordinator.memberships.get()
    client.force_login(coordinator)
    own = client.post(
        _url("role_change", convention, mine.pk), {"role": Role.READER, "was": Role.COORDINATOR}
    )
    assert own.status_code == 403
    assert Membership.objects.get(pk=mine.pk).role == Role.COORDINATOR
    reader = user_with_role(Role.READER, convention=convention).memberships.get()
    client.post(
        _url("role_change", convention, reader.pk), {"role": Role.CAF_ADVISER, "was": Role.READER}
    )
    assert Membership.objects.get(pk=reader.pk).role == Role.READER


def test_removing_a_role_keeps_the_account_and_its_other_roles(client, convention, coordinator):
    person = user_with_role(Role.READER, convention=convention)
    other = membership(person, Role.REFERENT, convention=SignedConventionFactory())
    client.force_login(coordinator)
    role = person.memberships.get(convention=convention)
    assert client.post(_url("role_remove", convention, role.pk)).status_code == 302
    assert list(person.memberships.all()) == [other]
    assert User.objects.filter(pk=person.pk, is_active=True).exists()


def test_a_role_of_another_ctg_is_not_reachable_from_this_page(client, convention, coordinator):
    elsewhere = user_with_role(Role.READER, convention=SignedConventionFactory()).memberships.get()
    client.force_login(coordinator)
    assert client.post(_url("role_remove", convention, elsewhere.pk)).status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


def test_the_caf_adviser_suspends_and_reactivates_an_account(client, convention, caf_adviser):
    reader = user_with_role(Role.READER, convention=convention)
    client.force_login(caf_adviser)
    client.post(_url("account_suspend", convention, reader.pk), {"action": "suspendre"})
    reader.refresh_from_db()
    assert not reader.is_active
    page = client.get(_url("members", convention)).content.decode()
    assert "il ou elle ne peut plus se connecter" in page
    assert "Suspendu" in page
    client.post(_url("account_suspend", convention, reader.pk), {"action": "reactiver"})
    reader.refresh_from_db()
    assert reader.is_active


def test_a_suspended_account_is_signed_out(client, convention, caf_adviser):
    reader = user_with_role(Role.READER, convention=convention)
    client.force_login(reader)
    User.objects.filter(pk=reader.pk).update(is_active=False)
    assert client.get(convention.get_absolute_url()).status_code == 302


def test_a_coordinator_cannot_suspend_and_nobody_suspends_a_superuser_or_himself(
    client, convention, coordinator, caf_adviser
):
    reader = user_with_role(Role.READER, convention=convention)
    client.force_login(coordinator)
    client.post(_url("account_suspend", convention, reader.pk), {"action": "suspendre"})
    assert User.objects.get(pk=reader.pk).is_active
    admin = UserFactory(superuser=True)
    membership(admin, Role.READER, convention=convention)
    membership(caf_adviser, Role.READER, convention=convention)
    client.force_login(caf_adviser)
    for target in (admin, caf_adviser):
        client.post(_url("account_suspend", convention, target.pk), {"action": "suspendre"})
        assert User.objects.get(pk=target.pk).is_active
    assert (
        "Vous ne pouvez pas suspendre ce compte"
        in client.get(_url("members", convention)).content.decode()
    )


def test_changing_a_role_without_choosing_one_changes_nothing(client, convention, coordinator):
    reader = user_with_role(Role.READER, convention=convention).memberships.get()
    client.force_login(coordinator)
    response = client.post(
        _url("role_change", convention, reader.pk), {"role": "", "was": Role.READER}
    )
    assert response.status_code == 200
    assert "fr-error-text" in response.content.decode()
    assert Membership.objects.get(pk=reader.pk).role == Role.READER


def test_an_account_unused_for_a_year_is_flagged(client, convention, caf_adviser):
    now = timezone.now()
    dormant = user_with_role(Role.READER, convention=convention)
    User.objects.filter(pk=dormant.pk).update(last_login=now - datetime.timedelta(days=400))
    recent = user_with_role(Role.READER, convention=convention)
    User.objects.filter(pk=recent.pk).update(last_login=now - datetime.timedelta(days=30))
    client.force_login(caf_adviser)
    page = client.get(_url("members", convention)).content.decode()
    assert page.count("Aucune connexion depuis plus d’un an") == 1
    flagged = page.index("Aucune connexion depuis plus d’un an")
    assert page.rfind(f'<tr id="role-{dormant.memberships.get().pk}"', 0, flagged) > page.rfind(
        f'<tr id="role-{recent.memberships.get().pk}"', 0, flagged
    )
