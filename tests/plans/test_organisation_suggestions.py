"""The pilots' and partners' suggestions never name an organisation of a CTG the user cannot see."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.accounts.models import Organisation
from tests.factories import ConventionFactory, PlanNodeFactory, user_with_role

pytestmark = pytest.mark.django_db

OURS = "Relais petite enfance Les Mées"
THEIRS = "Centre social de Sisteron — projet confidentiel"


@pytest.fixture
def two_ctgs():
    """Two CTGs of the same département, each with a pilot of its own."""
    ours, theirs = ConventionFactory(), ConventionFactory()
    PlanNodeFactory(convention=ours).pilots.add(Organisation.objects.create(name=OURS))
    PlanNodeFactory(convention=theirs).partners.add(Organisation.objects.create(name=THEIRS))
    return ours, theirs


def suggestions(client, convention) -> str:
    response = client.get(reverse("plans:add", kwargs={"slug": convention.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_a_coordinator_is_offered_the_organisations_of_their_ctg_only(client, two_ctgs):
    ours, _theirs = two_ctgs
    client.force_login(user_with_role(Role.COORDINATOR, convention=ours))

    page = suggestions(client, ours)

    assert f'<option value="{OURS}">' in page
    assert THEIRS not in page  # offered before: same département


def test_a_caf_adviser_is_offered_those_of_every_ctg_of_the_departement(client, two_ctgs):
    ours, _theirs = two_ctgs
    client.force_login(user_with_role(Role.CAF_ADVISER, departement_code="04"))

    page = suggestions(client, ours)

    assert f'<option value="{OURS}">' in page
    assert f'<option value="{THEIRS}">' in page


def test_the_suggestions_of_the_edit_page_are_scoped_too(client, two_ctgs):
    ours, _theirs = two_ctgs
    node = ours.plan_nodes.get()
    client.force_login(user_with_role(Role.COORDINATOR, convention=ours))

    response = client.get(reverse("plans:edit", kwargs={"slug": ours.slug, "pk": node.pk}))

    assert OURS in response.content.decode()
    assert THEIRS not in response.content.decode()
