"""Two people edit the same facility: a save from a stale page is refused, nothing is lost."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.facilities.models import Facility
from tests.concurrent_editing import edited, form_data, two_sessions
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(paa):
    alice = user_with_role(Role.COORDINATOR, convention=paa)
    alice.first_name, alice.last_name = "Alice", "Roux"
    alice.save()
    return two_sessions(alice, user_with_role(Role.CAF_ADVISER))


@pytest.fixture
def facility(paa):
    return Facility.objects.get(convention=paa, name="Les Premiers Pas")


def edit_url(facility):
    return reverse(
        "facilities:facility_edit", kwargs={"slug": facility.convention.slug, "pk": facility.pk}
    )


def test_a_stale_facility_page_is_refused_with_both_capacities(facility, sessions):
    alice, bruno = sessions
    alice_form, bruno_form = (form_data(client.get(edit_url(facility))) for client in sessions)

    assert alice.post(edit_url(facility), edited(alice_form, capacity="40")).status_code == 302
    response = bruno.post(edit_url(facility), edited(bruno_form, capacity="36"))

    assert response.status_code == 409
    facility.refresh_from_db()
    assert facility.capacity == 40
    html = " ".join(response.content.decode().split())
    assert "Dernière modification par Alice Roux" in html
    assert form_data(response)["capacity"] == ["36"]
    # Saving the page again applies the input kept.
    assert bruno.post(edit_url(facility), form_data(response)).status_code == 302
    facility.refresh_from_db()
    assert facility.capacity == 36


def test_a_bonus_saved_meanwhile_is_a_conflict(facility, sessions):
    alice, bruno = sessions
    alice_form, bruno_form = (form_data(client.get(edit_url(facility))) for client in sessions)

    alice.post(edit_url(facility), edited(alice_form, bonus_2026="52000"))
    response = bruno.post(edit_url(facility), edited(bruno_form, bonus_2026="48000"))

    assert response.status_code == 409
    assert facility.bonuses.get(year=2026).amount == 52000
