"""The JSON search endpoints of the territory pickers."""

import pytest
from django.urls import reverse

from pilote.territories.models import Commune
from pilote.territories.queries import communes_of_epci

pytestmark = pytest.mark.django_db

COMMUNES_URL = reverse("territories:commune_search")
EPCI_URL = reverse("territories:epci_search")


@pytest.fixture
def logged_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("agent", password="secret-pw-1"))
    return client


def codes(response) -> list[str]:
    return [r.get("code") or r.get("siren") for r in response.json()["results"]]


@pytest.mark.parametrize("url", [COMMUNES_URL, EPCI_URL])
def test_anonymous_users_are_sent_to_the_login_page(client, url):
    response = client.get(url, {"q": "digne"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_commune_search_ignores_accents_case_and_hyphens(logged_client):
    response = logged_client.get(COMMUNES_URL, {"q": "les mees"})

    assert response.status_code == 200
    assert set(codes(response)) == {"04116", "72192"}  # Les Mées (04) and Les Mées (72)


def test_commune_search_matches_a_later_word_of_the_name(logged_client):
    assert "04116" in codes(logged_client.get(COMMUNES_URL, {"q": "mées"}))


def test_commune_search_puts_the_exact_name_then_the_largest_communes_first(logged_client):
    results = logged_client.get(COMMUNES_URL, {"q": "Digne"}).json()["results"]

    assert results[0] == {
        "code": "04070",
        "name": "Digne-les-Bains",
        "departement": "04",
        "epci": "200067437",
        "epci_name": "CA Provence-Alpes-Agglomération",
        "postal_codes": ["04000"],
        "population": 17979,
        "population_millesime": 2023,
        "label": "Digne-les-Bains (04)",
    }
    assert codes(logged_client.get(COMMUNES_URL, {"q": "paris"}))[0] == "75056"


def test_commune_search_by_insee_or_postal_code(logged_client):
    assert codes(logged_client.get(COMMUNES_URL, {"q": "2a004"})) == ["2A004"]
    assert "04070" in codes(logged_client.get(COMMUNES_URL, {"q": "04000"}))


def test_commune_search_filters_by_departement_and_epci(logged_client):
    in_04 = codes(logged_client.get(COMMUNES_URL, {"q": "les mees", "departement": "04"}))
    in_paa = codes(logged_client.get(COMMUNES_URL, {"q": "saint", "epci": "200067437"}))

    assert in_04 == ["04116"]
    assert in_paa
    assert set(in_paa) <= set(communes_of_epci("200067437").values_list("code", flat=True))


def test_commune_search_needs_two_characters_and_caps_results(logged_client):
    assert codes(logged_client.get(COMMUNES_URL, {"q": "s"})) == []
    assert len(codes(logged_client.get(COMMUNES_URL, {"q": "saint", "limit": "500"}))) == 50
    assert len(codes(logged_client.get(COMMUNES_URL, {"q": "saint", "limit": "x"}))) == 20


def test_commune_search_leaves_out_communes_no_longer_in_the_cog(logged_client):
    Commune.objects.filter(code="04070").update(is_current=False)

    assert "04070" not in codes(logged_client.get(COMMUNES_URL, {"q": "digne"}))


def test_commune_search_runs_a_fixed_number_of_queries(logged_client, django_assert_num_queries):
    # Session and user, then the names that start with the query, then the later words.
    with django_assert_num_queries(4):
        logged_client.get(COMMUNES_URL, {"q": "digne"})


def test_epci_search_by_name_without_accents(logged_client):
    results = logged_client.get(EPCI_URL, {"q": "provence alpes agglomeration"}).json()["results"]

    assert results == [
        {
            "siren": "200067437",
            "name": "CA Provence-Alpes-Agglomération",
            "kind": "CA",
            "kind_label": "Communauté d'agglomération",
            "population_municipale": 48726,
            "population_totale": 50305,
            "population_millesime": 2022,
            "label": "CA Provence-Alpes-Agglomération",
        }
    ]


def test_epci_search_by_siren_prefix_and_departement(logged_client):
    assert "200067437" in codes(logged_client.get(EPCI_URL, {"q": "2000674"}))
    assert codes(logged_client.get(EPCI_URL, {"q": "lyon"}))[0] == "200046977"  # Métropole
    in_04 = codes(logged_client.get(EPCI_URL, {"q": "agglomeration", "departement": "04"}))
    assert "200067437" in in_04
    assert "200046977" not in in_04


def test_communes_of_epci_returns_the_members_by_name():
    communes = communes_of_epci("200067437")

    assert communes.count() == 46
    assert communes.first().name <= communes.last().name
    assert not communes_of_epci("000000000").exists()


@pytest.mark.parametrize("url", [COMMUNES_URL, EPCI_URL])
def test_a_nul_byte_in_a_search_is_ignored_on_every_database(logged_client, url):
    # PostgreSQL refuses NUL in a query: a 500 before.
    response = logged_client.get(url, {"q": "Digne\x00", "departement": "0\x004", "epci": "\x00"})
    assert response.status_code == 200
