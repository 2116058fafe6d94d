"""Who reaches which CTG page: every role against every page (200, 302 to login, 403 or 404).

CTG A is the CTG of Caf 04 under test; CTG B is another CTG of Caf 04 with its own people.
"""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from tests.factories import SignedConventionFactory as ConventionFactory
from tests.factories import UserFactory, user_with_role

ROLES = [
    "superuser",
    "caf_adviser",
    "caf_adviser_other_departement",
    "coordinator",
    "coordinator_other_ctg",
    "referent",
    "reader",
    "anonymous",
]
# What each role may do with CTG A.
VIEWERS = {"superuser", "caf_adviser", "coordinator", "referent", "reader"}
EDITORS = {"superuser", "caf_adviser", "coordinator"}
CREATORS = {"superuser", "caf_adviser", "caf_adviser_other_departement"}

CTG_PAGES = ["detail", "edit", "territory", "signatories", "amendments", "levels", "export"]
EDIT_PAGES = {"edit", "territory", "signatories", "amendments", "levels"}


@pytest.fixture
def ctg_a(db):
    return ConventionFactory(communes=True, slug="ctg-a")


@pytest.fixture
def ctg_b(db):
    return ConventionFactory(slug="ctg-b")


def make_user(role: str, ctg_a, ctg_b):
    match role:
        case "superuser":
            return UserFactory(superuser=True)
        case "caf_adviser":
            return user_with_role(Role.CAF_ADVISER, departement_code="04")
        case "caf_adviser_other_departement":
            return user_with_role(Role.CAF_ADVISER, departement_code="05")
        case "coordinator":
            return user_with_role(Role.COORDINATOR, convention=ctg_a)
        case "coordinator_other_ctg":
            return user_with_role(Role.COORDINATOR, convention=ctg_b)
        case "referent":
            return user_with_role(Role.REFERENT, convention=ctg_a)
        case "reader":
            return user_with_role(Role.READER, convention=ctg_a)
    return None


def expected_status(role: str, page: str) -> int:
    if role == "anonymous":
        return 302
    if page in {"list"}:
        return 200
    if page in {"create", "import"}:
        return 200 if role in CREATORS else 403
    if role not in VIEWERS:
        return 404  # a CTG one may not see does not exist for him or her
    if page in EDIT_PAGES and role not in EDITORS:
        return 403
    return 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["list", "create", "import", *CTG_PAGES])
def test_access_matrix(client, ctg_a, ctg_b, role, page):
    user = make_user(role, ctg_a, ctg_b)
    if user is not None:
        client.force_login(user)
    kwargs = {"slug": ctg_a.slug} if page in CTG_PAGES else {}
    url = reverse(f"conventions:{page}", kwargs=kwargs)

    response = client.get(url)

    assert response.status_code == expected_status(role, page)
    if response.status_code == 302:
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("page", sorted(EDIT_PAGES))
def test_read_only_roles_cannot_post_on_edit_pages(client, ctg_a, ctg_b, page):
    referent = make_user("referent", ctg_a, ctg_b)
    client.force_login(referent)

    response = client.post(reverse(f"conventions:{page}", kwargs={"slug": ctg_a.slug}), {})

    assert response.status_code == 403


@pytest.mark.parametrize("page", CTG_PAGES)
def test_coordinator_of_ctg_a_gets_404_on_every_page_of_ctg_b(client, ctg_a, ctg_b, page):
    client.force_login(make_user("coordinator", ctg_a, ctg_b))

    response = client.get(reverse(f"conventions:{page}", kwargs={"slug": ctg_b.slug}))

    assert response.status_code == 404


def test_coordinator_of_ctg_a_cannot_post_to_ctg_b(client, ctg_a, ctg_b):
    client.force_login(make_user("coordinator", ctg_a, ctg_b))

    response = client.post(
        reverse("conventions:edit", kwargs={"slug": ctg_b.slug}), {"name": "Piratée"}
    )

    assert response.status_code == 404
    ctg_b.refresh_from_db()
    assert ctg_b.name != "Piratée"


@pytest.mark.parametrize(
    ("role", "sees_notes"),
    [
        ("superuser", True),
        ("caf_adviser", True),
        ("coordinator", True),
        ("referent", False),
        ("reader", False),
    ],
)
def test_internal_notes_only_for_editors(client, ctg_a, ctg_b, role, sees_notes):
    client.force_login(make_user(role, ctg_a, ctg_b))

    response = client.get(reverse("conventions:detail", kwargs={"slug": ctg_a.slug}))

    assert (ctg_a.internal_notes in response.content.decode()) is sees_notes
    assert ("Notes internes" in response.content.decode()) is sees_notes


def test_list_shows_only_visible_ctgs(client, ctg_a, ctg_b):
    other_departement = ConventionFactory(other_departement=True, name="CTG du Gapençais")
    client.force_login(make_user("coordinator", ctg_a, ctg_b))

    response = client.get(reverse("conventions:list"))

    names = [c.name for c in response.context["page_obj"]]
    assert names == [ctg_a.name]
    assert other_departement.name not in response.content.decode()


def test_caf_adviser_lists_every_ctg_of_the_departement_only(client, ctg_a, ctg_b):
    ConventionFactory(other_departement=True, name="CTG du Gapençais")
    client.force_login(make_user("caf_adviser", ctg_a, ctg_b))

    response = client.get(reverse("conventions:list"))

    assert {c.slug for c in response.context["page_obj"]} == {"ctg-a", "ctg-b"}


@pytest.mark.parametrize(("role", "shows_button"), [("caf_adviser", True), ("coordinator", False)])
def test_new_ctg_button_only_for_creators(client, ctg_a, ctg_b, role, shows_button):
    client.force_login(make_user(role, ctg_a, ctg_b))

    response = client.get(reverse("conventions:list"))

    assert (reverse("conventions:create") in response.content.decode()) is shows_button


@pytest.mark.parametrize(("role", "shows_link"), [("coordinator", True), ("referent", False)])
def test_edit_link_in_the_ctg_navigation_only_for_editors(client, ctg_a, ctg_b, role, shows_link):
    client.force_login(make_user(role, ctg_a, ctg_b))

    response = client.get(reverse("conventions:detail", kwargs={"slug": ctg_a.slug}))

    edit_url = reverse("conventions:edit", kwargs={"slug": ctg_a.slug})
    assert (f'href="{edit_url}"' in response.content.decode()) is shows_link
