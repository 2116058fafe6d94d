"""The coverage page on the PAA demo CTG (46 communes): who sees it, what it shows, its queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.facilities.enums import FacilityKind, FacilityStatus, FundingMode
from pilote.facilities.models import Facility
from tests.factories import ConventionFactory, user_with_role

pytestmark = pytest.mark.django_db

DIGNE, LES_MEES = "04070", "04116"
# Session, user, CTG, roles, then the coverage: communes, facilities, figures, EPCI members.
COVERAGE_PAGE_QUERIES = 8


def facility(convention, name, kind, commune, capacity, **kwargs):
    return Facility.objects.create(
        convention=convention,
        manager="Provence-Alpes-Agglomération",
        name=name,
        kind=kind,
        commune_id=commune,
        capacity=None if capacity is None else Decimal(capacity),
        **kwargs,
    )


@pytest.fixture
def register(paa):
    """The demo's register (annexe 2: 14 EAJE, 46 places known in Château-Arnoux and Peyruis),
    with what the Caf adviser then learns about Digne-les-Bains and a project in Les Mées."""
    Facility.objects.filter(convention=paa, name="Les Premiers Pas").update(
        capacity=Decimal(60), funding=FundingMode.PSU
    )
    facility(paa, "Micro-crèche Les Lutins", FacilityKind.EAJE, DIGNE, 12, funding=FundingMode.PAJE)
    facility(paa, "MAM Les P'tits Loups", FacilityKind.MAM, DIGNE, 16)
    facility(paa, "Crèche des Mées", FacilityKind.EAJE, LES_MEES, 20, status=FacilityStatus.PLANNED)
    facility(paa, "LAEP des Mées", FacilityKind.LAEP, LES_MEES, 10)  # not a mode d'accueil
    return paa


def login_as(client, who: str, convention):
    users = {
        "caf_adviser": lambda: user_with_role(Role.CAF_ADVISER, departement_code="04"),
        "coordinator": lambda: user_with_role(Role.COORDINATOR, convention=convention),
        "referent": lambda: user_with_role(Role.REFERENT, convention=convention),
        "reader": lambda: user_with_role(Role.READER, convention=convention),
        "other_ctg": lambda: user_with_role(Role.COORDINATOR, convention=ConventionFactory()),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    return client


def coverage_url(convention):
    return reverse("facilities:coverage", kwargs={"slug": convention.slug})


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("caf_adviser", 200),
        ("coordinator", 200),
        ("referent", 200),
        ("reader", 200),
        ("other_ctg", 404),
        ("anonymous", 302),
    ],
)
def test_everyone_of_the_ctg_reads_the_coverage_and_nobody_else(client, paa, who, status):
    response = login_as(client, who, paa).get(coverage_url(paa))
    assert response.status_code == status
    if who == "anonymous":
        assert "/connexion/" in response["Location"]


def test_the_coverage_page_is_read_only(client, paa):
    response = login_as(client, "coordinator", paa).post(coverage_url(paa))
    assert response.status_code == 405


def test_the_published_rate_leads_and_the_computed_one_says_it_is_incomplete(client, paa):
    """Issue 14, item 3: the published 58 first; the register's 4 as what it is, with a link."""
    html = login_as(client, "reader", paa).get(coverage_url(paa)).content.decode()
    assert html.index('id="taux-publie"') < html.index('id="taux-ctg"')
    published = " ".join(html.split('id="taux-publie">')[1].split("</div>")[0].split())
    assert published.startswith("58 </p>")
    assert "millésime 2025" in published
    assert "C’est le taux de référence." in published
    callout = " ".join(html.split('id="taux-ctg">')[1].split("</div>")[0].split())
    # 100 × 46 / 1 151 = 3.99…, the 12 other EAJE of annexe 2 having no capacity yet.
    assert callout.startswith("4 </p>")
    assert "au moins" not in callout
    assert "46 places pour 1 151 enfants" in callout.replace("\u202f", " ")
    assert "Estimation incomplète</strong> : 12 équipements sans capacité renseignée" in callout
    link = reverse("facilities:register", kwargs={"slug": paa.slug}) + "?capacite=non_renseignee"
    assert f'<a href="{link}">Renseigner les capacités manquantes</a>' in callout


def test_the_register_lists_the_facilities_whose_capacity_is_missing(client, paa):
    url = reverse("facilities:register", kwargs={"slug": paa.slug})
    response = login_as(client, "reader", paa).get(url, {"capacite": "non_renseignee"})
    assert response.status_code == 200
    html = response.content.decode()
    missing = Facility.objects.filter(convention=paa, capacity=None)
    assert missing.count() >= 12
    assert all(facility.name in html for facility in missing[:5])
    known = Facility.objects.filter(convention=paa).exclude(capacity=None).first()
    assert f">{known.name}<" not in html


def test_the_page_shows_each_commune_the_ctg_total_and_the_published_rate(client, register):
    response = login_as(client, "reader", register).get(coverage_url(register))
    table = response.context["table"]
    assert len(table.rows) == 46
    digne = next(row for row in table.rows if row.code == DIGNE)
    assert digne.total_places == Decimal(88)  # 60 + 12 + 16; its three other EAJE: unknown
    assert digne.rate.value is None  # no commune figure in annexe 1
    total = table.total
    assert total.total_places == Decimal(134)  # Digne's 88, Château-Arnoux's 25, Peyruis' 21
    assert total.rate.rounded == Decimal("11.6")  # 134 places / 1 151 children × 100
    assert total.rate.lower_bound  # 11 EAJE of annexe 2 still have no capacity
    html = response.content.decode()
    assert "Ensemble de la CTG" in html
    assert '<span class="fr-hint-text">EPCI, 2025</span>' in html
    assert 'id="taux-publie"' in html
    assert "58" in html.split('id="taux-publie"')[1][:80]
    assert "<caption>" in html
    assert 'role="img"' in html  # the chart (the CTG total has a rate)


def test_communes_without_under_3_facility_are_flagged_with_text_not_colour_only(client, register):
    response = login_as(client, "reader", register).get(coverage_url(register))
    html = response.content.decode()
    # 46 communes, ten with an EAJE of annexe 2 (Digne-les-Bains, Les Mées, Seyne…).
    assert html.count("Aucun mode d’accueil</span>") == 36
    assert "36 communes sur 46" in html
    assert "Capacité non renseignée" in html
    assert "La Ruche - Seyne" in html  # an EAJE without capacity, listed by name


def test_the_coverage_page_reads_in_a_fixed_number_of_queries(
    client, register, django_assert_max_num_queries
):
    client = login_as(client, "coordinator", register)
    with django_assert_max_num_queries(COVERAGE_PAGE_QUERIES):
        client.get(coverage_url(register))
    for commune in register.communes.all():
        facility(register, f"Assistants maternels de {commune.name}", "assistants_maternels",
                 commune.code, 8)  # fmt: skip
    with django_assert_max_num_queries(COVERAGE_PAGE_QUERIES):
        response = client.get(coverage_url(register))
    assert response.context["table"].communes_without_facility == []
