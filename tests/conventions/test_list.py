import datetime

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.conventions.enums import ConventionStatus
from tests.factories import SignedConventionFactory as ConventionFactory
from tests.factories import paa_communes, user_with_role

LIST_URL = reverse("conventions:list")


@pytest.fixture
def adviser(db):
    return user_with_role(Role.CAF_ADVISER)


def names(response) -> list[str]:
    return [c.name for c in response.context["page_obj"]]


def test_list_shows_the_ctg_facts_in_a_captioned_table(client, adviser):
    ConventionFactory(name="CTG Provence-Alpes-Agglomération 2026-2030", communes=True)
    client.force_login(adviser)

    response = client.get(LIST_URL)

    html = response.content.decode()
    assert "<caption>" in html
    assert "CTG Provence-Alpes-Agglomération 2026-2030" in html
    assert "04 – Alpes-de-Haute-Provence" in html
    assert "CA Provence-Alpes-Agglomération" in html
    assert "01/01/2026 – 31/12/2030" in html
    assert "Signée" in html
    assert response.context["page_obj"][0].commune_count == 10


def test_commune_count_is_not_multiplied_by_memberships(client, adviser):
    convention = ConventionFactory(communes=True)
    # The adviser also holds CTG-level roles: the visibility joins must not inflate the count.
    user_with_role(Role.COORDINATOR, convention=convention)
    from pilote.accounts.models import Membership

    Membership.objects.create(user=adviser, role=Role.READER, convention=convention)
    Membership.objects.create(user=adviser, role=Role.REFERENT, convention=convention)
    client.force_login(adviser)

    response = client.get(LIST_URL)

    assert [c.commune_count for c in response.context["page_obj"]] == [10]


def test_filter_by_status(client, adviser):
    ConventionFactory(name="Signée", status=ConventionStatus.SIGNED)
    ConventionFactory(name="En préparation", status=ConventionStatus.PREPARATION)
    client.force_login(adviser)

    response = client.get(LIST_URL, {"status": ConventionStatus.PREPARATION})

    assert names(response) == ["En préparation"]


def test_filter_by_epci(client, superuser):
    ConventionFactory(name="Avec PAA")
    ConventionFactory(name="Sans EPCI", epci=None)
    client.force_login(superuser)

    response = client.get(LIST_URL, {"epci": "200067437"})

    assert names(response) == ["Avec PAA"]


def test_filter_by_departement(client, superuser):
    ConventionFactory(name="Caf 04")
    ConventionFactory(name="Caf 05", other_departement=True)
    client.force_login(superuser)

    response = client.get(LIST_URL, {"departement": "05"})

    assert names(response) == ["Caf 05"]


def test_filter_choices_only_list_what_the_user_sees(client, adviser):
    ConventionFactory(other_departement=True)
    ConventionFactory()
    client.force_login(adviser)

    response = client.get(LIST_URL)

    choices = [str(d) for d in response.context["filter"].filters["departement"].queryset]
    assert choices == ["04 – Alpes-de-Haute-Provence"]


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2022, ["2020-2023"]), (2024, ["2024-2028"]), (2026, ["2024-2028"]), (2031, [])],
)
def test_filter_ctgs_active_in_a_year(client, adviser, year, expected):
    ConventionFactory(
        name="2020-2023",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2023, 12, 31),
    )
    ConventionFactory(
        name="2024-2028",
        start_date=datetime.date(2024, 7, 1),
        end_date=datetime.date(2028, 6, 30),
    )
    client.force_login(adviser)

    response = client.get(LIST_URL, {"year": year})

    assert names(response) == expected


def test_filter_by_start_and_end_dates(client, adviser):
    ConventionFactory(
        name="Ancienne", start_date=datetime.date(2019, 1, 1), end_date=datetime.date(2022, 12, 31)
    )
    ConventionFactory(name="Nouvelle")
    client.force_login(adviser)

    response = client.get(LIST_URL, {"start_after": "2020-01-01", "end_before": "2031-01-01"})

    assert names(response) == ["Nouvelle"]


def test_invalid_year_gives_a_french_error_and_keeps_the_list(client, adviser):
    ConventionFactory()
    client.force_login(adviser)

    response = client.get(LIST_URL, {"year": "26"})

    assert "Indiquez une année sur quatre chiffres" in response.content.decode()
    assert len(names(response)) == 1


def test_filter_without_result_says_so(client, adviser):
    ConventionFactory()
    client.force_login(adviser)

    response = client.get(LIST_URL, {"name": "introuvable"})

    assert "Aucune CTG ne correspond à ces filtres." in response.content.decode()


def test_list_is_paginated_by_25_and_keeps_the_filters(client, adviser):
    for index in range(30):
        ConventionFactory(name=f"CTG {index:02d}", status=ConventionStatus.ACTIVE)
    client.force_login(adviser)

    first = client.get(LIST_URL, {"status": "active"})
    second = client.get(LIST_URL, {"status": "active", "page": 2})

    assert len(names(first)) == 25
    assert len(names(second)) == 5
    assert "status=active&amp;page=2" in first.content.decode()
    assert 'aria-current="page"' in second.content.decode()


@pytest.mark.parametrize("role", ["superuser", "caf_adviser"])
def test_list_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, superuser, role
):
    communes = paa_communes()
    for index in range(30):
        convention = ConventionFactory(name=f"CTG {index:02d}")
        convention.communes.set(communes[: index % 10 + 1])
    user = superuser if role == "superuser" else user_with_role(Role.CAF_ADVISER)
    client.force_login(user)

    # session, user, can_create, count, page, département and EPCI choices, memberships (nav)
    with django_assert_max_num_queries(9):
        response = client.get(LIST_URL, {"status": "signed", "year": 2027})

    assert response.status_code == 200
    assert len(names(response)) == 25


def test_epci_filter_lists_the_visible_epcis_and_keeps_the_chosen_one_selected(client, superuser):
    ConventionFactory(name="Avec PAA")
    client.force_login(superuser)

    response = client.get(LIST_URL, {"epci": "200067437"})

    html = response.content.decode()
    epci_select = html[html.index('<select name="epci"') :].split("</select>")[0]
    assert '<option value="">Tous</option>' in epci_select
    assert (
        '<option value="200067437" selected>CA Provence-Alpes-Agglomération</option>' in epci_select
    )
    assert epci_select.count(" selected") == 1


def test_ctgs_seen_through_a_role_and_as_adviser_are_listed_once(client, adviser):
    own = ConventionFactory(name="Caf 04")
    elsewhere = ConventionFactory(name="Caf 05, où je suis lecteur", other_departement=True)
    hidden = ConventionFactory(name="Caf 05, sans rôle", other_departement=True)
    from pilote.accounts.models import Membership

    Membership.objects.create(user=adviser, role=Role.READER, convention=own)
    Membership.objects.create(user=adviser, role=Role.READER, convention=elsewhere)
    client.force_login(adviser)

    response = client.get(LIST_URL)

    assert sorted(names(response)) == sorted([own.name, elsewhere.name])
    assert hidden.name not in names(response)
    assert response.context["page_obj"].paginator.count == 2
