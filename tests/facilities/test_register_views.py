"""The register pages on annexe 2 of seed 003: list, filters, editing, import, who may do what."""

import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.core.models import PendingImport
from pilote.facilities.enums import FacilityKind, FundingMode
from pilote.facilities.models import Facility, FacilityBonus
from pilote.facilities.register.views import SESSION_KEY, node_facilities_context
from pilote.plans.models import PlanNode
from tests.factories import ConventionFactory, user_with_role

pytestmark = pytest.mark.django_db

# Session, user, CTG, roles, filter's communes, count, total, page, actions, bonuses, totals (2).
LIST_QUERIES = 12


def url(name: str, convention, **kwargs) -> str:
    return reverse(f"facilities:{name}", kwargs={"slug": convention.slug, **kwargs})


def login(client, role: str, convention):
    client.force_login(user_with_role(role, convention=convention))
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def names(response) -> list[str]:
    return [row.facility.name for row in response.context["rows"]]


def test_the_register_lists_annexe_2_fifty_per_page_with_totals(client, paa):
    response = login(client, Role.READER, paa).get(url("register", paa))

    assert response.status_code == 200
    assert response.context["count"] == 76
    assert len(response.context["rows"]) == 50
    assert names(response)[0] == "Extrascolaire les Aiglons - IFAC"  # Aiglun comes first
    kinds = {entry["label"]: entry["count"] for entry in response.context["totals"]["kinds"]}
    assert kinds["Accueil de loisirs sans hébergement (ALSH)"] == 35
    assert kinds["Établissement d'accueil du jeune enfant (EAJE)"] == 14
    assert "76 équipements ou services" in text(response)
    page_2 = client.get(url("register", paa), {"page": 2})
    assert len(page_2.context["rows"]) == 26


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": FacilityKind.RPE}, ["RPE Les Frimousses", "RPE des Fruits de la Passion"]),
        (
            {"commune": "04126"},
            ["Extrascolaire - Association GUZU", "Micro creche les petits loups"],
        ),
        (
            {"q": "passerelle"},
            ["La Passerelle - Extrascolaire"] + ["La Passerelle - Périscolaire"] * 2,
        ),
        ({"q": "GUZU seyne", "kind": FacilityKind.ALSH}, []),
        ({"status": "projet"}, ["Bédunia"]),
        ({"funding": FundingMode.PAJE}, ["Bédunia"]),
        ({"funding": "inconnu", "commune": "04028"}, []),
    ],
)
def test_the_register_filters_on_type_commune_status_funding_and_text(
    client, paa, params, expected
):
    bedunia = Facility.objects.get(name="Bédunia")
    Facility.objects.filter(pk=bedunia.pk).update(status="projet", funding=FundingMode.PAJE)

    response = login(client, Role.READER, paa).get(url("register", paa), params)

    assert sorted(names(response)) == sorted(expected)
    assert response.context["filtered"]


def test_the_list_reads_a_bounded_number_of_queries(client, paa, django_assert_max_num_queries):
    facility = Facility.objects.filter(convention=paa).first()
    actions = list(PlanNode.objects.filter(convention=paa, number__contains=".")[:3])
    for index in range(124):  # 200 facilities, each with actions and bonuses
        copy = Facility.objects.create(
            convention=paa,
            manager="IFAC",
            name=f"Accueil {index}",
            kind=FacilityKind.ALSH,
            commune=facility.commune,
            capacity=Decimal(24),
        )
        copy.actions.set(actions)
        FacilityBonus.objects.create(facility=copy, year=2026, amount=Decimal(1000))
    login(client, Role.COORDINATOR, paa)

    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(url("register", paa), {"page": 2, "kind": FacilityKind.ALSH})

    assert response.context["count"] == 159
    row = response.context["rows"][-1]
    assert [action.label for action in row.actions] == [a.number for a in actions]
    assert row.bonus_text == "1\u202f000\u00a0€"


def test_a_coordinator_adds_a_facility_with_bonuses_and_actions(client, paa):
    login(client, Role.COORDINATOR, paa)
    action = PlanNode.objects.get(convention=paa, number="3.1")

    response = client.post(
        url("facility_add", paa),
        {
            "manager": "Commune de Thoard",
            "name": "MAM Les P'tits Loups",
            "kind": FacilityKind.MAM,
            "commune": "04217",
            "capacity": "16",
            "capacity_unit": "places",
            "age_min": "0",
            "age_max": "3",
            "status": "projet",
            "bonus_2027": "2600",
            "actions": [action.pk],
        },
    )

    assert response.status_code == 302
    mam = Facility.objects.get(name="MAM Les P'tits Loups")
    assert (mam.commune.name, mam.capacity, mam.status) == ("Thoard", 16, "projet")
    assert [(b.year, b.amount) for b in mam.bonuses.all()] == [(2027, Decimal(2600))]
    assert list(mam.actions.all()) == [action]


def test_the_form_refuses_a_commune_outside_the_ctg_and_inverted_ages(client, paa):
    login(client, Role.COORDINATOR, paa)

    response = client.post(
        url("facility_add", paa),
        {
            "manager": "X",
            "name": "Y",
            "kind": "alsh",
            "commune": "04112",
            "capacity_unit": "places",
            "status": "existant",
            "age_min": "12",
            "age_max": "3",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["commune"] == ["Cette commune n'est pas dans le territoire de la CTG."]
    assert form.errors["age_max"] == ["L'âge maximum est inférieur à l'âge minimum."]
    assert "Le formulaire contient 2 erreurs" in text(response)
    assert not Facility.objects.filter(name="Y").exists()


def test_a_caf_adviser_edits_then_deletes_a_facility(client, paa):
    client.force_login(user_with_role(Role.CAF_ADVISER))
    facility = Facility.objects.get(name="Les Premiers Pas")
    edit = url("facility_edit", paa, pk=facility.pk)

    form = client.get(edit).context["form"]
    data = {key: value for key, value in form.initial.items() if value not in (None, "")}
    data.update({"capacity": "40", "funding": FundingMode.PSU, "bonus_2026": "52000"})
    assert client.post(edit, data).status_code == 302
    facility.refresh_from_db()
    assert (facility.capacity, facility.funding) == (40, FundingMode.PSU)
    assert facility.bonuses.get().amount == 52000

    confirm = client.get(url("facility_delete", paa, pk=facility.pk))
    assert "va dans la corbeille de la CTG" in text(confirm)
    assert client.post(url("facility_delete", paa, pk=facility.pk)).status_code == 302
    assert not Facility.objects.filter(pk=facility.pk).exists()


@pytest.mark.parametrize("role", [Role.REFERENT, Role.READER])
def test_referents_and_readers_read_the_register_but_change_nothing(client, paa, role):
    login(client, role, paa)
    facility = Facility.objects.get(name="Les Premiers Pas")

    page = client.get(url("register", paa))
    assert page.status_code == 200
    assert "Ajouter un équipement" not in text(page)
    assert not page.context["can_edit"]
    assert client.get(url("register_export", paa), {"format": "csv"}).status_code == 200
    for name, kwargs in [
        ("facility_add", {}),
        ("facility_edit", {"pk": facility.pk}),
        ("facility_delete", {"pk": facility.pk}),
        ("register_import", {}),
    ]:
        assert client.get(url(name, paa, **kwargs)).status_code == 403
        assert client.post(url(name, paa, **kwargs), {"name": "x"}).status_code == 403
    assert Facility.objects.filter(pk=facility.pk).exists()


def test_users_of_another_ctg_get_404_and_anonymous_visitors_the_login_page(client, paa):
    facility = Facility.objects.get(name="Les Premiers Pas")
    for name, kwargs in [("register", {}), ("facility_edit", {"pk": facility.pk})]:
        response = client.get(url(name, paa, **kwargs))
        assert response.status_code == 302
        assert "/connexion/" in response["Location"]
    login(client, Role.COORDINATOR, ConventionFactory())
    for name, kwargs in [("register", {}), ("facility_edit", {"pk": facility.pk})]:
        assert client.get(url(name, paa, **kwargs)).status_code == 404


def test_a_facility_of_another_ctg_is_not_found_from_this_one(client, paa):
    other = ConventionFactory()
    login(client, Role.COORDINATOR, other)
    facility = Facility.objects.get(name="Les Premiers Pas")

    assert client.get(url("facility_edit", other, pk=facility.pk)).status_code == 404


def upload(content: str, name: str = "equipements.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


GOOD = (
    "Gestionnaire;Nom;Type;Commune;Places\n"
    "CA PROVENCE-ALPES-AGGLOMERATION;Les Premiers Pas;EAJE;04000 DIGNE-LES-BAINS;40\n"
    "Commune de Thoard;MAM Les P'tits Loups;MAM;04380 THOARD;16\n"
)


def test_importing_shows_errors_first_then_a_preview_then_writes_on_confirmation(client, paa):
    login(client, Role.COORDINATOR, paa)
    page = url("register_import", paa)

    bad = client.post(page, {"file": upload(GOOD.replace("04380 THOARD", "04112 MANOSQUE"))})
    content = text(bad)
    assert "contient 1 erreur : rien n’a été enregistré" in content
    assert "« MANOSQUE » ne correspond à aucune commune de la CTG." in content
    assert not PendingImport.objects.filter(key=SESSION_KEY).exists()

    preview = client.post(page, {"file": upload(GOOD)})
    report = preview.context["report"]
    assert (report.created, report.updated) == (1, 1)
    # The file waits in the database for this user, not in the session sent with every request.
    assert PendingImport.objects.filter(key=SESSION_KEY).count() == 1
    assert not any("import" in key for key, _ in client.session.items())
    assert not Facility.objects.filter(name="MAM Les P'tits Loups").exists()

    done = client.post(page, {"confirm": "1", "token": preview.context["token"]}, follow=True)
    assert "1 équipement créé, 1 mis à jour, 0 inchangé" in text(done)
    assert Facility.objects.get(name="Les Premiers Pas").capacity == 40
    assert Facility.objects.filter(convention=paa).count() == 77
    assert not PendingImport.objects.filter(key=SESSION_KEY).exists()


def test_a_confirmation_without_its_preview_writes_nothing(client, paa):
    login(client, Role.COORDINATOR, paa)
    page = url("register_import", paa)
    client.post(page, {"file": upload(GOOD)})

    response = client.post(page, {"confirm": "1", "token": "autre"}, follow=True)

    assert "L'aperçu de l'import a expiré" in text(response)
    assert Facility.objects.filter(convention=paa).count() == 76


def test_an_unreadable_or_wrong_file_is_refused_on_the_form(client, paa):
    login(client, Role.COORDINATOR, paa)
    page = url("register_import", paa)

    empty = client.post(page, {"file": upload("   ")})
    assert empty.context["form"].errors["file"] == ["Le fichier est vide."]
    pdf = client.post(page, {"file": upload("x", name="annexe.pdf")})
    assert "extension .csv ou .xlsx" in pdf.context["form"].errors["file"][0]


def test_an_action_page_can_list_the_facilities_linked_to_it(paa):
    action = PlanNode.objects.get(convention=paa, number="3.7")
    Facility.objects.get(name="Les Premiers Pas").actions.add(action)

    context = node_facilities_context(paa, action)
    content = render_to_string(
        "facilities/register/includes/node_facilities.html", {"node_facilities": context}
    )

    assert [f.name for f in context["facilities"]] == ["Les Premiers Pas"]
    assert "Les Premiers Pas</strong> – Établissement d&#x27;accueil" in content


def test_the_facility_deletion_page_counts_its_bonuses(client, paa):
    login(client, Role.CAF_ADVISER, paa)
    facility = Facility.objects.get(name="Les Premiers Pas")
    facility.bonuses.create(year=2026, amount=52000)
    facility.bonuses.create(year=2027, amount=52000)

    page = text(client.get(url("facility_delete", paa, pk=facility.pk)))

    assert "Bonus territoire CTG : 2" in page
