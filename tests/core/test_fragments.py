"""CTG pages served from fragments cached per content version (pilote.core.fragments)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership
from pilote.conventions.versioning import bump
from pilote.core import fragments
from pilote.governance.enums import BodyKind
from pilote.governance.models import Body, BodyMember
from pilote.monitoring import services
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.periods import Quarter
from pilote.plans.models import PlanNode
from tests.factories import OrganisationFactory, UserFactory, build_tracked_ctg, user_with_role
from tests.versions import commit_bumps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fragment_cache_on(settings):
    settings.FRAGMENT_CACHE = True


@pytest.fixture
def ctg():
    convention, actions = build_tracked_ctg(3)
    commit_bumps()
    return convention, actions


def get(client, name, convention, query=""):
    response = client.get(reverse(name, kwargs={"slug": convention.slug}) + query)
    assert response.status_code == 200
    return response


def from_cache(response) -> bool:
    return fragments.HTML in response.context


def same_page(response) -> str:
    """Return the page without what differs at each request: nonces, tokens, DSFR's random ids."""
    html = re.sub(r'nonce="[^"]*"', "", response.content.decode())
    html = re.sub(r"breadcrumb-[a-z]{16}", "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def record_blocked_update(action, user, done: str) -> None:
    """Record a point for the current quarter and move the CTG's version, as a commit does."""
    now = Quarter.current()
    services.record_update(
        action,
        by=user,
        year=now.year,
        quarter=now.quarter,
        status=UpdateStatus.BLOCKED,
        progress=37,
        done=done,
    )
    commit_bumps()


PAGES = [
    "monitoring:followup",
    "plans:tree",
    "monitoring:dashboard",
    "monitoring:timeline",
    "conventions:detail",
    "facilities:register",
    "monitoring:history",
    "governance:bodies",
]


@pytest.mark.parametrize("name", PAGES)
def test_the_second_reading_comes_from_the_cache_and_shows_the_same(client, ctg, name):
    convention, _ = ctg
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    first, second = get(client, name, convention), get(client, name, convention)
    assert not from_cache(first)
    assert from_cache(second)
    assert same_page(second) == same_page(first)


@pytest.mark.parametrize("name", PAGES)
def test_a_recorded_update_shows_at_once(client, ctg, name):
    convention, actions = ctg
    user = user_with_role(Role.COORDINATOR, convention=convention)
    client.force_login(user)
    get(client, name, convention)
    record_blocked_update(actions[0], user, "Une crèche ouverte à Digne")
    response = get(client, name, convention)
    assert not from_cache(response)
    assert fragments.CSRF_PLACEHOLDER not in response.content.decode()


def test_a_renamed_pilot_shows_at_once_on_the_follow_up_table(client, ctg):
    convention, actions = ctg
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    pilot = actions[0].pilots.first()
    get(client, "monitoring:followup", convention)
    pilot.name = "Centre social des Trois Rivières"
    pilot.save()
    commit_bumps()
    response = get(client, "monitoring:followup", convention)
    assert not from_cache(response)
    assert "Centre social des Trois Rivières" in response.content.decode()


def test_a_referent_never_gets_the_coordinators_table(client, ctg):
    convention, _ = ctg
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    get(client, "monitoring:followup", convention)
    client.force_login(user_with_role(Role.REFERENT, convention=convention))
    response = get(client, "monitoring:followup", convention)
    assert not from_cache(response)


def test_filters_are_part_of_the_key(client, ctg):
    convention, _ = ctg
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    get(client, "monitoring:followup", convention)
    assert not from_cache(get(client, "monitoring:followup", convention, "?retard=1"))
    assert from_cache(get(client, "monitoring:followup", convention, "?retard=1"))


def test_an_editor_posts_with_the_token_of_a_plan_page_read_from_the_cache(ctg):
    convention, actions = ctg
    first = Client(enforce_csrf_checks=True)
    first.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    get(first, "plans:tree", convention)
    second = Client(enforce_csrf_checks=True)
    second.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    page = get(second, "plans:tree", convention)
    assert from_cache(page)
    html = page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    axis = actions[0].parent.parent
    url = reverse("plans:move_down", kwargs={"slug": convention.slug, "pk": axis.pk})
    assert second.post(url, {"csrfmiddlewaretoken": token}).status_code in {200, 302}


def test_a_fragment_holding_a_real_csrf_token_is_not_stored():
    html = '<input type="hidden" name="csrfmiddlewaretoken" value="s3cr3t-token">'
    assert not fragments.store("fragment:test", html, "s3cr3t-token")
    assert cache.get("fragment:test") is None
    assert fragments.store("fragment:test", html.replace("s3cr3t-token", "x"), "s3cr3t-token")


def test_the_key_moves_with_the_version_the_catalogue_the_day_the_variant_and_the_query(
    ctg, monkeypatch
):
    convention, _ = ctg
    key = fragments.fragment_key("plan", convention, (True,), "", catalogue=1)
    assert key == fragments.fragment_key("plan", convention, (True,), "", catalogue=1)
    assert key != fragments.fragment_key("plan", convention, (False,), "", catalogue=1)
    assert key != fragments.fragment_key("plan", convention, (True,), "a=1", catalogue=1)
    assert key != fragments.fragment_key("plan", convention, (True,), "", catalogue=2)
    convention.content_version += 1
    assert key != fragments.fragment_key("plan", convention, (True,), "", catalogue=1)
    convention.content_version -= 1
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(fragments.timezone, "localdate", lambda: tomorrow)
    assert key != fragments.fragment_key("plan", convention, (True,), "", catalogue=1)


def test_nothing_is_stored_when_the_cache_is_off(client, ctg, settings):
    settings.FRAGMENT_CACHE = False
    convention, _ = ctg
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    get(client, "monitoring:followup", convention)
    assert not from_cache(get(client, "monitoring:followup", convention))


def test_the_export_answers_304_until_the_ctg_changes(client, ctg):
    convention, actions = ctg
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    url = reverse("monitoring:followup_export", kwargs={"slug": convention.slug})
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url + "?retard=1", headers={"If-None-Match": etag}).status_code == 200
    actions[0].title = "Créer un relais petite enfance"
    actions[0].save()
    commit_bumps()
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag


def test_a_compressed_answer_s_weak_etag_still_gets_304(client, ctg):
    convention, actions = ctg
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    url = reverse("monitoring:row", kwargs={"slug": convention.slug, "pk": actions[0].pk})
    headers = {"HX-Request": "true", "Accept-Encoding": "gzip"}
    first = client.get(url, headers=headers)
    assert first["Content-Encoding"] == "gzip"
    assert first["ETag"].startswith('W/"')  # GZipMiddleware weakens it
    assert client.get(url, headers={**headers, "If-None-Match": first["ETag"]}).status_code == 304


def test_a_referent_does_not_get_the_coordinators_etag_for_a_row(client, ctg):
    convention, actions = ctg
    url = reverse("monitoring:row", kwargs={"slug": convention.slug, "pk": actions[0].pk})
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    etag = client.get(url, headers={"HX-Request": "true"})["ETag"]
    client.force_login(user_with_role(Role.REFERENT, convention=convention))
    response = client.get(url, headers={"HX-Request": "true", "If-None-Match": etag})
    assert response.status_code == 200


# The page of an action: cached per version, reader's rights and the action.


def action_page(client, action):
    url = reverse("plans:node", kwargs={"slug": action.convention.slug, "pk": action.pk})
    return client.get(url)


def referent_of(organisation, convention):
    user = UserFactory()
    Membership.objects.create(
        user=user, role=Role.REFERENT, convention=convention, organisation=organisation
    )
    return user


def test_an_action_page_is_read_from_the_cache_with_its_title_and_breadcrumb(client, ctg):
    convention, actions = ctg
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    first, second = action_page(client, actions[1]), action_page(client, actions[1])
    assert not from_cache(first)
    assert from_cache(second)
    assert same_page(second) == same_page(first)
    html = second.content.decode()
    assert f"<title>{actions[1].level.name} {actions[1].number}" in html
    assert escape(actions[1].parent.title[:30]) in html  # the fiche, in the breadcrumb
    assert "Ajouter un point de suivi" in html
    # Another action of the same version is another entry.
    assert not from_cache(action_page(client, actions[2]))


def test_an_update_recorded_on_the_action_shows_at_once_on_its_page(client, ctg):
    convention, actions = ctg
    user = user_with_role(Role.COORDINATOR, convention=convention)
    client.force_login(user)
    action_page(client, actions[0])
    record_blocked_update(actions[0], user, "Une crèche ouverte à Sisteron")
    response = action_page(client, actions[0])
    assert not from_cache(response)
    assert "Une crèche ouverte à Sisteron" in response.content.decode()
    assert fragments.CSRF_PLACEHOLDER not in response.content.decode()


def test_each_reader_gets_the_form_his_or_her_rights_give(client, ctg):
    convention, actions = ctg
    action = actions[0]
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    assert "Modifier la fiche" in action_page(client, action).content.decode()
    # The action's pilot's référent may record a point, not edit the fiche.
    client.force_login(referent_of(action.pilots.first(), convention))
    pilot_page = action_page(client, action)
    assert not from_cache(pilot_page)
    assert "Ajouter un point de suivi" in pilot_page.content.decode()
    assert "Modifier la fiche" not in pilot_page.content.decode()
    # Another organisation's référent gets neither, and never the pilot's copy.
    other = OrganisationFactory(name="Association des familles du Haut-Verdon")
    client.force_login(referent_of(other, convention))
    other_page = action_page(client, action)
    assert not from_cache(other_page)
    assert "Ajouter un point de suivi" not in other_page.content.decode()
    # A reader of the CTG gets the page without any form.
    client.force_login(user_with_role(Role.READER, convention=convention))
    assert "Ajouter un point de suivi" not in action_page(client, action).content.decode()


def test_an_internal_action_cached_for_an_editor_is_still_hidden_from_a_reader(client, ctg):
    convention, actions = ctg
    action = actions[0]
    PlanNode.objects.filter(pk=action.pk).update(is_internal=True)
    bump(convention)
    commit_bumps()
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    assert action_page(client, action).status_code == 200
    assert action_page(client, action).status_code == 200  # from the cache
    client.force_login(user_with_role(Role.READER, convention=convention))
    assert action_page(client, action).status_code == 404


def test_a_point_is_recorded_with_the_token_of_an_action_page_read_from_the_cache(ctg):
    convention, actions = ctg
    action = actions[0]
    first = Client(enforce_csrf_checks=True)
    first.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    action_page(first, action)
    second = Client(enforce_csrf_checks=True)
    second.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    page = action_page(second, action)
    assert from_cache(page)
    html = page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert token != fragments.CSRF_PLACEHOLDER
    url = reverse("monitoring:update", kwargs={"slug": convention.slug, "pk": action.pk})
    now = Quarter.current()
    response = second.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            f"maj-{action.pk}-period": f"{now.year}-{now.quarter}",
            f"maj-{action.pk}-status": UpdateStatus.IN_PROGRESS,
            f"maj-{action.pk}-progress": "40",
            f"maj-{action.pk}-done": "Trois réunions des assistantes maternelles",
        },
    )
    assert response.status_code in {200, 302}
    assert action.updates.filter(done__startswith="Trois réunions").exists()


def test_the_members_e_mails_cached_for_an_editor_never_reach_a_reader(client, ctg):
    convention, _ = ctg
    copil = Body.objects.create(convention=convention, kind=BodyKind.COPIL, name="COPIL CTG")
    BodyMember.objects.create(
        body=copil, organisation="Caf", person="Agnès Roux", email="agnes.roux@caf.example.fr"
    )
    commit_bumps()
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    assert (
        "agnes.roux@caf.example.fr" in get(client, "governance:bodies", convention).content.decode()
    )
    client.force_login(user_with_role(Role.READER, convention=convention))
    page = get(client, "governance:bodies", convention)
    assert not from_cache(page)
    assert "Agnès Roux" in page.content.decode()
    assert "agnes.roux@caf.example.fr" not in page.content.decode()
    assert from_cache(get(client, "governance:bodies", convention))
