"""The whole invitation: invite → e-mail → accept → password → signed in with the role."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import Invitation, Membership, Organisation, User
from pilote.accounts.people_models import hash_token
from tests.factories import SignedConventionFactory, UserFactory, membership

from .conftest import invitation_path

pytestmark = pytest.mark.django_db
PASSWORD = "Ronces-de-Digne-2026"


def _invite(client, convention, **data):
    url = reverse("people:invite", args=[convention.slug])
    return client.post(url, {"email": "camille.roux@digne.fr", "role": Role.READER, **data})


def test_an_invitee_creates_an_account_and_gets_the_role(client, convention, coordinator):
    client.force_login(coordinator)
    response = _invite(client, convention, email="Camille.Roux@Digne.fr")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille.roux@digne.fr"]
    assert "Lecteur·rice" in message.subject
    assert convention.name in message.body
    path = invitation_path()
    invitation = Invitation.objects.get()
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == hash_token(token)
    assert token not in str(Invitation.objects.values_list().get())  # never the raw token

    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert "Créer votre compte" in page.content.decode()
    response = client.post(
        path,
        {
            "first_name": "Camille",
            "last_name": "Roux",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == convention.get_absolute_url()
    user = User.objects.get(email="camille.roux@digne.fr")
    assert user.check_password(PASSWORD)
    assert list(user.memberships.values_list("role", "convention")) == [
        (Role.READER, convention.pk)
    ]
    assert client.get(convention.get_absolute_url()).status_code == 200  # signed in
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None

    client.force_login(coordinator)
    members = client.get(reverse("people:members", args=[convention.slug])).content.decode()
    assert "Camille Roux" in members
    assert "Aucune invitation en attente" in members


def test_a_used_link_does_not_serve_twice(client, convention, coordinator):
    client.force_login(coordinator)
    _invite(client, convention)
    path = invitation_path()
    client.logout()
    data = {"first_name": "Camille", "last_name": "Roux", "password1": PASSWORD}
    client.post(path, data | {"password2": PASSWORD})
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "déjà été utilisée" in response.content.decode()
    assert client.post(path, data | {"password2": PASSWORD}).status_code == 410
    assert User.objects.filter(email="camille.roux@digne.fr").count() == 1


def test_an_expired_link_says_so_and_creates_nothing(client, convention, coordinator):
    client.force_login(coordinator)
    _invite(client, convention)
    path = invitation_path()
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.logout()
    response = client.post(
        path,
        {"first_name": "C", "last_name": "R", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()
    assert not User.objects.filter(email="camille.roux@digne.fr").exists()


def test_a_withdrawn_invitation_is_refused_and_a_resent_one_replaces_the_old_link(
    client, convention, coordinator
):
    client.force_login(coordinator)
    _invite(client, convention)
    first = invitation_path()
    invitation = Invitation.objects.get()
    resend = reverse("people:invitation_resend", args=[convention.slug, invitation.pk])
    assert client.post(resend).status_code == 302
    second = invitation_path()
    assert second != first
    assert len(mail.outbox) == 2
    assert client.get(first).status_code == 404  # replaced by the newer link
    withdraw = reverse("people:invitation_withdraw", args=[convention.slug, invitation.pk])
    client.post(withdraw)
    client.logout()
    response = client.get(second)
    assert response.status_code == 410
    assert "a été retirée" in response.content.decode()


def test_an_unknown_token_gets_a_french_404(client, db):
    response = client.get(reverse("people:invitation", args=["nimporte-quoi"]))
    assert response.status_code == 404
    assert "n’existe pas" in response.content.decode()


def test_a_weak_password_is_refused_with_django_validators(client, convention, coordinator):
    client.force_login(coordinator)
    _invite(client, convention)
    path = invitation_path()
    client.logout()
    response = client.post(
        path,
        {"first_name": "Camille", "last_name": "Roux", "password1": "1234", "password2": "1234"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="camille.roux@digne.fr").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_existing_account_signs_in_then_gains_a_second_role(client, convention, coordinator):
    other_ctg = SignedConventionFactory()
    person = UserFactory(email="camille.roux@digne.fr")
    person.set_password(PASSWORD)
    person.save()
    membership(person, Role.READER, convention=other_ctg)
    client.force_login(coordinator)
    organisation = Organisation.objects.create(name="Commune de Digne-les-Bains")
    _invite(client, convention, role=Role.REFERENT, new_organisation="commune de digne-les-bains")
    assert Invitation.objects.get().organisation == organisation  # found, not duplicated
    path = invitation_path()
    client.logout()
    page = client.get(path).content.decode()
    assert "Se connecter pour accepter" in page
    client.force_login(person)
    response = client.post(path)
    assert response.status_code == 302
    roles = set(person.memberships.values_list("role", "convention", "organisation"))
    assert roles == {
        (Role.READER, other_ctg.pk, None),
        (Role.REFERENT, convention.pk, organisation.pk),
    }


def test_another_signed_in_account_cannot_accept(client, convention, coordinator):
    person = UserFactory(email="camille.roux@digne.fr")
    client.force_login(coordinator)
    _invite(client, convention)
    path = invitation_path()
    response = client.post(path)  # still signed in as the coordinator
    assert response.status_code == 403
    assert not person.memberships.exists()
    assert Invitation.objects.get().accepted_at is None


def test_inviting_someone_who_has_the_role_sends_nothing(client, convention, coordinator):
    person = UserFactory(email="camille.roux@digne.fr")
    membership(person, Role.READER, convention=convention)
    client.force_login(coordinator)
    response = _invite(client, convention, email="CAMILLE.ROUX@digne.fr")
    assert response.status_code == 200
    assert "a déjà ce rôle" in response.content.decode()
    assert not mail.outbox
    assert not Invitation.objects.exists()


def test_a_pending_invitation_is_not_sent_twice(client, convention, coordinator):
    client.force_login(coordinator)
    _invite(client, convention)
    response = _invite(client, convention)
    assert "déjà en attente" in response.content.decode()
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_referent_needs_an_organisation(client, convention, coordinator):
    client.force_login(coordinator)
    response = _invite(client, convention, role=Role.REFERENT)
    assert response.status_code == 200
    assert "choisissez l’organisation représentée" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_coordinator_cannot_invite_a_caf_adviser(client, convention, coordinator):
    client.force_login(coordinator)
    response = _invite(client, convention, role=Role.CAF_ADVISER)
    assert response.status_code == 200  # the role is not among the choices
    assert not Invitation.objects.exists()


def test_a_caf_adviser_invites_a_caf_adviser_for_the_departement(client, convention, caf_adviser):
    client.force_login(caf_adviser)
    _invite(client, convention, role=Role.CAF_ADVISER, email="hugo@caf04.fr")
    invitation = Invitation.objects.get()
    assert (invitation.departement_id, invitation.convention_id) == ("04", None)
    path = invitation_path()
    client.logout()
    client.post(
        path, {"first_name": "Hugo", "last_name": "B", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert Membership.objects.get(user__email="hugo@caf04.fr").departement_id == "04"


def test_a_reader_and_a_stranger_cannot_invite(client, convention):
    reader = UserFactory()
    membership(reader, Role.READER, convention=convention)
    client.force_login(reader)
    assert _invite(client, convention).status_code == 403
    stranger = UserFactory()
    membership(stranger, Role.COORDINATOR, convention=SignedConventionFactory())
    client.force_login(stranger)
    assert _invite(client, convention).status_code == 404
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_the_link_uses_site_url_when_set(client, convention, coordinator, settings):
    settings.SITE_URL = "https://pilote.caf.fr"
    client.force_login(coordinator)
    _invite(client, convention)
    assert "https://pilote.caf.fr/invitation/" in mail.outbox[0].body


def test_a_mail_server_failure_records_nothing(client, convention, coordinator, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("pilote.people.mail.send_mail", refuse)
    client.force_login(coordinator)
    response = _invite(client, convention, role=Role.REFERENT, new_organisation="Centre social")
    assert response.status_code == 200
    assert "n’a pas pu être envoyé" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not Organisation.objects.filter(name="Centre social").exists()
