"""create_nodes gives what create_node gives element by element, in a few queries per depth."""

from decimal import Decimal

import pytest
from django.db import connection

from pilote.accounts.models import Organisation
from pilote.exchange.services import export_convention
from pilote.plans import services
from pilote.plans.models import BudgetLine, Indicator, IndicatorTarget, PlanNode, Thematic
from pilote.plans.services import (
    BudgetLineData,
    IndicatorData,
    NodeData,
    NodeError,
    NodeSpec,
    PlanError,
)
from tests.factories import DIGNE, MALIJAI, ConventionFactory, PlanNodeFactory, UserFactory, commune

pytestmark = pytest.mark.django_db

# Elements of a 3-level plan: 5 axes, 5 fiches each, 11 actions each (305 in all).
SHAPE = (5, 5, 11)
# About 26 statements (validation, then per table one insert); SQLite splits the inserts into
# batches of 999 parameters at most, PostgreSQL does not (element by element: about 10,000).
BULK_QUERIES = 80 if connection.vendor == "sqlite" else 35


def fiche(level, path: str, depth: int) -> NodeData:
    """Return a fiche using every field create_node writes, varying with its place."""
    last = int(path.rsplit(".", 1)[-1])
    return NodeData(
        level=level,
        title=f"Élément {path} : développer l'accueil des familles",
        number=path,
        objective=f"Objectif {path}",
        description="Description" if last % 2 else "",
        expected_result="Résultat attendu",
        target_public="Familles",
        whole_territory=last % 3 != 0,
        communes=[commune(DIGNE), commune(MALIJAI)] if last % 3 == 0 else [],
        pilots=["Caf des Alpes-de-Haute-Provence", f"Commune n° {last}"],
        partners=["CAF DES ALPES-DE-HAUTE-PROVENCE"] if depth else [],
        thematics=list(Thematic.objects.filter(code="jeunesse")),
        new_thematics=["Mobilité des jeunes"] if last % 4 == 0 else [],
        priority="haute" if depth == 2 else "",
        origin="nouveau",
        start_year=2026 + last % 3,
        start_quarter=1 + last % 4,
        end_year=2030,
        budget_lines=[
            BudgetLineData("Caf", Decimal("1500.50"), 2027, " PS "),
            BudgetLineData("Commune", Decimal(200)),
        ],
        indicators=[
            IndicatorData(
                " Nombre de familles ",
                unit="familles",
                baseline_value=Decimal(10),
                baseline_year=2025,
                targets={2027: Decimal(20), 2030: Decimal(40)},
            ),
            IndicatorData("Taux de satisfaction"),
        ],
    )


def specs(convention, shape=SHAPE, prefix="", depth=0) -> list[NodeSpec]:
    level = list(convention.levels.order_by("position"))[depth]
    found = []
    for index in range(1, shape[0] + 1):
        path = f"{prefix}.{index}" if prefix else str(index)
        found.append(
            NodeSpec(
                data=fiche(level, path, depth),
                key=path,
                children=specs(convention, shape[1:], path, depth + 1) if shape[1:] else [],
            )
        )
    return found


def create_one_by_one(convention, items: list[NodeSpec], parent=None) -> None:
    for spec in items:
        node = services.create_node(convention, by=None, parent=parent, data=spec.data)
        create_one_by_one(convention, spec.children, node)


def plan(convention) -> list[dict]:
    return export_convention(convention)["plan"]


class TestCreateNodes:
    def test_gives_the_same_plan_as_creating_element_by_element(self):
        one_by_one, bulk = ConventionFactory(), ConventionFactory()
        create_one_by_one(one_by_one, specs(one_by_one, (3, 2, 4)))
        nodes = services.create_nodes(bulk, specs(bulk, (3, 2, 4)), by=None)
        assert len(nodes) == 3 + 6 + 24
        assert [node.number for node in nodes[:3]] == ["1", "1.1", "1.1.1"]  # depth first
        assert plan(bulk) == plan(one_by_one)
        assert (
            Thematic.objects.filter(convention=bulk).count()
            == Thematic.objects.filter(convention=one_by_one).count()
            == 1
        )

    def test_appends_after_the_existing_siblings(self, convention):
        axis = PlanNodeFactory(convention=convention, title="Axe existant")
        PlanNodeFactory(convention=convention, parent=axis, title="A")
        PlanNodeFactory(convention=convention, parent=axis, title="B")
        level = list(convention.levels.order_by("position"))[1]
        created = services.create_nodes(
            convention,
            [NodeSpec(NodeData(level=level, title=title)) for title in ("C", "D")],
            by=None,
            parent=axis,
        )
        assert [(node.title, node.position) for node in created] == [("C", 2), ("D", 3)]
        assert list(axis.children.order_by("position").values_list("title", "position")) == [
            ("A", 0),
            ("B", 1),
            ("C", 2),
            ("D", 3),
        ]

    def test_records_the_history_of_every_element_with_its_author(self, convention):
        author = UserFactory()
        nodes = services.create_nodes(convention, specs(convention, (2, 2, 2)), by=author)
        rows = PlanNode.history.filter(convention_id=convention.pk)
        assert rows.count() == len(nodes) == 14
        assert {(row.history_type, row.history_user_id) for row in rows} == {("+", author.pk)}
        first = rows.get(id=nodes[0].pk)
        assert sorted(row.organisation.name for row in first.pilots.all()) == [
            "Caf des Alpes-de-Haute-Provence",
            "Commune n° 1",
        ]
        for model in (BudgetLine, Indicator, IndicatorTarget):
            assert model.history.count() == model.objects.count() > 0
            assert set(model.history.values_list("history_user_id", flat=True)) == {author.pk}

    def test_an_invalid_element_writes_nothing_and_is_named(self, convention):
        items = specs(convention, (2, 2, 2))
        items[1].children[0].children[1].data.start_year = 2031
        organisations = Organisation.objects.count()
        with pytest.raises(NodeError, match="L'année 2031 est hors de la période") as caught:
            services.create_nodes(convention, items, by=None)
        assert caught.value.spec.key == "2.1.2"
        assert not PlanNode.objects.exists()
        assert not PlanNode.history.exists()
        assert Organisation.objects.count() == organisations
        assert not Thematic.objects.filter(convention=convention).exists()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"title": "  "}, "L'intitulé est obligatoire."),
            ({"whole_territory": False, "communes": []}, "Choisissez au moins une commune"),
            ({"pilots": ["x" * 300]}, "trop long"),
            ({"budget_lines": [BudgetLineData("Caf", Decimal(-1))]}, "ne peut pas être négatif"),
        ],
    )
    def test_refuses_what_create_node_refuses(self, convention, changes, message):
        level = convention.levels.order_by("position").first()
        data = NodeData(level=level, title="Axe")
        for name, value in changes.items():
            setattr(data, name, value)
        with pytest.raises(PlanError, match=message):
            services.create_node(convention, by=None, parent=None, data=data)
        with pytest.raises(NodeError, match=message):
            services.create_nodes(convention, [NodeSpec(data)], by=None)
        assert not PlanNode.objects.exists()

    def test_a_parent_of_another_ctg_is_refused(self, convention, other_convention):
        foreign = PlanNodeFactory(convention=other_convention)
        level = convention.levels.order_by("position").first()
        with pytest.raises(PlanError, match="n'appartient pas à cette CTG"):
            services.create_nodes(
                convention, [NodeSpec(NodeData(level=level, title="X"))], by=None, parent=foreign
            )

    def test_three_hundred_elements_take_a_few_dozen_queries(
        self, convention, django_assert_max_num_queries
    ):
        items = specs(convention)
        with django_assert_max_num_queries(BULK_QUERIES):
            nodes = services.create_nodes(convention, items, by=None)
        assert len(nodes) == PlanNode.objects.filter(convention=convention).count() == 305
