"""« Mon compte »: name, e-mail, roles, password change, and one's data as JSON."""

import json

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.accounts.models import AccountDeletionRequest, Invitation, User
from tests.factories import ActionUpdateFactory, tracked_action, user_with_role

pytestmark = pytest.mark.django_db
PASSWORD = "Ronces-de-Digne-2026"


@pytest.fixture
def person(convention):
    user = user_with_role(Role.COORDINATOR, convention=convention)
    user.email = "sarah.fabre@paa.fr"
    user.set_password(PASSWORD)
    user.save()
    return user


def _post(client, **data):
    page = client.get(reverse("people:account"))
    version = page.context["edit_version"]
    base = {"first_name": "Sarah", "last_name": "Fabre", "email": "sarah.fabre@paa.fr"}
    return client.post(reverse("people:account"), base | {"version": version} | data)


def test_the_page_shows_roles_and_links(client, person, convention):
    client.force_login(person)
    page = client.get(reverse("people:account")).content.decode()
    assert "Chargé·e de coopération CTG" in page
    assert convention.name in page
    assert reverse("accounts:password_change") in page
    assert reverse("people:my_data") in page


def test_the_header_links_to_the_account(client, person, convention):
    client.force_login(person)
    page = client.get(convention.get_absolute_url()).content.decode()
    assert f'href="{reverse("people:account")}"' in page


def test_the_name_changes_without_password(client, person):
    client.force_login(person)
    assert _post(client, first_name="Sara").status_code == 302
    assert User.objects.get(pk=person.pk).first_name == "Sara"


def test_a_new_email_needs_the_current_password(client, person):
    client.force_login(person)
    response = _post(client, email="sarah@paa.fr")
    assert response.status_code == 200
    assert "mot de passe actuel" in response.content.decode()
    assert User.objects.get(pk=person.pk).email == "sarah.fabre@paa.fr"
    assert _post(client, email="Sarah@PAA.fr", current_password=PASSWORD).status_code == 302
    assert User.objects.get(pk=person.pk).email == "sarah@paa.fr"


def test_an_email_of_another_account_is_refused(client, person):
    User.objects.create_user("autre", email="autre@paa.fr")
    client.force_login(person)
    response = _post(client, email="autre@paa.fr", current_password=PASSWORD)
    assert "Un autre compte utilise déjà cette adresse" in response.content.decode()


def test_a_stale_page_does_not_overwrite_a_newer_change(client, person):
    client.force_login(person)
    version = client.get(reverse("people:account")).context["edit_version"]
    User.objects.filter(pk=person.pk).update(last_name="Fabre-Martin")  # another tab
    response = client.post(
        reverse("people:account"),
        {"first_name": "Sarah", "last_name": "Fabre", "email": person.email, "version": version},
    )
    assert response.status_code == 409
    assert User.objects.get(pk=person.pk).last_name == "Fabre-Martin"


def test_the_password_changes_from_the_account(client, person):
    client.force_login(person)
    new = "Lavande-et-Durance-77"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "faux", "new_password1": new, "new_password2": new},
    )
    assert "mot de passe actuel est incorrect" in response.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).check_password(new)
    assert client.get(reverse("people:account")).status_code == 200  # still signed in


def test_my_data_lists_the_account_roles_and_what_i_wrote(client, person, convention):
    action = tracked_action(convention)
    ActionUpdateFactory(node=action, author=person, done="Réunion des RPE")
    ActionUpdateFactory(
        node=action, quarter=2, author=user_with_role(Role.READER, convention=convention)
    )
    invitation = Invitation(
        email="x@paa.fr", role=Role.READER, convention=convention, invited_by=person
    )
    token = invitation.set_new_token()
    invitation.expires_at = invitation.created_at
    invitation.save()
    client.force_login(person)
    response = client.get(reverse("people:my_data"))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["compte"]["courriel"] == "sarah.fabre@paa.fr"
    assert data["roles"] == [
        {
            "role": Role.COORDINATOR,
            "libelle": "Chargé·e de coopération CTG",
            "departement": None,
            "ctg": {"nom": convention.name, "slug": convention.slug},
            "organisation": None,
        }
    ]
    counts = data["ecrits"]["nombres"]
    assert counts["monitoring.actionupdate.author"] == 1  # not the reader's
    assert counts["accounts.invitation.invited_by"] == 1
    assert counts["accounts.membership.user"] == 1
    rows = data["ecrits"]["lignes"]["monitoring.actionupdate.author"]
    assert rows[0]["done"] == "Réunion des RPE"
    assert not any(key.startswith("monitoring.historical") for key in counts)
    text = response.content.decode()
    assert token not in text
    assert invitation.token_hash not in text
    assert person.password not in text


def test_a_deletion_request_is_recorded_once_and_seen_by_the_caf(client, person, convention):
    client.force_login(person)
    url = reverse("people:deletion_request")
    client.post(url, {"action": "demander", "message": "Je quitte mes fonctions."})
    request = AccountDeletionRequest.objects.get(user=person)
    assert request.message == "Je quitte mes fonctions."
    client.post(url, {"action": "demander"})
    assert AccountDeletionRequest.objects.count() == 1
    assert "déjà demandé" in client.get(reverse("people:account")).content.decode()

    members = reverse("people:members", args=[convention.slug])
    caf = user_with_role(Role.CAF_ADVISER, departement_code="04")
    client.force_login(caf)
    assert "Suppression demandée le" in client.get(members).content.decode()
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    assert "Suppression demandée le" not in client.get(members).content.decode()

    client.force_login(person)
    client.post(url, {"action": "annuler"})
    assert not AccountDeletionRequest.objects.exists()
    assert User.objects.filter(pk=person.pk, is_active=True).exists()
