"""Two people edit the same petite-enfance page: a save from a stale page is refused."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.facilities.models import EarlyChildhoodSettings, Schema
from tests.concurrent_editing import form_data, race, two_sessions
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(paa):
    return two_sessions(
        user_with_role(Role.COORDINATOR, convention=paa), user_with_role(Role.CAF_ADVISER)
    )


@pytest.fixture
def schema(paa):
    return Schema.objects.get(convention=paa, commune=None)


def url(name, paa, **kwargs):
    return reverse(f"facilities:{name}", kwargs={"slug": paa.slug, **kwargs})


def test_stale_petite_enfance_settings_are_refused(paa, sessions):
    response = race(
        sessions, url("petite_enfance_settings", paa), {"bonus_places": "12"}, {"bonus_places": "9"}
    )
    assert response.status_code == 409
    assert EarlyChildhoodSettings.objects.get(convention=paa).bonus_places == 12


def test_a_stale_schema_page_is_refused(paa, schema, sessions):
    page = url("schema_edit", paa, pk=schema.pk)
    response = race(sessions, page, {"notes": "Notes d'Alice"}, {"notes": "Notes de Bruno"})
    assert response.status_code == 409
    schema.refresh_from_db()
    assert schema.notes == "Notes d'Alice"
    assert form_data(response)["notes"] == ["Notes de Bruno"]


def test_a_stale_schema_table_is_refused(paa, schema, sessions):
    page = url("schema_lines", paa, pk=schema.pk)
    response = race(
        sessions, page, {"lignes-0-current_value": "31"}, {"lignes-0-current_value": "29"}
    )
    assert response.status_code == 409
    assert "Ligne 1 – " in response.content.decode()


def test_a_stale_schema_checklist_is_refused(paa, schema, sessions):
    page = url("schema_checklist", paa, pk=schema.pk)
    reference = next(
        name for name in form_data(sessions[0].get(page)) if name.endswith("_reference")
    )
    response = race(sessions, page, {reference: "annexe 4"}, {reference: "fiche action 2"})
    assert response.status_code == 409


def test_stale_competence_transfers_are_refused(paa, sessions):
    alice, bruno = sessions
    page = url("transfers", paa)
    alice_form, bruno_form = (form_data(client.get(page)) for client in sessions)
    # Whichever commune of the EPCI comes first: Alice ticks one competence, Bruno another.
    name = next(key for key in alice_form if key.startswith("c_"))
    assert alice.post(page, {**alice_form, name: ["recenser"]}).status_code == 302

    response = bruno.post(page, {**bruno_form, name: ["informer"]})

    assert response.status_code == 409
