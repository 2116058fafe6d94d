"""Two people edit the same CTG page: a save from a stale page is refused, nothing is lost."""

import pytest
from django.urls import reverse

from pilote.plans.models import PlanLevel
from tests.concurrent_editing import edited, form_data, two_sessions
from tests.factories import SignatoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(coordinator, caf_adviser):
    coordinator.first_name, coordinator.last_name = "Alice", "Roux"
    coordinator.save()
    return two_sessions(coordinator, caf_adviser)


def page(name, convention):
    return reverse(f"conventions:{name}", kwargs={"slug": convention.slug})


def read_twice(sessions, url):
    return [form_data(client.get(url)) for client in sessions]


def test_a_stale_general_information_page_is_refused(convention, sessions):
    alice, bruno = sessions
    url = page("edit", convention)
    alice_form, bruno_form = read_twice(sessions, url)

    assert (
        alice.post(url, edited(alice_form, description="Version écrite par Alice")).status_code
        == 302
    )
    response = bruno.post(url, edited(bruno_form, description="Version écrite par Bruno"))

    assert response.status_code == 409
    convention.refresh_from_db()
    assert convention.description == "Version écrite par Alice"
    html = " ".join(response.content.decode().split())
    assert "Dernière modification par Alice Roux" in html
    assert "Version écrite par Alice" in html
    assert form_data(response)["description"] == ["Version écrite par Bruno"]


def test_the_general_information_kept_is_applied_on_a_second_save(convention, sessions):
    alice, bruno = sessions
    url = page("edit", convention)
    alice_form, bruno_form = read_twice(sessions, url)
    alice.post(url, edited(alice_form, description="Version écrite par Alice"))
    conflict_page = bruno.post(url, edited(bruno_form, description="Version écrite par Bruno"))

    assert bruno.post(url, form_data(conflict_page)).status_code == 302
    convention.refresh_from_db()
    assert convention.description == "Version écrite par Bruno"


def test_an_invalid_save_keeps_the_version_read(convention, sessions):
    alice, bruno = sessions
    url = page("edit", convention)
    alice_form, bruno_form = read_twice(sessions, url)
    alice.post(url, edited(alice_form, description="Version écrite par Alice"))
    invalid = bruno.post(url, edited(bruno_form, name=""))
    assert invalid.status_code == 200

    response = bruno.post(url, edited(form_data(invalid), name="CTG de Bruno"))

    assert response.status_code == 409


def test_a_stale_signatories_page_is_refused(convention, sessions):
    alice, bruno = sessions
    SignatoryFactory(convention=convention, organisation="Caf des Alpes-de-Haute-Provence")
    url = page("signatories", convention)
    alice_form, bruno_form = read_twice(sessions, url)

    alice.post(url, edited(alice_form, **{"signataires-0-representative": "Mme Aline Garcin"}))
    response = bruno.post(url, edited(bruno_form, **{"signataires-0-representative": "M. Blanc"}))

    assert response.status_code == 409
    html = response.content.decode()
    assert "Signataire 1 – " in html
    assert "Mme Aline Garcin" in html
    assert convention.signatories.get().representative == "Mme Aline Garcin"


def test_a_stale_amendments_page_is_refused(convention, sessions):
    alice, bruno = sessions
    url = page("amendments", convention)
    alice_form, bruno_form = read_twice(sessions, url)

    alice.post(
        url, edited(alice_form, **{"avenants-0-date": "2027-03-01", "avenants-0-subject": "A"})
    )
    response = bruno.post(
        url, edited(bruno_form, **{"avenants-0-date": "2027-04-01", "avenants-0-subject": "B"})
    )

    assert response.status_code == 409
    assert list(convention.amendments.values_list("subject", flat=True)) == ["A"]


def test_a_stale_levels_page_is_refused(convention, sessions):
    alice, bruno = sessions
    url = page("levels", convention)
    alice_form, bruno_form = read_twice(sessions, url)

    alice.post(url, edited(alice_form, **{"niveaux-0-name": "Axe stratégique"}))
    response = bruno.post(url, edited(bruno_form, **{"niveaux-0-name": "Orientation"}))

    assert response.status_code == 409
    assert "Niveau 1 – " in response.content.decode()
    first = PlanLevel.objects.filter(convention=convention).order_by("position").first()
    assert first.name == "Axe stratégique"
