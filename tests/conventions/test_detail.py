import datetime

import pytest
from django.urls import reverse

from pilote.plans.enums import REQUIRED_THEMATICS
from pilote.plans.models import PlanNode, Thematic
from pilote.territories.models import Commune
from tests.factories import PAA_SIREN, SignatoryFactory, bulk_plan
from tests.factories import LastLevelNodeFactory as PlanNodeFactory
from tests.factories import SignedConventionFactory as ConventionFactory


def detail(client, convention):
    return client.get(reverse("conventions:detail", kwargs={"slug": convention.slug}))


def test_summary_shows_the_key_facts(client, superuser, convention):
    SignatoryFactory(convention=convention, organisation="Caf des Alpes-de-Haute-Provence")
    SignatoryFactory(convention=convention, organisation="Commune d'Aiglun", role="Maire")
    client.force_login(superuser)

    response = detail(client, convention)

    html = response.content.decode()
    assert f'<h1 class="fr-mb-1w">{convention.name}</h1>' in html
    assert "du 1ᵉʳ janvier 2026 au 31 décembre 2030" in html
    assert "5 ans" in html
    assert PAA_SIREN in html
    assert "Signataires de la CTG, dans l’ordre de la convention" in html
    assert html.index("Caf des Alpes-de-Haute-Provence") < html.index("Commune d&#x27;Aiglun")


def test_summary_lists_the_communes_with_population_and_millesime(client, superuser, convention):
    client.force_login(superuser)

    response = detail(client, convention)

    summary = response.context["summary"]
    communes = list(Commune.objects.filter(conventions=convention).order_by("name", "code"))
    assert [c.code for c in summary.communes] == [c.code for c in communes]
    assert summary.population.value == sum(c.population for c in communes)
    assert summary.population.millesimes == tuple(
        sorted({c.population_millesime for c in communes})
    )
    html = response.content.decode()
    assert "Digne-les-Bains" in html
    assert "04070" in html
    assert "Communes du territoire, par ordre alphabétique" in html


def test_long_territories_are_folded(client, superuser):
    convention = ConventionFactory(communes=True)
    for index in range(5):
        Commune.objects.get_or_create(
            code=f"0499{index}",
            defaults={"name": f"Commune fictive {index}", "departement": convention.departement},
        )
    convention.communes.add(*Commune.objects.filter(code__startswith="0499")[:5])
    client.force_login(superuser)

    response = detail(client, convention)

    assert 'aria-controls="liste-communes"' in response.content.decode()


def test_summary_shows_the_plan_tree_with_links_and_counts(client, superuser, convention):
    axis = PlanNodeFactory(
        convention=convention, level=convention.levels.get(position=1), number="1", title="Axe"
    )
    fiche = PlanNodeFactory(
        convention=convention,
        parent=axis,
        level=convention.levels.get(position=2),
        number="1.1",
        title="Créer un relais petite enfance",
    )
    PlanNodeFactory(convention=convention, parent=fiche, number="1.1.1", title="Action cachée")
    client.force_login(superuser)

    response = detail(client, convention)

    html = response.content.decode()
    assert reverse("plans:node", kwargs={"slug": convention.slug, "pk": fiche.pk}) in html
    assert "Créer un relais petite enfance" in html
    assert "Action cachée" not in html  # deeper than the summary shows
    assert "1 élément en dessous" in html
    counts = {level.name: count for level, count in response.context["summary"].level_counts}
    assert counts == {"Axe": 1, "Fiche action": 1, "Action": 1}


def test_thematic_counts_include_national_and_custom_thematics(client, superuser, convention):
    custom = Thematic.objects.create(convention=convention, code="mobilite", label="Mobilité")
    other_ctg_custom = Thematic.objects.create(
        convention=ConventionFactory(), code="mobilite", label="Mobilité ailleurs"
    )
    node = PlanNodeFactory(convention=convention)
    node.thematics.add(custom, Thematic.objects.get(code="jeunesse", convention=None))
    client.force_login(superuser)

    response = detail(client, convention)

    counts = {t.label: t.node_count for t in response.context["summary"].thematics}
    assert counts["Mobilité"] == 1
    assert counts["Jeunesse"] == 1
    assert counts["Petite enfance"] == 0
    assert other_ctg_custom.label not in counts


def test_thematic_counts_leave_out_other_ctgs_and_internal_elements_for_a_reader(
    client, convention
):
    from pilote.accounts.enums import Role
    from tests.factories import user_with_role

    youth = Thematic.objects.get(code="jeunesse", convention=None)
    PlanNodeFactory(convention=convention).thematics.add(youth)
    PlanNodeFactory(convention=convention, is_internal=True).thematics.add(youth)
    PlanNodeFactory(convention=ConventionFactory()).thematics.add(youth)

    client.force_login(user_with_role(Role.READER, convention=convention))
    reader_counts = {
        t.code: t.node_count for t in detail(client, convention).context["summary"].thematics
    }
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    editor_counts = {
        t.code: t.node_count for t in detail(client, convention).context["summary"].thematics
    }

    assert reader_counts["jeunesse"] == 1
    assert editor_counts["jeunesse"] == 2
    assert editor_counts["parentalite"] == 0


def test_warnings_for_an_empty_ctg(client, superuser):
    convention = ConventionFactory(
        start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2030, 12, 31)
    )
    client.force_login(superuser)

    response = detail(client, convention)

    warnings = " ".join(response.context["summary"].warnings)
    assert "petite enfance, jeunesse, parentalité" in warnings or all(
        label in warnings for label in ("petite enfance", "jeunesse", "parentalité")
    )
    assert "plus de 5 ans" in warnings
    assert "Aucun signataire" in warnings
    assert "aucune commune" in warnings
    assert "Le plan d'actions est vide" in warnings
    assert "Points d’attention" in response.content.decode()


def test_no_warning_for_a_complete_ctg(client, superuser, convention):
    SignatoryFactory(convention=convention)
    node = PlanNodeFactory(convention=convention)
    node.thematics.add(*Thematic.objects.filter(convention=None, code__in=REQUIRED_THEMATICS))
    client.force_login(superuser)

    response = detail(client, convention)

    assert response.context["summary"].warnings == []
    assert "Points d’attention" not in response.content.decode()


def test_navigation_links_to_the_plan_and_the_exports(client, superuser, convention):
    client.force_login(superuser)

    response = detail(client, convention)

    html = response.content.decode()
    assert reverse("plans:tree", kwargs={"slug": convention.slug}) in html
    assert reverse("reports:exports", kwargs={"slug": convention.slug}) in html
    assert 'aria-current="page">Synthèse' in html


@pytest.mark.parametrize("role", ["superuser", "coordinator"])
def test_summary_of_a_500_element_plan_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, convention, superuser, role
):
    assert bulk_plan(convention, axes=5, fiches=9, actions=10) == 500
    node = PlanNode.objects.filter(convention=convention).last()
    node.communes.add(convention.communes.first())
    node.thematics.add(Thematic.objects.get(code="jeunesse", convention=None))
    for index in range(8):
        SignatoryFactory(convention=convention, organisation=f"Commune {index}")
    if role == "superuser":
        client.force_login(superuser)
    else:
        from pilote.accounts.enums import Role
        from tests.factories import user_with_role

        client.force_login(user_with_role(Role.COORDINATOR, convention=convention))

    # session, user, CTG, memberships, signatories, avenants, communes, the EPCI's communes'
    # population, plan (as tuples), the elements shown (as instances), levels, thematics and
    # their counts, the next planned COPIL meeting
    with django_assert_max_num_queries(15):
        response = detail(client, convention)

    assert response.status_code == 200
    assert response.context["summary"].node_count == 500
    assert response.content.decode().count("10 éléments en dessous") == 45
