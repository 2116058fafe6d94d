"""Two people edit the same fiche: the second save from a stale page is refused, nothing lost."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from tests.concurrent_editing import edited, form_data, two_sessions
from tests.factories import PlanNodeFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def fiche(convention):
    node = PlanNodeFactory(convention=convention, title="Observatoire social territorial")
    node.budget_lines.create(funder="PAA", amount=2500, year=2027)
    return node


@pytest.fixture
def sessions(convention):
    alice = user_with_role(Role.COORDINATOR, convention=convention)
    alice.first_name, alice.last_name = "Alice", "Roux"
    alice.save()
    bruno = user_with_role(Role.CAF_ADVISER)
    return two_sessions(alice, bruno)


def edit_url(node):
    return reverse("plans:edit", kwargs={"slug": node.convention.slug, "pk": node.pk})


def test_the_second_save_from_a_stale_page_is_refused_and_shows_both(fiche, sessions):
    alice, bruno = sessions
    alice_form = form_data(alice.get(edit_url(fiche)))
    bruno_form = form_data(bruno.get(edit_url(fiche)))

    first = alice.post(edit_url(fiche), edited(alice_form, title="Observatoire des familles"))
    second = bruno.post(
        edit_url(fiche), edited(bruno_form, objective="Mieux connaître les besoins")
    )

    assert first.status_code == 302
    assert second.status_code == 409
    fiche.refresh_from_db()
    assert fiche.title == "Observatoire des familles"
    assert fiche.objective == ""
    html = " ".join(second.content.decode().split())
    assert "Quelqu'un a modifié cette page pendant que vous la modifiiez" in html
    assert "Dernière modification par Alice Roux" in html
    conflict = html[html.index('id="conflit"') : html.index("</table>")]
    assert "Observatoire des familles" in conflict  # Alice's title, stored
    assert "Observatoire social territorial" in conflict  # Bruno's title, as he read it
    assert "Mieux connaître les besoins" in conflict  # Bruno's own change
    # Bruno's input stays in the form, which now carries the fresh version.
    kept = form_data(second)
    assert kept["objective"] == ["Mieux connaître les besoins"]
    assert kept["version"] != bruno_form["version"]


def test_saving_the_conflict_page_again_applies_the_input_kept(fiche, sessions):
    alice, bruno = sessions
    alice_form = form_data(alice.get(edit_url(fiche)))
    bruno_form = form_data(bruno.get(edit_url(fiche)))
    alice.post(edit_url(fiche), edited(alice_form, title="Observatoire des familles"))
    conflict_page = bruno.post(edit_url(fiche), edited(bruno_form, objective="Mieux connaître"))

    kept = edited(form_data(conflict_page), title="Observatoire des familles")
    response = bruno.post(edit_url(fiche), kept)

    assert response.status_code == 302
    fiche.refresh_from_db()
    assert (fiche.title, fiche.objective) == ("Observatoire des familles", "Mieux connaître")


def test_a_change_of_budget_line_is_a_conflict_too(fiche, sessions):
    alice, bruno = sessions
    alice_form = form_data(alice.get(edit_url(fiche)))
    bruno_form = form_data(bruno.get(edit_url(fiche)))
    alice.post(edit_url(fiche), edited(alice_form, **{"budget-0-amount": "3000"}))

    response = bruno.post(edit_url(fiche), edited(bruno_form, **{"budget-0-amount": "1000"}))

    assert response.status_code == 409
    assert "Ligne budgétaire 1 – " in response.content.decode()
    assert fiche.budget_lines.get().amount == 3000


def test_a_move_meanwhile_is_no_conflict(convention, fiche, sessions):
    alice, bruno = sessions
    PlanNodeFactory(convention=convention, title="Avant")
    bruno_form = form_data(bruno.get(edit_url(fiche)))
    up = reverse("plans:move_down", kwargs={"slug": convention.slug, "pk": fiche.pk})
    assert alice.post(up).status_code in (200, 302)

    response = bruno.post(edit_url(fiche), edited(bruno_form, objective="Mieux connaître"))

    assert response.status_code == 302


def test_the_same_input_as_the_stored_one_is_saved(fiche, sessions):
    alice, bruno = sessions
    alice_form = form_data(alice.get(edit_url(fiche)))
    bruno_form = form_data(bruno.get(edit_url(fiche)))
    alice.post(edit_url(fiche), edited(alice_form, title="Observatoire des familles"))

    response = bruno.post(edit_url(fiche), edited(bruno_form, title="Observatoire des familles"))

    assert response.status_code == 302


def test_the_version_is_the_same_on_two_readings(fiche, sessions):
    alice, bruno = sessions
    assert (
        form_data(alice.get(edit_url(fiche)))["version"]
        == form_data(bruno.get(edit_url(fiche)))["version"]
    )
