import pytest
from django.urls import reverse

from pilote.territories.models import Commune
from tests.factories import PAA_SIREN, gap
from tests.factories import LastLevelNodeFactory as PlanNodeFactory


def territory_url(convention) -> str:
    return reverse("conventions:territory", kwargs={"slug": convention.slug})


def codes(convention) -> set[str]:
    return set(convention.communes.values_list("code", flat=True))


def test_territory_page_lists_the_communes_with_remove_checkboxes(client, convention, coordinator):
    client.force_login(coordinator)

    response = client.get(territory_url(convention))

    html = response.content.decode()
    assert 'id="retrait-04070"' in html
    assert "Retirer Digne-les-Bains (04070)" in html
    assert f'<option value="{PAA_SIREN}" selected>' in html


def test_remove_and_add_communes_in_one_submit(client, convention, coordinator):
    gap()
    client.force_login(coordinator)

    response = client.post(
        territory_url(convention),
        {"epci": PAA_SIREN, "remove": ["04001", "04205"], "add": ["05061"], "commune_codes": ""},
    )

    assert response.status_code == 302
    assert "04001" not in codes(convention)
    assert "04205" not in codes(convention)
    assert "05061" in codes(convention)
    assert len(codes(convention)) == 9


def test_add_all_communes_of_the_epci(client, convention, coordinator):
    client.force_login(coordinator)

    client.post(territory_url(convention), {"epci": PAA_SIREN, "add_epci_communes": "on"})

    expected = set(Commune.objects.filter(epci_id=PAA_SIREN).values_list("code", flat=True))
    assert codes(convention) == expected


def test_add_by_insee_codes_and_change_epci_to_none(client, convention, coordinator):
    client.force_login(coordinator)

    client.post(territory_url(convention), {"epci": "", "commune_codes": "04070 04110"})

    convention.refresh_from_db()
    assert convention.epci is None
    assert "04110" in codes(convention) or not Commune.objects.filter(code="04110").exists()


def test_unknown_insee_code_is_refused_and_nothing_changes(client, convention, coordinator):
    before = codes(convention)
    client.force_login(coordinator)

    response = client.post(
        territory_url(convention), {"epci": PAA_SIREN, "remove": ["04001"], "add": ["99999"]}
    )

    assert response.status_code == 200
    assert "Aucune commune du Code officiel géographique ne porte ces codes INSEE : 99999." in (
        response.content.decode()
    )
    assert codes(convention) == before


def test_commune_used_by_a_plan_element_cannot_leave_the_territory(client, convention, coordinator):
    digne = Commune.objects.get(code="04070")
    node = PlanNodeFactory(convention=convention, number="2.1", title="Ouvrir un RPE à Digne")
    node.communes.add(digne)
    client.force_login(coordinator)

    response = client.post(
        territory_url(convention), {"epci": PAA_SIREN, "remove": ["04070", "04001"]}
    )

    html = response.content.decode().replace("&#x27;", "'")
    assert "Impossible de retirer cette commune du territoire" in html
    assert "Digne-les-Bains (04070) est citée par : 2.1 « Ouvrir un RPE à Digne »" in html
    assert {"04070", "04001"} <= codes(convention)  # nothing removed: one transaction


def test_commune_search_without_javascript_renders_the_whole_page(client, convention, coordinator):
    gap()
    client.force_login(coordinator)

    response = client.get(territory_url(convention), {"q": "Gap"})

    html = response.content.decode()
    assert "<h1" in html
    assert 'id="ajout-05061"' in html


def test_commune_search_with_htmx_returns_the_results_only(client, convention, coordinator):
    gap()
    client.force_login(coordinator)

    response = client.get(territory_url(convention), {"q": "Gap"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<h1" not in html
    assert 'id="ajout-05061"' in html


def test_commune_search_leaves_out_the_communes_already_in_the_territory(
    client, convention, coordinator
):
    client.force_login(coordinator)

    response = client.get(territory_url(convention), {"q": "04070"}, headers={"HX-Request": "true"})

    assert 'id="ajout-04070"' not in response.content.decode()
    assert "Aucune commune hors du territoire" in response.content.decode()


@pytest.mark.parametrize("query", ["", "a"])
def test_short_search_shows_nothing(client, convention, coordinator, query):
    client.force_login(coordinator)

    response = client.get(territory_url(convention), {"q": query}, headers={"HX-Request": "true"})

    assert 'id="ajout-' not in response.content.decode()
