"""Argon2 password hashing, and the admin: staff only, away from /admin/, linked from nowhere."""

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

import config.settings as production
from pilote.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PASSWORD = "Un-mot-de-passe-solide-2026"


def test_argon2_hashes_the_passwords_in_production():
    assert production.PASSWORD_HASHERS[0] == ARGON2
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in production.PASSWORD_HASHERS


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_an_older_hash_is_upgraded_to_argon2_at_login(client):
    user = UserFactory(username="conseiller.caf")
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        user.set_password(PASSWORD)
        user.save()
    assert User.objects.get(pk=user.pk).password.startswith("pbkdf2_sha256$")
    response = client.post("/connexion/", {"username": "conseiller.caf", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).password.startswith("argon2$")


def test_the_admin_is_not_at_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 404
    assert django_settings.ADMIN_URL == "gestion/"
    assert client.get("/gestion/").status_code == 200


def test_an_anonymous_visitor_of_the_admin_is_sent_to_a_login(client):
    response = client.get("/gestion/")
    assert response.status_code == 302
    assert "/connexion/" in response["Location"] or "/gestion/login/" in response["Location"]


def test_a_user_who_is_not_staff_never_gets_the_admin(client):
    client.force_login(UserFactory())
    response = client.get("/gestion/")
    assert response.status_code == 302
    assert response["Location"].startswith("/gestion/login/")
    assert client.get("/gestion/accounts/user/").status_code == 302


def test_no_page_links_to_the_admin(client):
    client.force_login(UserFactory())
    assert "/gestion/" not in client.get("/ctg/").content.decode()
