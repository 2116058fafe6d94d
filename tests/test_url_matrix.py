"""Every page of a CTG, found by walking the URL configuration, is closed to strangers.

New pages are covered as soon as they are routed: anonymous visitors go to the login page, and
a user of another CTG gets a 404 (or 405 on POST-only URLs), never the page. The demo CTGs
(`demo_ctgs`, tests/conftest.py) are loaded once for all of them.
"""

import re

import pytest
from django.urls import (
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership, User
from pilote.conventions.models import Convention
from pilote.plans.models import Indicator, PlanNode

pytestmark = pytest.mark.django_db

# Open without a login: the public page of a CTG is tested below, on its own terms (404 unless
# published), rather than sent to the login page like every other page of a CTG.
PUBLIC = {"accounts:login", "accounts:logout", "public:convention"}
# Open without a login on purpose: a partner without an account opens his or her personal link
# (pilote.monitoring.partners.views_public); the token is the only key, tested below.
PARTNER_FORMS = {"monitoring:partner_form", "monitoring:partner_thanks"}


# The REST API authenticates by itself (a personal token or the session) and answers 401 in JSON,
# not the login page; its schema and documentation are open (tests/api/).
API_ROUTES = {
    "api:schema",
    "api:docs",
    "api:not_found",
    *(
        f"api:{name}-{kind}"
        for name in (
            "convention",
            "plan-node",
            "follow-up-point",
            "indicator",
            "measurement",
            "facility",
            "territory-figure",
            "meeting",
            "decision",
        )
        for kind in ("list", "detail")
    ),
}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def ctg_routes():
    return sorted(
        {
            (name, route)
            for name, route in _patterns()
            if "<slug:slug>" in route and name not in PUBLIC
        }
    )


def _fill(route: str, slug: str, ids: dict[str, int]) -> str:
    def value(match):
        converter, name = match.group(1) or "str", match.group(2)
        if name == "slug":
            return slug
        if converter == "int":
            return str(ids.get(name, ids["pk"]))
        return "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route).lstrip("^").rstrip("$")


def test_the_walk_finds_the_ctg_pages():
    names = {name for name, _ in ctg_routes()}
    assert {"conventions:detail", "conventions:edit", "plans:tree", "plans:node"} <= names


@pytest.mark.parametrize(("name", "route"), ctg_routes())
def test_anonymous_visitors_are_sent_to_login(client, demo_ctgs, name, route):
    convention = demo_ctgs["provence-alpes-agglomeration-2026-2030"]
    node = PlanNode.objects.filter(convention=convention).first()
    url = _fill(route, convention.slug, {"pk": node.pk})
    response = client.get(url)
    assert response.status_code == 302, url
    assert "/connexion/" in response["Location"]


@pytest.mark.parametrize(("name", "route"), ctg_routes())
def test_a_user_of_another_ctg_never_gets_the_page(client, demo_ctgs, name, route):
    target = demo_ctgs["provence-alpes-agglomeration-2026-2030"]
    stranger = User.objects.create_user("stranger", password="x")
    Membership.objects.create(
        user=stranger, role=Role.COORDINATOR, convention=demo_ctgs["tarn-agout-2023-2026"]
    )
    client.force_login(stranger)
    node = PlanNode.objects.filter(convention=target).first()
    indicator = Indicator.objects.filter(convention=target).first()
    ids = {"pk": node.pk, "indicator_pk": indicator.pk if indicator else node.pk}
    url = _fill(route, target.slug, ids)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in (404, 405), f"{method.__name__.upper()} {url}"


def test_the_public_page_is_the_only_ctg_page_open_without_login(client, demo_ctgs):
    open_routes = {name for name, route in _patterns() if name.startswith("public:")}
    assert open_routes == {"public:index", "public:convention", "public:privacy"}
    convention = demo_ctgs["provence-alpes-agglomeration-2026-2030"]
    url = f"/public/{convention.slug}/"
    assert client.get(url).status_code == 404  # not published: as if it did not exist
    Convention.objects.filter(pk=convention.pk).update(is_public=True)
    assert client.get(url).status_code == 200
    assert client.get("/public/").status_code == 200


def _open_routes() -> set[str]:
    """Return the names of the routes whose view runs without a login (login_not_required)."""
    names = set()
    for name, route in _patterns():
        path = _fill(route, "x", {"pk": 1})
        try:
            view = resolve(path).func
        except Resolver404:  # a route with a regular expression the walk cannot fill
            continue
        if getattr(view, "login_required", True) is False:
            names.add(name)
    return names


def test_the_routes_open_without_login_are_known(db):
    assert _open_routes() == {
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "people:invitation",  # accepting an invitation: its token is the key
        "admin:login",
        "public:index",
        "public:convention",
        "public:privacy",
        *PARTNER_FORMS,
        *API_ROUTES,
    }


def test_the_partner_form_answers_404_without_a_valid_token(client, demo_ctgs):
    for name in PARTNER_FORMS:
        response = client.get(reverse(name, kwargs={"token": "x" * 43}))
        assert response.status_code == 404
        assert "Ce lien n’est plus valable" in response.content.decode()
