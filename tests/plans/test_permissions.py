"""Who may read and who may change a CTG's plan, page by page."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from tests.factories import ConventionFactory, PlanNodeFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

READ_VIEWS = ["tree", "node", "search"]
EDIT_VIEWS = ["add", "edit", "move", "delete", "renumber", "move_up", "move_down"]
POST_ONLY = {"move_up", "move_down"}


def url(name, convention, node):
    kwargs = {"slug": convention.slug}
    if name in {"node", "edit", "move", "delete", "move_up", "move_down"}:
        kwargs["pk"] = node.pk
    return reverse(f"plans:{name}", kwargs=kwargs)


def make_user(who, convention):
    other = ConventionFactory()
    return {
        "superuser": lambda: UserFactory(superuser=True),
        "caf_same_departement": lambda: user_with_role(Role.CAF_ADVISER, departement_code="04"),
        "caf_other_departement": lambda: user_with_role(Role.CAF_ADVISER, departement_code="13"),
        "coordinator": lambda: user_with_role(Role.COORDINATOR, convention=convention),
        "coordinator_elsewhere": lambda: user_with_role(Role.COORDINATOR, convention=other),
        "referent": lambda: user_with_role(Role.REFERENT, convention=convention),
        "reader": lambda: user_with_role(Role.READER, convention=convention),
    }[who]()


# Expected status for a read page and for an edit page.
MATRIX = {
    "superuser": (200, 200),
    "caf_same_departement": (200, 200),
    "caf_other_departement": (404, 404),
    "coordinator": (200, 200),
    "coordinator_elsewhere": (404, 404),
    "referent": (200, 403),
    "reader": (200, 403),
}


@pytest.fixture
def plan(convention):
    axe = PlanNodeFactory(convention=convention, title="Cohésion territoriale")
    fiche = PlanNodeFactory(convention=convention, parent=axe, title="Coordination")
    PlanNodeFactory(convention=convention, parent=axe, title="Accès aux droits")
    return fiche


def request(client, name, convention, node):
    target = url(name, convention, node)
    if name in POST_ONLY:
        return client.post(target)
    return client.get(target)


@pytest.mark.parametrize("who", MATRIX)
@pytest.mark.parametrize("name", READ_VIEWS + EDIT_VIEWS)
def test_permission_matrix(client, convention, plan, who, name):
    client.force_login(make_user(who, convention))
    response = request(client, name, convention, plan)
    read_status, edit_status = MATRIX[who]
    expected = read_status if name in READ_VIEWS else edit_status
    if expected == 200 and name in POST_ONLY:
        expected = 302  # the plain POST fallback redirects to the tree
    assert response.status_code == expected


@pytest.mark.parametrize("name", READ_VIEWS + EDIT_VIEWS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, convention, plan, name):
    response = request(client, name, convention, plan)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["node", "edit", "move", "delete", "move_up"])
def test_an_element_of_another_ctg_is_not_found(editor_client, convention, other_convention, name):
    foreign = PlanNodeFactory(convention=other_convention)
    assert request(editor_client, name, convention, foreign).status_code == 404


def test_adding_under_a_parent_of_another_ctg_is_not_found(
    editor_client, convention, other_convention
):
    foreign = PlanNodeFactory(convention=other_convention)
    response = editor_client.get(url("add", convention, None) + f"?parent={foreign.pk}")
    assert response.status_code == 404


def test_read_only_users_see_the_tree_without_controls(client, convention, plan, reader):
    client.force_login(reader)
    response = client.get(url("tree", convention, plan))
    html = response.content.decode()
    assert "Coordination" in html
    assert "Monter" not in html
    assert reverse("plans:add", kwargs={"slug": convention.slug}) not in html


def test_editors_see_the_controls(editor_client, convention, plan):
    html = editor_client.get(url("tree", convention, plan)).content.decode()
    assert "Monter Fiche action « Coordination »" in html
    assert url("delete", convention, plan) in html
