"""The petite-enfance pages on the demo CTG of seed 003: who sees and changes what, what they show,
and how bad input is refused."""

import re
from html import unescape

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.facilities.enums import (
    Competence,
    FacilityStatus,
    PopulationBasis,
    SchemaContent,
    SchemaMode,
)
from pilote.facilities.models import (
    CompetenceTransfer,
    EarlyChildhoodSettings,
    Facility,
    Schema,
    SchemaLine,
)
from pilote.facilities.petite_enfance.services import (
    PetiteEnfanceError,
    SchemaData,
    create_schema,
    set_transfers,
)
from tests.factories import ConventionFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

CHATEAU_ARNOUX, LES_MEES, PEYRUIS, DIGNE, MALIJAI = "04049", "04116", "04149", "04070", "04108"


@pytest.fixture
def epci_schema(paa):
    return Schema.objects.get(convention=paa, commune=None)


def make_user(who: str, convention):
    if who == "anonymous":
        return None
    if who == "caf_adviser":
        return user_with_role(Role.CAF_ADVISER)
    if who == "other_ctg":
        return user_with_role(Role.COORDINATOR, convention=ConventionFactory())
    return user_with_role(
        {"coordinator": Role.COORDINATOR, "referent": Role.REFERENT, "reader": Role.READER}[who],
        convention=convention,
    )


def url(name: str, convention, **kwargs) -> str:
    return reverse(f"facilities:{name}", kwargs={"slug": convention.slug, **kwargs})


# ----------------------------------------------------------------------------- permissions

READ_EXPECTED = {
    "caf_adviser": 200,
    "coordinator": 200,
    "referent": 200,
    "reader": 200,
    "other_ctg": 404,
    "anonymous": 302,
}
EDIT_EXPECTED = {**READ_EXPECTED, "referent": 403, "reader": 403}
WHO = list(READ_EXPECTED)


READ_PAGES = ["petite_enfance", "schema", "schema_export_xlsx", "schema_export_pdf"]
# The deletion comes last: an editor's POST there removes the schéma the others use.
EDIT_PAGES = [
    "petite_enfance_settings",
    "transfers",
    "schema_create",
    "schema_edit",
    "schema_lines",
    "schema_checklist",
    "schema_delete",
]
WITHOUT_PK = {"petite_enfance", "petite_enfance_settings", "transfers", "schema_create"}


def _page_url(name, convention, schema) -> str:
    return url(name, convention) if name in WITHOUT_PK else url(name, convention, pk=schema.pk)


@pytest.mark.parametrize("who", WHO)
def test_everyone_who_sees_the_ctg_reads_the_petite_enfance_pages(client, paa, epci_schema, who):
    user = make_user(who, paa)
    if user:
        client.force_login(user)
    for name in READ_PAGES:
        response = client.get(_page_url(name, paa, epci_schema))
        assert response.status_code == READ_EXPECTED[who], name
        if who == "anonymous":
            assert "/connexion/" in response["Location"]


@pytest.mark.parametrize("who", WHO)
def test_only_editors_get_the_forms(client, paa, epci_schema, who):
    user = make_user(who, paa)
    if user:
        client.force_login(user)
    expected = EDIT_EXPECTED[who]
    for name in EDIT_PAGES:
        target = _page_url(name, paa, epci_schema)
        assert client.get(target).status_code == expected, f"GET {name}"
        response = client.post(target, {})
        allowed = (200, 302) if expected == 200 else (expected,)
        assert response.status_code in allowed, f"POST {name}"


@pytest.mark.parametrize("who", ["referent", "reader", "other_ctg", "anonymous"])
def test_a_refused_post_changes_nothing(client, paa, epci_schema, who):
    user = make_user(who, paa)
    if user:
        client.force_login(user)
    client.post(url("schema_delete", paa, pk=epci_schema.pk))
    client.post(url("transfers", paa), {})
    assert Schema.objects.filter(pk=epci_schema.pk).exists()
    assert CompetenceTransfer.objects.filter(convention=paa).count() == 43 * 4


def test_readers_see_no_edit_link(client, paa):
    client.force_login(make_user("reader", paa))
    html = client.get(url("petite_enfance", paa)).content.decode()
    assert "Créer un schéma" not in html
    assert url("petite_enfance_settings", paa) not in html
    assert url("transfers", paa) not in html


# ----------------------------------------------------------------------------- the AO page


@pytest.fixture
def coordinator(client, paa):
    client.force_login(make_user("coordinator", paa))
    return client


def test_the_ao_page_shows_the_recapitulatif_of_seed_003(coordinator, paa):
    response = coordinator.get(url("petite_enfance", paa))
    html = response.content.decode()
    recap = html.split('id="recapitulatif"')[1].split("</table>")[0]
    assert recap.count('<tr id="ao-') == 4  # the three communes, then the EPCI
    for name in ("Château-Arnoux-Saint-Auban", "Les Mées", "Peyruis"):
        assert name in recap
    assert "Digne-les-Bains" not in recap  # it transferred everything
    assert "CA Provence-Alpes-Agglomération" in recap
    assert "38\u202f193" in recap
    assert "population totale des 43 communes ayant transféré, millésime 2022" in recap
    assert recap.count("Transférée par certaines communes à l&#x27;EPCI") == 4
    assert recap.count("Exercée par la commune") == 2 * 4 + 2
    assert recap.count("Sans objet") == 2  # Peyruis (3) and (4)
    assert "Les 43 communes qui ont transféré toutes leurs compétences" in html
    assert "Population retenue pour une commune qui exerce seule" in html


def test_the_ao_page_finds_the_rpe_of_the_epci_in_the_register(coordinator, paa):
    html = coordinator.get(url("petite_enfance", paa)).content.decode()
    # RPE Les Frimousses of annexe 2 is in Digne-les-Bains, which transferred its competences.
    assert "aucun relais petite enfance existant au registre" not in html
    assert "Aucune obligation non remplie" in html


def test_the_ao_page_says_what_is_missing_from_the_register(coordinator, paa):
    Facility.objects.filter(convention=paa, name="RPE Les Frimousses").update(
        status=FacilityStatus.CLOSED
    )
    html = unescape(coordinator.get(url("petite_enfance", paa)).content.decode())
    # The other RPE of annexe 2 is in Les Mées, which kept its competences: not the EPCI's.
    assert Facility.objects.get(name="RPE des Fruits de la Passion").commune_id == LES_MEES
    assert (
        "CA Provence-Alpes-Agglomération : aucun relais petite enfance existant au registre, ni "
        "situé dans une commune qui lui a transféré la compétence, ni géré par l'EPCI "
        "(obligatoire depuis le 1ᵉʳ janvier 2026)." in html
    )
    assert "Aucune obligation non remplie" not in html


def test_a_missing_schema_is_said(coordinator, paa, epci_schema):
    epci_schema.delete()
    html = coordinator.get(url("petite_enfance", paa)).content.decode()
    assert "aucun schéma pluriannuel n&#x27;est enregistré pour l&#x27;EPCI" in html


def test_the_ao_page_lists_the_schemas_with_their_verdict(coordinator, paa):
    html = coordinator.get(url("petite_enfance", paa)).content.decode()
    schemas = html.split('id="schemas"')[1].split("</table>")[0]
    assert schemas.index("CA Provence-Alpes-Agglomération") < schemas.index("Château-Arnoux")
    assert "6 sur 11" in schemas
    assert schemas.count("Pas encore") == 4


def test_the_ao_page_reads_in_a_fixed_number_of_queries(
    coordinator, paa, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        coordinator.get(url("petite_enfance", paa))


def test_the_bonus_block_is_not_computable_without_figures(coordinator, paa):
    html = coordinator.get(url("petite_enfance", paa)).content.decode()
    assert "Non calculable : renseignez les places" in html


# ----------------------------------------------------------------------------- settings


def test_an_editor_sets_the_population_basis_and_the_bonus_figures(coordinator, paa):
    response = coordinator.post(
        url("petite_enfance_settings", paa),
        {
            "population_basis": PopulationBasis.MUNICIPALE,
            "cofunded_places_2023": "189",
            "planned_places_2027": "200",
            "bonus_places": "189",
        },
    )
    assert response.status_code == 302
    settings = EarlyChildhoodSettings.objects.get(convention=paa)
    assert settings.population_basis == PopulationBasis.MUNICIPALE
    html = coordinator.get(url("petite_enfance", paa)).content.decode()
    assert "+5,82\u00a0%" in html
    assert "+100\u00a0€ par place et par an" in html
    assert "18\u202f900\u00a0€" in html
    assert "population municipale" in html
    assert "millésime 2023" in html  # Château-Arnoux's population municipale


def test_negative_places_are_refused_in_french(coordinator, paa):
    response = coordinator.post(
        url("petite_enfance_settings", paa),
        {"population_basis": "totale", "cofunded_places_2023": "-3"},
    )
    assert response.status_code == 200
    assert "Le formulaire contient une erreur" in response.content.decode()
    assert not EarlyChildhoodSettings.objects.filter(convention=paa, cofunded_places_2023=-3)


# ----------------------------------------------------------------------------- transfers


def test_the_transfer_form_lists_every_commune_with_four_checkboxes(coordinator, paa):
    html = coordinator.get(url("transfers", paa)).content.decode()
    assert html.count('type="checkbox"') == 46 * 4
    assert html.count("checked") == 43 * 4


def test_an_editor_records_transfers(coordinator, paa):
    data = {f"c_{PEYRUIS}": [Competence.NEEDS, Competence.INFORM]}
    response = coordinator.post(url("transfers", paa), data)
    assert response.status_code == 302
    assert set(
        CompetenceTransfer.objects.filter(convention=paa).values_list("commune_id", "competence")
    ) == {(PEYRUIS, Competence.NEEDS), (PEYRUIS, Competence.INFORM)}


def test_a_commune_outside_the_epci_cannot_transfer(paa):
    coordinator = user_with_role(Role.COORDINATOR, convention=paa)
    manosque = "04112"
    paa.communes.add(manosque)
    with pytest.raises(PetiteEnfanceError, match="ne sont pas membres de l'EPCI"):
        set_transfers(paa, by=coordinator, transfers={manosque: [Competence.NEEDS]})
    with pytest.raises(PetiteEnfanceError, match="ne font pas partie du territoire"):
        set_transfers(paa, by=coordinator, transfers={"13001": [Competence.NEEDS]})
    assert CompetenceTransfer.objects.filter(convention=paa).count() == 43 * 4


def test_a_ctg_without_epci_has_no_transfer_form(client):
    convention = ConventionFactory(epci=None)
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    html = client.get(url("transfers", convention)).content.decode()
    assert "La CTG n’a pas d’EPCI" in html
    with pytest.raises(PetiteEnfanceError, match="pas d'EPCI"):
        set_transfers(convention, by=None, transfers={DIGNE: [Competence.PLAN]})


# ----------------------------------------------------------------------------- schémas


def test_the_schema_page_shows_the_table_of_seed_003(coordinator, paa, epci_schema):
    html = coordinator.get(url("schema", paa, pk=epci_schema.pk)).content.decode()
    table = html.split('id="tableau-schema"')[1].split("</table>")[0]
    assert "EAJE PSU" in table
    assert '<td class="pe-num">189</td>' in table
    assert table.count('<td class="pe-num">200</td>') == 4
    assert re.search(r'<td>ETP</td>\s*<td class="pe-num">1,7</td>', table)
    assert "3 sur Digne, 1 sur Malijai" in table
    assert "Audit sur les besoins petite enfance" in table
    assert "La CTG ne peut pas encore tenir lieu de schéma" in html


def test_an_editor_creates_a_schema_and_a_duplicate_is_refused(coordinator, paa):
    response = coordinator.post(url("schema_create", paa), {"commune": DIGNE, "zone": "QPV"})
    schema = Schema.objects.get(convention=paa, commune_id=DIGNE)
    assert response["Location"] == url("schema_lines", paa, pk=schema.pk)
    assert schema.checklist.count() == len(SchemaContent.values)
    response = coordinator.post(url("schema_create", paa), {"commune": DIGNE, "zone": "QPV"})
    assert "Un schéma existe déjà pour Digne-les-Bains pour la zone « QPV »." in (
        response.content.decode()
    )


def test_a_schema_sent_before_its_adoption_is_refused(coordinator, paa):
    response = coordinator.post(
        url("schema_create", paa),
        {"commune": MALIJAI, "adopted_on": "2026-03-01", "sent_to_cdsf_on": "2026-02-01"},
    )
    assert "L&#x27;envoi au CDSF ne peut précéder l&#x27;adoption." in response.content.decode()
    assert not Schema.objects.filter(convention=paa, commune_id=MALIJAI).exists()


def _lines_post(schema, rows: list[dict]) -> dict:
    data = {
        "lignes-TOTAL_FORMS": str(len(rows)),
        "lignes-INITIAL_FORMS": str(schema.lines.count()),
        "lignes-MIN_NUM_FORMS": "0",
        "lignes-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"lignes-{index}-{key}"] = value
    return data


def test_an_editor_edits_the_table_with_french_decimals(coordinator, paa):
    schema = create_schema(paa, by=None, data=SchemaData(commune=DIGNE))
    rows = [
        {
            "mode": SchemaMode.RPE,
            "unit": "etp",
            "current_value": "1,7",
            "year_2026": "1,7",
            "year_2030": "2",
            "jobs_needs": "Renforcer le guichet unique",
            "ORDER": "1",
        },
        {"mode": SchemaMode.EAJE_PSU, "unit": "places", "current_value": "189", "ORDER": "2"},
    ]
    response = coordinator.post(url("schema_lines", paa, pk=schema.pk), _lines_post(schema, rows))
    assert response.status_code == 302
    rpe, eaje = SchemaLine.objects.filter(schema=schema)
    assert (rpe.mode, str(rpe.current_value)) == (SchemaMode.RPE, "1.70")
    assert {y.year: str(y.value) for y in rpe.years.all()} == {2026: "1.70", 2030: "2.00"}
    assert eaje.position == 2
    page = coordinator.get(url("schema_lines", paa, pk=schema.pk)).content.decode()
    assert 'value="1,7"' in page


def test_a_negative_value_or_a_word_is_refused_and_nothing_is_written(coordinator, paa):
    schema = create_schema(paa, by=None, data=SchemaData(commune=DIGNE))
    rows = [
        {"mode": SchemaMode.MAM, "unit": "places", "current_value": "-8", "ORDER": "1"},
        {"mode": SchemaMode.MAM, "unit": "places", "year_2027": "douze", "ORDER": "2"},
    ]
    response = coordinator.post(url("schema_lines", paa, pk=schema.pk), _lines_post(schema, rows))
    html = response.content.decode()
    assert response.status_code == 200
    assert "La valeur ne peut pas être négative." in html
    assert "Saisissez un nombre, par exemple 189 ou 1,7." in html
    assert not schema.lines.exists()


def test_the_checklist_is_pre_ticked_from_the_data_and_confirmed_by_the_user(
    coordinator, paa, epci_schema
):
    commune_schema = Schema.objects.get(convention=paa, commune_id=CHATEAU_ARNOUX)
    page = coordinator.get(url("schema_checklist", paa, pk=commune_schema.pk)).content.decode()
    assert "2 ligne(s)" not in page
    assert "5 ligne(s) du tableau donnent l&#x27;offre actuelle" in page
    assert "Le plan d&#x27;actions de la CTG compte 28 indicateur(s)." in page
    # Annexe 1: 378 births (2022) and 1 151 children under 3 (2025) for the agglomération.
    assert "Le diagnostic compte 2 chiffre(s) sur les naissances et les enfants de moins" in page
    # Inventaire, objectifs, emplois, investissements, coûts, calendrier, indicateurs, besoins.
    assert page.count("proposé</span>") == 8
    # Nothing is saved until the user confirms.
    assert not commune_schema.checklist.filter(covered=True).exists()

    data = {}
    for content in SchemaContent.values:
        data[f"{content}_covered"] = "on"
        data[f"{content}_reference"] = "Annexe 1"
    response = coordinator.post(url("schema_checklist", paa, pk=commune_schema.pk), data)
    assert response.status_code == 302
    html = coordinator.get(url("schema", paa, pk=commune_schema.pk)).content.decode()
    assert "La CTG peut tenir lieu de schéma" in html


def test_an_editor_deletes_a_schema(coordinator, paa):
    peyruis = Schema.objects.get(convention=paa, commune_id=PEYRUIS)
    response = coordinator.post(url("schema_delete", paa, pk=peyruis.pk))
    assert response["Location"] == url("petite_enfance", paa)
    assert not Schema.objects.filter(pk=peyruis.pk).exists()
    assert not SchemaLine.objects.filter(schema_id=peyruis.pk).exists()


def test_a_schema_of_another_ctg_is_not_found(coordinator, paa):
    other = ConventionFactory()
    foreign = create_schema(other, by=None, data=SchemaData(commune=DIGNE))
    assert coordinator.get(url("schema", paa, pk=foreign.pk)).status_code == 404


def test_a_superuser_edits_too(client, paa):
    client.force_login(UserFactory(superuser=True))
    assert client.get(url("transfers", paa)).status_code == 200
