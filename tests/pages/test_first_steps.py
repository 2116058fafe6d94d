"""The « Premiers pas » page: linked from the home page and the menu, each step computed."""

import datetime
import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership
from pilote.accounts.people_models import Invitation
from pilote.conventions.models import Convention
from tests.factories import (
    ActionUpdateFactory,
    ConventionFactory,
    SignatoryFactory,
    UserFactory,
    tracked_action,
    user_with_role,
)

pytestmark = pytest.mark.django_db

URL = "/premiers-pas/"


def done_steps(html: str) -> list[str]:
    """Return the titles of the steps marked « Fait », in order."""
    steps = re.findall(r'<li class="fr-tile.*?</li>', html, re.S)
    return [
        html_lib.unescape(re.search(r"\d\. ([^<]+)<", step).group(1))
        for step in steps
        if "fr-badge--success" in step
    ]


def test_the_page_is_linked_from_the_home_page_and_the_menu(client):
    client.force_login(UserFactory(superuser=True))
    assert reverse("pages:first_steps") == URL
    home = client.get("/", follow=True).content.decode()
    assert home.count(f'href="{URL}"') == 2  # the menu and the list of CTGs (the home page)


def test_a_new_ctg_has_only_its_territory(client):
    convention = ConventionFactory(communes=[])
    coordinator = user_with_role(Role.COORDINATOR, convention=convention)
    client.force_login(coordinator)
    html = client.get(URL).content.decode()
    assert "0 étape sur 5 faite" in html
    assert done_steps(html) == []
    slug = convention.slug
    for url in (
        f"/ctg/{slug}/territoire/",
        f"/ctg/{slug}/signataires/",
        f"/ctg/{slug}/importer-un-plan/",
        f"/ctg/{slug}/membres/",
        f"/ctg/{slug}/suivi/",
    ):
        assert f'href="{url}"' in html


def test_each_step_is_done_by_what_the_ctg_holds(client):
    convention = ConventionFactory()
    coordinator = user_with_role(Role.COORDINATOR, convention=convention)
    client.force_login(coordinator)
    assert done_steps(client.get(URL).content.decode()) == ["Le territoire"]
    SignatoryFactory(convention=convention)
    action = tracked_action(convention, title="Ouvrir un LAEP à Digne")
    html = client.get(URL).content.decode()
    assert done_steps(html) == ["Le territoire", "Les signataires", "Le plan d'actions"]
    assert f'href="/ctg/{convention.slug}/plan/"' in html  # the plan is there: see it
    Invitation.objects.create(
        convention=convention,
        email="referente@ccas-digne.fr",
        role=Role.REFERENT,
        token_hash="0" * 64,
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    ActionUpdateFactory(node=action, year=2026, quarter=1)
    html = client.get(URL).content.decode()
    assert "5 étapes sur 5 faites" in html
    assert len(done_steps(html)) == 5


def test_another_member_counts_as_people_invited_but_not_the_reader_himself(client):
    convention = ConventionFactory()
    reader = user_with_role(Role.READER, convention=convention)
    client.force_login(reader)
    html = client.get(URL).content.decode()
    assert "Les personnes" not in done_steps(html)
    # A reader gets the reading pages, not the forms he may not open.
    assert f'href="/ctg/{convention.slug}/territoire/"' not in html
    assert "Ces étapes reviennent à la coordination de la CTG et à la Caf" in html
    Membership.objects.create(user=UserFactory(), role=Role.COORDINATOR, convention=convention)
    assert "Les personnes" in done_steps(client.get(URL).content.decode())


def test_a_user_with_several_ctgs_chooses_one(client, django_assert_max_num_queries):
    first, second = ConventionFactory(), ConventionFactory()
    adviser = user_with_role(Role.CAF_ADVISER, departement_code="04")
    client.force_login(adviser)
    ConventionFactory.create_batch(3)
    with django_assert_max_num_queries(8):
        html = client.get(URL).content.decode()
    assert "Choisissez une CTG" in html
    assert f'href="?ctg={first.slug}"' in html
    assert f'href="?ctg={second.slug}"' in html
    html = client.get(URL, {"ctg": second.slug}).content.decode()
    assert second.name in html
    assert "Choisir une autre CTG" in html


def test_a_ctg_the_user_does_not_see_is_not_found(client):
    hidden = ConventionFactory()
    client.force_login(user_with_role(Role.COORDINATOR, convention=ConventionFactory()))
    assert client.get(URL, {"ctg": hidden.slug}).status_code == 404
    assert client.get(URL, {"ctg": "pas-une-ctg"}).status_code == 404


def test_a_user_without_ctg_is_told_how_to_get_one(client):
    client.force_login(UserFactory())
    html = client.get(URL).content.decode()
    assert "Vous n’avez encore accès à aucune CTG." in html


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_the_demo_ctgs_show_their_real_progress(client, session_demo_ctgs):
    client.force_login(UserFactory(superuser=True))
    html = client.get(URL).content.decode()
    for convention in Convention.objects.all():
        assert f'href="?ctg={convention.slug}"' in html
