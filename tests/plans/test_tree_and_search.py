"""The plan tree, the fiche page and the action search: content and bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.accounts.models import Organisation
from pilote.plans.models import PlanNode
from tests.factories import CHATEAU_ARNOUX, DIGNE, PlanNodeFactory, build_plan, commune, thematic

pytestmark = pytest.mark.django_db

# Measured with the 505-element plan; a 3-element plan takes exactly as many.
TREE_QUERIES = 9
SEARCH_QUERIES = 17


def plan_url(name, convention, **kwargs):
    return reverse(f"plans:{name}", kwargs={"slug": convention.slug, **kwargs})


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


class TestTree:
    def test_the_tree_shows_levels_numbers_periods_pilots_and_thematics(
        self, editor_client, convention
    ):
        axe = PlanNodeFactory(convention=convention, number="3", title="Petite enfance, enfance")
        fiche = PlanNodeFactory(
            convention=convention,
            parent=axe,
            number="3.1",
            title="Promouvoir l'inclusion des enfants",
            start_year=2026,
            end_year=2027,
        )
        fiche.pilots.add(Organisation.objects.create(name="PAA – service enfance"))
        fiche.thematics.add(thematic("petite-enfance"))
        html = editor_client.get(plan_url("tree", convention)).content.decode()
        assert ">Axe</span>" in html
        assert ">Fiche action</span>" in html
        assert '<span class="plan-node__number">3.1</span>' in html
        assert "2026-2027" in html
        assert "Pilotes : PAA – service enfance" in html
        assert '<p class="fr-tag">Petite enfance</p>' in html
        # Counts per level, in the CTG's own words.
        assert '<span class="plan-counts__value">1</span> <span class="plan-counts__label">Axe' in (
            html
        )

    def test_the_tree_of_a_large_plan_takes_a_bounded_number_of_queries(
        self, client, convention, coordinator, django_assert_max_num_queries
    ):
        client.force_login(coordinator)
        build_plan(convention, shape=(1, 1, 1))
        small = count_queries(client, plan_url("tree", convention))
        build_plan(convention)
        assert PlanNode.objects.filter(convention=convention).count() >= 500
        with django_assert_max_num_queries(TREE_QUERIES):
            response = client.get(plan_url("tree", convention))
        assert response.content.decode().count('class="plan-node plan-node--depth-') >= 500
        assert count_queries(client, plan_url("tree", convention)) == small

    def test_the_fiche_page_shows_every_field(self, client, convention, reader):
        axe = PlanNodeFactory(convention=convention, number="1", title="Cohésion territoriale")
        node = PlanNodeFactory(
            convention=convention,
            parent=axe,
            number="1.1",
            title="Actualiser le projet social de territoire",
            objective="Aligner les priorités locales avec les besoins actuels.",
            expected_result="Une organisation territoriale plus claire.",
            target_public="Élus, services municipaux et intercommunaux",
            whole_territory=False,
            priority="haute",
            origin="nouveau",
            start_year=2026,
            start_quarter=2,
            end_year=2027,
        )
        node.communes.set([commune(DIGNE), commune(CHATEAU_ARNOUX)])
        node.partners.add(Organisation.objects.create(name="Réseau REAAP"))
        node.budget_lines.create(funder="Caf", amount=1000, year=2026)
        node.budget_lines.create(funder="Caf", amount=500, year=2027)
        node.budget_lines.create(funder="PAA", amount=250, year=2026)
        indicator = node.indicators.create(
            name="Nombre d'instances réunies", unit="réunions", baseline_value=2, baseline_year=2025
        )
        indicator.targets.create(year=2027, value=6)
        PlanNodeFactory(convention=convention, parent=node, title="Premier COPIL")
        client.force_login(reader)
        response = client.get(plan_url("node", convention, pk=node.pk))
        html = response.content.decode()
        for text in (
            "Actualiser le projet social de territoire",
            "Aligner les priorités locales",
            "Une organisation territoriale plus claire.",
            "Élus, services municipaux et intercommunaux",
            "Château-Arnoux-Saint-Auban, Digne-les-Bains",
            "Réseau REAAP",
            "Priorité haute",
            "Nouveau",
            "T2 2026 – 2027",
            "Nombre d&#x27;instances réunies",
            "Premier COPIL",
            "1 Cohésion territoriale",  # breadcrumb
        ):
            assert text in html, text
        budget = response.context["budget"]
        assert [(row["funder"], row["total"]) for row in budget["rows"]] == [
            ("Caf", 1500),
            ("PAA", 250),
        ]
        assert budget["year_totals"][:2] == [1250, 500]
        assert budget["total"] == 1750
        assert response.context["indicators"][0]["targets"] == [None, 6, None, None, None]
        assert "Modifier la fiche" not in html


class TestSearch:
    @pytest.fixture
    def plan(self, convention):
        axe = PlanNodeFactory(convention=convention, number="4", title="Parentalité")
        rpe = PlanNodeFactory(
            convention=convention,
            parent=axe,
            number="4.1",
            title="Développer des ateliers de parentalité",
            description="Conférences et programmes itinérants",
            whole_territory=False,
            start_year=2026,
            end_year=2026,
        )
        rpe.communes.set([commune(DIGNE)])
        rpe.thematics.add(thematic("parentalite"))
        rpe.pilots.add(Organisation.objects.create(name="Réseau REAAP"))
        guichet = PlanNodeFactory(
            convention=convention,
            parent=axe,
            number="4.3",
            title="Créer un guichet unique pour les familles",
            start_year=2028,
            end_year=2030,
        )
        return {"axe": axe, "rpe": rpe, "guichet": guichet}

    def found(self, client, convention, **params):
        response = client.get(plan_url("search", convention), params)
        assert response.status_code == 200
        return [row["node"].title for row in response.context["rows"]]

    def test_without_filters_every_element_is_listed_in_plan_order(
        self, client, reader, convention, plan
    ):
        client.force_login(reader)
        assert self.found(client, convention) == [
            "Parentalité",
            "Développer des ateliers de parentalité",
            "Créer un guichet unique pour les familles",
        ]

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"q": "itinérants"}, ["rpe"]),
            ({"q": "4.3"}, ["guichet"]),
            ({"q": "guichet familles"}, ["guichet"]),
            ({"year_from": "2027"}, ["guichet"]),
            ({"year_to": "2026"}, ["rpe"]),
            ({"year_from": "2026", "year_to": "2028"}, ["rpe", "guichet"]),
        ],
    )
    def test_text_and_period_filters(self, client, reader, convention, plan, params, expected):
        client.force_login(reader)
        titles = [plan[key].title for key in expected]
        assert self.found(client, convention, **params) == titles

    def test_thematic_pilot_level_and_commune_filters(self, client, reader, convention, plan):
        client.force_login(reader)
        rpe = plan["rpe"].title
        parentalite = thematic("parentalite").pk
        reaap = Organisation.objects.get(name="Réseau REAAP").pk
        axe_level = convention.levels.get(name="Axe").pk
        assert self.found(client, convention, thematic=parentalite) == [rpe]
        assert self.found(client, convention, pilot=reaap) == [rpe]
        assert self.found(client, convention, level=axe_level) == ["Parentalité"]
        assert self.found(client, convention, commune=DIGNE) == [rpe]
        assert self.found(client, convention, commune=DIGNE, include_whole="on") == [
            "Parentalité",
            rpe,
            plan["guichet"].title,
        ]
        assert self.found(client, convention, commune=CHATEAU_ARNOUX) == []

    def test_results_show_the_level_path(self, client, reader, convention, plan):
        client.force_login(reader)
        response = client.get(plan_url("search", convention), {"q": "ateliers"})
        assert [str(c) for c in response.context["rows"][0]["lineage"]] == ["4 Parentalité"]
        assert "4 Parentalité" in response.content.decode()

    def test_a_filter_value_of_another_ctg_is_an_error(
        self, client, reader, convention, other_convention
    ):
        client.force_login(reader)
        foreign_level = other_convention.levels.first().pk
        response = client.get(plan_url("search", convention), {"level": foreign_level})
        assert response.context["rows"] == []
        assert "Sélectionnez un choix valide" in response.content.decode()

    def test_search_pages_take_a_bounded_number_of_queries(
        self, client, convention, reader, django_assert_max_num_queries
    ):
        client.force_login(reader)
        url = plan_url("search", convention) + "?q=action&year_from=2026&page=3"
        build_plan(convention, shape=(1, 1, 1))
        used = PlanNode.thematics.through.objects.get().thematic_id
        filtered = plan_url("search", convention) + f"?thematic={used}"
        small = [count_queries(client, url), count_queries(client, filtered)]
        build_plan(convention)
        with django_assert_max_num_queries(SEARCH_QUERIES):
            response = client.get(url)
        assert len(response.context["rows"]) == 50
        assert response.context["page"].number == 3
        assert "page=4" in response.content.decode()
        with django_assert_max_num_queries(SEARCH_QUERIES):
            client.get(filtered)
        assert [count_queries(client, url), count_queries(client, filtered)] == small
