import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.conventions.models import Convention
from pilote.plans.models import PlanNode
from tests.factories import PAA_SIREN, user_with_role
from tests.factories import LastLevelNodeFactory as PlanNodeFactory
from tests.factories import SignedConventionFactory as ConventionFactory

CREATE_URL = reverse("conventions:create")


def create_data(**overrides) -> dict:
    data = {
        "name": "CTG Provence-Alpes-Agglomération 2026-2030",
        "slug": "",
        "departement": "04",
        "start_date": "2026-01-01",
        "end_date": "2030-12-31",
        "status": "preparation",
        "description": "Convention signée avec dix communes.",
        "internal_notes": "À relancer.",
        "epci": PAA_SIREN,
        "add_epci_communes": "on",
        "commune_codes": "",
    }
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def adviser(db):
    from tests.factories import paa_communes

    paa_communes()  # the EPCI and its communes exist even without the COG
    return user_with_role(Role.CAF_ADVISER)


def test_caf_adviser_creates_a_ctg_with_the_epci_and_its_communes(client, adviser):
    client.force_login(adviser)

    response = client.post(CREATE_URL, create_data())

    convention = Convention.objects.get()
    assert response.status_code == 302
    assert response.url == convention.get_absolute_url()
    assert convention.slug == "ctg-provence-alpes-agglomeration-2026-2030"
    assert convention.epci_id == PAA_SIREN
    assert convention.communes.count() == convention.epci.communes.count() >= 10
    assert [(lvl.name, lvl.tracked) for lvl in convention.levels.order_by("position")] == [
        ("Axe", False),
        ("Fiche action", False),
        ("Action", True),
    ]
    assert "La CTG « CTG Provence-Alpes-Agglomération 2026-2030 » a été créée." in messages_of(
        response
    )


def test_creation_with_communes_by_insee_code_and_no_epci(client, adviser):
    client.force_login(adviser)

    client.post(CREATE_URL, create_data(epci="", commune_codes="04070, 04001"))

    convention = Convention.objects.get()
    assert convention.epci is None
    assert sorted(convention.communes.values_list("code", flat=True)) == ["04001", "04070"]


def test_unknown_insee_code_is_refused_in_french(client, adviser):
    client.force_login(adviser)

    response = client.post(CREATE_URL, create_data(commune_codes="04070 04999 12"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "ne sont pas des codes INSEE de commune" in html
    assert "12" in html
    assert not Convention.objects.exists()

    response = client.post(CREATE_URL, create_data(commune_codes="04070 04999"))

    assert "Aucune commune du Code officiel géographique ne porte ces codes INSEE : 04999." in (
        response.content.decode()
    )


def test_end_before_start_is_refused_with_an_error_summary(client, adviser):
    client.force_login(adviser)

    response = client.post(CREATE_URL, create_data(end_date="2025-12-31"))

    html = response.content.decode()
    assert "La date de fin doit être postérieure à la date de début." in html
    assert 'id="resume-erreurs"' in html
    assert 'href="#id_end_date"' in html
    assert "<title>Erreur – Nouvelle CTG" in html
    assert not Convention.objects.exists()


@pytest.mark.parametrize(
    ("end_date", "warning"),
    [("2031-12-31", "plus de 5 ans"), ("2026-06-30", "moins d'un an"), ("2030-12-31", None)],
)
def test_unusual_lengths_are_warned_not_refused(client, adviser, end_date, warning):
    client.force_login(adviser)

    response = client.post(CREATE_URL, create_data(end_date=end_date))

    assert Convention.objects.count() == 1
    warnings = [m for m in messages_of(response) if "Cnaf" in m]
    if warning:
        assert len(warnings) == 1
        assert warning in warnings[0]
    else:
        assert warnings == []


def test_slug_already_used_is_refused_with_a_clear_message(client, adviser):
    ConventionFactory(slug="ctg-paa")
    client.force_login(adviser)

    response = client.post(CREATE_URL, create_data(slug="ctg-paa"))

    assert "L'identifiant « ctg-paa » est déjà utilisé par une autre CTG." in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert Convention.objects.count() == 1


def test_generated_slug_avoids_existing_ones(client, adviser):
    ConventionFactory(slug="ctg-provence-alpes-agglomeration-2026-2030")
    client.force_login(adviser)

    client.post(CREATE_URL, create_data())

    assert Convention.objects.filter(slug="ctg-provence-alpes-agglomeration-2026-2030-2").exists()


@pytest.mark.parametrize("slug", ["nouvelle", "importer"])
def test_reserved_slugs_are_refused(client, adviser, slug):
    client.force_login(adviser)

    response = client.post(CREATE_URL, create_data(slug=slug))

    assert "est réservé" in response.content.decode()
    assert not Convention.objects.exists()


def test_adviser_cannot_create_a_ctg_for_another_departement(client, adviser):
    client.force_login(adviser)

    response = client.post(CREATE_URL, create_data(departement="05", epci=""))

    assert "Vous ne pouvez pas créer de CTG pour ce département." in response.content.decode()
    assert not Convention.objects.exists()


def test_epci_without_commune_in_the_departement_is_refused(client, superuser):
    from tests.factories import gap

    gap()
    client.force_login(superuser)

    response = client.post(CREATE_URL, create_data(departement="05"))

    assert "n&#x27;a aucune commune dans le département" in response.content.decode()


def test_creation_form_preselects_the_only_departement(client, adviser):
    client.force_login(adviser)

    response = client.get(CREATE_URL)

    assert response.context["form"]["departement"].initial == "04"
    assert "Caf (département)" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Edition of the general information
# ---------------------------------------------------------------------------------------------


def edit_data(convention, **overrides) -> dict:
    data = {
        "name": convention.name,
        "slug": convention.slug,
        "start_date": convention.start_date.isoformat(),
        "end_date": convention.end_date.isoformat(),
        "status": convention.status,
        "next_copil_date": "",
        "description": convention.description,
        "internal_notes": convention.internal_notes,
    }
    data.update(overrides)
    return data


def test_coordinator_edits_the_general_information(client, convention, coordinator):
    client.force_login(coordinator)
    url = reverse("conventions:edit", kwargs={"slug": convention.slug})

    response = client.post(
        url, edit_data(convention, name="CTG PAA", slug="ctg-paa", status="active")
    )

    assert response.status_code == 302
    assert response.url == reverse("conventions:edit", kwargs={"slug": "ctg-paa"})
    convention.refresh_from_db()
    assert (convention.name, convention.slug, convention.status) == ("CTG PAA", "ctg-paa", "active")


def test_refused_slug_does_not_leak_into_the_page_links(client, convention, coordinator):
    other = ConventionFactory()
    client.force_login(coordinator)

    response = client.post(
        reverse("conventions:edit", kwargs={"slug": convention.slug}),
        edit_data(convention, slug=other.slug),
    )

    html = response.content.decode()
    assert "est déjà utilisé par une autre CTG" in html
    assert reverse("conventions:detail", kwargs={"slug": convention.slug}) in html
    convention.refresh_from_db()
    assert convention.slug != other.slug


def test_edit_warns_when_plan_elements_fall_outside_the_new_period(client, convention, coordinator):
    PlanNodeFactory(convention=convention, start_year=2026, end_year=2030)
    client.force_login(coordinator)

    response = client.post(
        reverse("conventions:edit", kwargs={"slug": convention.slug}),
        edit_data(convention, end_date="2028-12-31"),
    )

    assert any("hors de la période" in m for m in messages_of(response))
    assert PlanNode.objects.filter(convention=convention).count() == 1


def test_edit_refuses_end_before_start(client, convention, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("conventions:edit", kwargs={"slug": convention.slug}),
        edit_data(convention, start_date="2026-01-01", end_date="2026-01-01"),
    )

    assert "La date de fin doit être postérieure à la date de début." in response.content.decode()
    convention.refresh_from_db()
    assert convention.end_date == datetime.date(2030, 12, 31)


def test_the_next_copil_date_is_recorded_and_shown_on_the_summary(client, convention, coordinator):
    client.force_login(coordinator)
    url = reverse("conventions:edit", kwargs={"slug": convention.slug})

    response = client.post(url, edit_data(convention, next_copil_date="2027-06-10"))

    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.next_copil_date == datetime.date(2027, 6, 10)
    summary = client.get(convention.get_absolute_url()).content.decode()
    assert "10 juin 2027" in summary
