"""Personal API tokens in « Mon compte »: shown once, stored hashed, revoked, audited."""

import datetime
import hashlib
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.accounts.api_tokens import MAX_ACTIVE_TOKENS, ApiTokenError, create_token
from pilote.accounts.enums import AuditAction, Role
from pilote.accounts.models import ApiToken, AuditEvent
from pilote.people.personal_data import personal_data
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(convention):
    return user_with_role(Role.COORDINATOR, convention=convention)


def _create(client, name="Tableau de bord Caf", days=90):
    return client.post(reverse("people:api_token_create"), {"name": name, "days": days})


def test_a_token_is_shown_once_and_kept_only_as_its_hash(client, person):
    client.force_login(person)
    page = _create(client)
    assert page.status_code == 200
    raw = page.context["raw"]
    assert raw.startswith("pct_")
    assert len(raw) > 40
    assert raw in page.content.decode()
    assert "Copiez ce jeton maintenant" in page.content.decode()
    assert page["Cache-Control"].startswith("no-store")
    token = ApiToken.objects.get(user=person)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in json.dumps(list(vars(token).values()), default=str)
    account = client.get(reverse("people:account")).content.decode()
    assert "Tableau de bord Caf" in account
    assert token.prefix in account
    assert raw not in account
    assert (token.expires_at - token.created_at).days == 90


def test_creating_and_revoking_are_in_the_journal(client, person):
    client.force_login(person)
    _create(client)
    token = ApiToken.objects.get(user=person)
    response = client.post(reverse("people:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.state == "Révoqué"
    actions = list(AuditEvent.objects.filter(user=person).values_list("action", flat=True))
    assert AuditAction.API_TOKEN_CREATED in actions
    assert AuditAction.API_TOKEN_REVOKED in actions


def test_nobody_revokes_someone_else_s_token(client, person, convention):
    other = user_with_role(Role.READER, convention=convention)
    token, _ = create_token(other, name="Script", days=30)
    client.force_login(person)
    response = client.post(reverse("people:api_token_revoke", args=[token.pk]), follow=True)
    assert "pas le vôtre" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    ("name", "days", "message"),
    [
        ("", 90, "Donnez un nom au jeton"),
        ("Script", 9999, "Choisissez une durée de validité proposée"),
    ],
)
def test_a_bad_request_creates_nothing(person, name, days, message):
    with pytest.raises(ApiTokenError, match=message):
        create_token(person, name=name, days=days)
    assert not ApiToken.objects.exists()


def test_a_person_holds_a_bounded_number_of_active_tokens(person):
    for number in range(MAX_ACTIVE_TOKENS):
        create_token(person, name=f"Script {number}", days=30)
    with pytest.raises(ApiTokenError, match="révoquez-en un"):
        create_token(person, name="Un de trop", days=30)


def test_the_form_refuses_in_french_and_the_page_says_why(client, person):
    client.force_login(person)
    response = _create(client, name="", days=90)
    assert response.status_code == 302
    page = client.get(reverse("people:account")).content.decode()
    assert "Jeton non créé" in page
    assert not ApiToken.objects.exists()


def test_anonymous_visitors_create_no_token(client):
    response = _create(client)
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]
    assert not ApiToken.objects.exists()


def test_one_s_data_lists_tokens_without_their_hash(person):
    create_token(person, name="Script", days=30)
    rows = personal_data(person)["ecrits"]["lignes"]["accounts.apitoken.user"]
    assert rows[0]["name"] == "Script"
    assert "token_hash" not in rows[0]


def test_an_expired_token_says_so(person):
    token, _ = create_token(person, name="Script", days=30)
    token.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    assert token.state == "Expiré"
    assert not token.is_usable
