"""Password reset by e-mail and change: French pages, a link that serves once, the journal."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from pilote.accounts.enums import AuditAction
from pilote.accounts.models import AuditEvent, User

pytestmark = pytest.mark.django_db
NEW = "Lavande-et-Durance-77"
LINK = re.compile(r"https?://([^/\s]+)(/mot-de-passe/nouveau/\S+/)")


@pytest.fixture
def person(db):
    return User.objects.create_user("sarah", email="sarah.fabre@paa.fr", password="ancien-mot-2025")


def test_the_login_page_links_to_the_reset(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:password_reset") in page
    assert "Mot de passe oublié" in page


def test_the_reset_flow_sets_a_new_password_once(client, person):
    response = client.post(reverse("accounts:password_reset"), {"email": "Sarah.Fabre@paa.fr"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Pilote CTG] Choisir un nouveau mot de passe"
    assert "Bonjour" in message.body
    path = LINK.search(message.body).group(2)
    form_page = client.get(path, follow=True)
    assert "Choisir un nouveau mot de passe" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    person.refresh_from_db()
    assert person.check_password(NEW)
    again = client.get(path, follow=True).content.decode()
    assert "Ce lien ne fonctionne plus" in again
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGED)
    assert (event.user, event.details) == (person, {"moyen": "lien de réinitialisation"})


def test_a_password_changed_from_my_account_goes_to_the_journal(client, person):
    client.force_login(person)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "ancien-mot-2025", "new_password1": NEW, "new_password2": NEW},
        REMOTE_ADDR="198.51.100.8",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGED)
    assert (event.user, event.ip_address, event.details) == (
        person,
        "198.51.100.8",
        {"moyen": "Mon compte"},
    )


def test_a_refused_password_change_is_not_recorded(client, person):
    client.force_login(person)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": "pas-le-bon", "new_password1": NEW, "new_password2": NEW},
    )
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).exists()


def test_mismatched_passwords_are_refused_in_french(client, person):
    client.post(reverse("accounts:password_reset"), {"email": person.email})
    path = LINK.search(mail.outbox[0].body).group(2)
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW + "x"}
    )
    assert "Les deux mots de passe ne sont pas identiques" in response.content.decode()
    person.refresh_from_db()
    assert not person.check_password(NEW)


def test_an_unknown_address_sends_nothing_and_reveals_nothing(client, person):
    response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@paa.fr"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_the_link_uses_site_url(client, person, settings):
    settings.SITE_URL = "https://pilote.caf.fr"
    client.post(reverse("accounts:password_reset"), {"email": person.email})
    assert "https://pilote.caf.fr/mot-de-passe/nouveau/" in mail.outbox[0].body
