"""Publishing a CTG's public page: explicit, reversible, editors only, recorded in the history."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.conventions import publishing
from pilote.conventions.models import Convention
from pilote.conventions.services import ConventionError
from tests.factories import ConventionFactory, UserFactory, departement, user_with_role

pytestmark = pytest.mark.django_db


def publication_url(convention) -> str:
    return reverse("conventions:publication", kwargs={"slug": convention.slug})


def public_url(convention) -> str:
    return reverse("public:convention", kwargs={"slug": convention.slug})


def _user(role: str, convention, *, same_ctg: bool = True):
    if role == "superuser":
        return UserFactory(superuser=True)
    if role == Role.CAF_ADVISER:
        return user_with_role(role, departement_code="04" if same_ctg else "13")
    other = ConventionFactory(departement=departement("13"))
    return user_with_role(role, convention=convention if same_ctg else other)


# --- Service -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CAF_ADVISER, "superuser"])
def test_editors_publish_and_withdraw_the_page(role):
    convention = ConventionFactory()
    user = _user(role, convention)
    updated_at = Convention.objects.get(pk=convention.pk).updated_at

    publishing.publish(convention, by=user)

    stored = Convention.objects.get(pk=convention.pk)
    assert stored.is_public
    assert stored.published_at is not None
    assert convention.is_public
    assert convention.published_at == stored.published_at
    assert stored.updated_at == updated_at  # the CTG itself did not change

    publishing.unpublish(convention, by=user)

    stored = Convention.objects.get(pk=convention.pk)
    assert not stored.is_public
    assert stored.published_at is None


def test_the_history_keeps_each_publication_and_withdrawal():
    convention = ConventionFactory()
    coordinator = user_with_role(Role.COORDINATOR, convention=convention)
    publishing.publish(convention, by=coordinator)
    published_at = convention.published_at
    publishing.unpublish(convention, by=coordinator)

    records = list(convention.history.order_by("history_date", "history_id"))[-2:]
    assert [(r.is_public, r.published_at) for r in records] == [
        (True, published_at),
        (False, None),
    ]
    assert {r.history_user for r in records} == {coordinator}


@pytest.mark.parametrize(
    ("role", "same_ctg"),
    [
        (Role.READER, True),
        (Role.REFERENT, True),
        (Role.COORDINATOR, False),
        (Role.CAF_ADVISER, False),
    ],
)
def test_others_cannot_publish_or_withdraw(role, same_ctg):
    convention = ConventionFactory()
    user = _user(role, convention, same_ctg=same_ctg)

    with pytest.raises(ConventionError, match="pas le droit"):
        publishing.publish(convention, by=user)
    assert not Convention.objects.get(pk=convention.pk).is_public

    Convention.objects.filter(pk=convention.pk).update(is_public=True)
    convention.refresh_from_db()
    with pytest.raises(ConventionError, match="pas le droit"):
        publishing.unpublish(convention, by=user)
    assert Convention.objects.get(pk=convention.pk).is_public


def test_publishing_twice_or_withdrawing_an_unpublished_page_is_refused():
    convention = ConventionFactory()
    coordinator = user_with_role(Role.COORDINATOR, convention=convention)
    with pytest.raises(ConventionError, match="n'est pas publiée"):
        publishing.unpublish(convention, by=coordinator)
    publishing.publish(convention, by=coordinator)
    first = convention.published_at
    stale = Convention.objects.get(pk=convention.pk)
    stale.is_public = False  # another tab, opened before the publication

    with pytest.raises(ConventionError, match="déjà publiée"):
        publishing.publish(stale, by=coordinator)
    assert Convention.objects.get(pk=convention.pk).published_at == first


# --- Confirmation page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "same_ctg", "status"),
    [
        (Role.CAF_ADVISER, True, 200),
        (Role.COORDINATOR, True, 200),
        ("superuser", True, 200),
        (Role.REFERENT, True, 403),
        (Role.READER, True, 403),
        (Role.CAF_ADVISER, False, 404),
        (Role.COORDINATOR, False, 404),
    ],
)
def test_who_opens_the_publication_page(client, role, same_ctg, status):
    convention = ConventionFactory()
    client.force_login(_user(role, convention, same_ctg=same_ctg))
    assert client.get(publication_url(convention)).status_code == status
    response = client.post(publication_url(convention), {"action": "publier", "checked": "on"})
    assert response.status_code in (302 if status == 200 else status,)
    assert Convention.objects.get(pk=convention.pk).is_public is (status == 200)


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get(publication_url(ConventionFactory()))
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


def test_the_confirmation_page_says_what_is_shown_and_what_is_not(client):
    convention = ConventionFactory()
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))

    html = client.get(publication_url(convention)).content.decode()

    assert "n’est pas publiée" in html
    assert "Ce que la page montre" in html
    assert "Ce qu’elle ne montre jamais" in html
    for item in (*publishing.PUBLIC_CONTENT, *publishing.PRIVATE_CONTENT):
        assert item.replace("'", "&#x27;") in html, item
    assert f"http://testserver{public_url(convention)}" in html
    assert "Publier la page" in html


def test_publishing_needs_the_titles_to_be_checked(client):
    convention = ConventionFactory()
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))

    response = client.post(publication_url(convention), {"action": "publier"})

    assert response.status_code == 200
    assert "Confirmez que vous avez relu les intitulés avant de publier la page." in (
        response.content.decode()
    )
    assert not Convention.objects.get(pk=convention.pk).is_public
    assert client.get(public_url(convention)).status_code == 404


def test_publish_then_withdraw_from_the_confirmation_page(client):
    convention = ConventionFactory()
    client.force_login(user_with_role(Role.CAF_ADVISER))

    response = client.post(
        publication_url(convention), {"action": "publier", "checked": "on"}, follow=True
    )

    html = response.content.decode()
    assert "La page publique de la CTG est en ligne." in html
    assert f"http://testserver{public_url(convention)}" in html
    assert "Retirer la page publique" in html
    client.logout()
    assert client.get(public_url(convention)).status_code == 200

    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    response = client.post(publication_url(convention), {"action": "retirer"}, follow=True)

    assert "La page publique de la CTG est retirée" in response.content.decode()
    client.logout()
    assert client.get(public_url(convention)).status_code == 404


def test_a_refused_change_is_said_and_changes_nothing(client):
    convention = ConventionFactory()
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))

    withdraw = client.post(publication_url(convention), {"action": "retirer"}, follow=True)
    unknown = client.post(publication_url(convention), {"action": "supprimer"}, follow=True)

    assert "La page publique de cette CTG n&#x27;est pas publiée." in withdraw.content.decode()
    assert "Action inconnue" in unknown.content.decode()
    assert not Convention.objects.get(pk=convention.pk).is_public


# --- On the CTG's summary ------------------------------------------------------------------------


def test_readers_see_whether_the_page_is_published(client):
    convention = ConventionFactory()
    client.force_login(user_with_role(Role.READER, convention=convention))

    html = client.get(convention.get_absolute_url()).content.decode()
    assert "Page publique : non publiée." in html
    assert reverse("conventions:brief", kwargs={"slug": convention.slug}) in html
    assert publication_url(convention) not in html

    publishing.publish(convention, by=UserFactory(superuser=True))
    html = client.get(convention.get_absolute_url()).content.decode()
    assert "Page publique en ligne depuis le" in html
    assert f'href="{public_url(convention)}"' in html
    assert publication_url(convention) not in html


def test_editors_get_the_link_to_publish(client):
    convention = ConventionFactory()
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    html = client.get(convention.get_absolute_url()).content.decode()
    assert publication_url(convention) in html
    assert "Publier une page publique…" in html
