"""Every change to the plan goes through pilote.plans.services: positions, cascades, numbers."""

from decimal import Decimal

import pytest

from pilote.accounts.models import Organisation
from pilote.plans import numbering, services
from pilote.plans.enums import NumberingMode
from pilote.plans.models import BudgetLine, Indicator, IndicatorTarget, PlanNode, Thematic
from pilote.plans.removal import delete_node
from pilote.plans.services import BudgetLineData, IndicatorData, NodeData, PlanError
from tests.factories import DIGNE, MANOSQUE, PlanNodeFactory, commune, thematic

pytestmark = pytest.mark.django_db


def levels(convention):
    return list(convention.levels.order_by("position"))


def data(convention, depth=0, **kwargs) -> NodeData:
    kwargs.setdefault("title", "Développer les Maisons France Services")
    return NodeData(level=levels(convention)[depth], **kwargs)


def positions(convention, parent):
    return list(
        PlanNode.objects.filter(convention=convention, parent=parent)
        .order_by("position")
        .values_list("title", "position")
    )


def titles(convention, parent):
    return [title for title, _ in positions(convention, parent)]


def make_siblings(convention, parent=None, names=("A", "B", "C", "D")):
    return [PlanNodeFactory(convention=convention, parent=parent, title=name) for name in names]


class TestCreate:
    def test_create_node_appends_after_its_siblings_with_the_whole_fiche(self, convention):
        axe = services.create_node(convention, by=None, parent=None, data=data(convention))
        fiche = services.create_node(
            convention,
            by=None,
            parent=axe,
            data=data(
                convention,
                1,
                title="Coordination",
                number="1",
                objective="Renforcer la cohérence de la gouvernance territoriale.",
                whole_territory=False,
                communes=[commune(DIGNE)],
                pilots=["PAA", "Caf des Alpes-de-Haute-Provence"],
                partners=["CCAS, PMI"],
                thematics=[thematic("parentalite")],
                new_thematics=["Santé"],
                start_year=2026,
                end_year=2027,
                budget_lines=[BudgetLineData("Caf", Decimal("1500.00"), 2026)],
                indicators=[
                    IndicatorData(
                        "Nombre d'instances réunies", targets={2026: Decimal(2), 2027: Decimal(4)}
                    )
                ],
            ),
        )
        second = services.create_node(convention, by=None, parent=axe, data=data(convention, 1))

        assert (fiche.position, second.position) == (0, 1)
        assert [c.code for c in fiche.communes.all()] == [DIGNE]
        assert sorted(o.name for o in fiche.pilots.all()) == [
            "Caf des Alpes-de-Haute-Provence",
            "PAA",
        ]
        assert {t.label for t in fiche.thematics.all()} == {"Parentalité", "Santé"}
        assert Thematic.objects.get(label="Santé").convention == convention
        assert fiche.budget_lines.get().amount == Decimal("1500.00")
        indicator = fiche.indicators.get()
        assert {t.year: t.value for t in indicator.targets.all()} == {2026: 2, 2027: 4}

    def test_create_node_at_a_position_shifts_the_next_siblings(self, convention):
        make_siblings(convention)
        services.create_node(
            convention, by=None, parent=None, data=data(convention, title="X"), position=1
        )
        assert positions(convention, None) == [("A", 0), ("X", 1), ("B", 2), ("C", 3), ("D", 4)]

    def test_organisations_are_found_whatever_their_case(self, convention):
        caf = Organisation.objects.create(name="Caf des Alpes-de-Haute-Provence")
        node = services.create_node(
            convention,
            by=None,
            parent=None,
            data=data(convention, pilots=["CAF DES ALPES-DE-HAUTE-PROVENCE"]),
        )
        assert list(node.pilots.all()) == [caf]
        assert Organisation.objects.count() == 1

    def test_a_new_thematic_named_like_a_national_one_reuses_it(self, convention):
        node = services.create_node(
            convention, by=None, parent=None, data=data(convention, new_thematics=["jeunesse"])
        )
        assert list(node.thematics.all()) == [thematic("jeunesse")]
        assert not Thematic.objects.filter(convention=convention).exists()

    def test_commune_outside_the_territory_is_refused(self, convention):
        with pytest.raises(PlanError, match="Hors du territoire de la CTG : Manosque"):
            services.create_node(
                convention,
                by=None,
                parent=None,
                data=data(convention, whole_territory=False, communes=[commune(MANOSQUE)]),
            )
        assert not PlanNode.objects.exists()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"start_year": 2031}, "L'année 2031 est hors de la période de la CTG"),
            ({"start_year": 2028, "end_year": 2027}, "La fin prévue précède le début prévu."),
            (
                {"budget_lines": [BudgetLineData("Caf", Decimal(-1))]},
                "Un montant ne peut pas être négatif.",
            ),
            (
                {"indicators": [IndicatorData("Taux", targets={2031: Decimal(1)})]},
                r"L'année 2031 est hors de la période de la CTG \(2026–2030\)\.",
            ),
            ({"whole_territory": False}, "Choisissez au moins une commune"),
        ],
    )
    def test_invalid_fiche_raises_a_french_plan_error(self, convention, changes, message):
        with pytest.raises(PlanError, match=message):
            services.create_node(convention, by=None, parent=None, data=data(convention, **changes))
        assert not PlanNode.objects.exists()

    def test_failure_after_the_node_is_saved_rolls_everything_back(self, convention):
        too_long = "x" * 300
        with pytest.raises(PlanError, match="trop long"):
            services.create_node(
                convention, by=None, parent=None, data=data(convention, pilots=[too_long])
            )
        assert not PlanNode.objects.exists()

    def test_parent_of_another_ctg_is_refused(self, convention, other_convention):
        foreign = PlanNodeFactory(convention=other_convention)
        with pytest.raises(PlanError, match="n'appartient pas à cette CTG"):
            services.create_node(convention, by=None, parent=foreign, data=data(convention, 1))


class TestUpdate:
    def test_update_keeps_indicators_and_lines_by_id_and_drops_the_missing_ones(self, convention):
        node = services.create_node(
            convention,
            by=None,
            parent=None,
            data=data(
                convention,
                budget_lines=[
                    BudgetLineData("Caf", Decimal(100), 2026),
                    BudgetLineData("PAA", Decimal(50), 2026),
                ],
                indicators=[
                    IndicatorData("Nombre de parents participants", targets={2026: Decimal(10)}),
                    IndicatorData("Taux de satisfaction", unit="%"),
                ],
            ),
        )
        caf_line = node.budget_lines.get(funder="Caf")
        kept = node.indicators.get(name="Nombre de parents participants")

        services.update_node(
            node,
            by=None,
            data=data(
                convention,
                title="Nouvel intitulé",
                budget_lines=[BudgetLineData("Caf", Decimal(120), 2027, pk=caf_line.pk)],
                indicators=[
                    IndicatorData(
                        "Nombre de parents participants",
                        targets={2027: Decimal(12)},
                        pk=kept.pk,
                    )
                ],
            ),
        )

        node.refresh_from_db()
        assert node.title == "Nouvel intitulé"
        assert list(BudgetLine.objects.values_list("pk", "amount", "year")) == [
            (caf_line.pk, Decimal(120), 2027)
        ]
        assert list(Indicator.objects.values_list("pk", flat=True)) == [kept.pk]
        assert list(IndicatorTarget.objects.values_list("year", "value")) == [(2027, 12)]

    def test_budget_line_of_another_element_is_refused(self, convention):
        first = services.create_node(
            convention,
            by=None,
            parent=None,
            data=data(convention, budget_lines=[BudgetLineData("Caf", Decimal(1))]),
        )
        second = services.create_node(convention, by=None, parent=None, data=data(convention))
        line = first.budget_lines.get()
        with pytest.raises(PlanError, match="n'appartient pas à cet élément"):
            services.update_node(
                second,
                by=None,
                data=data(convention, budget_lines=[BudgetLineData("X", Decimal(1), pk=line.pk)]),
            )
        assert first.budget_lines.get().funder == "Caf"


class TestMove:
    def test_shift_moves_an_element_among_its_siblings_keeping_positions_dense(self, convention):
        a, _b, c, _d = make_siblings(convention)
        services.shift_node(c, offset=-1)
        assert positions(convention, None) == [("A", 0), ("C", 1), ("B", 2), ("D", 3)]
        services.shift_node(a, offset=1)
        assert titles(convention, None) == ["C", "A", "B", "D"]

    def test_shift_beyond_the_ends_is_refused(self, convention):
        a, *_, d = make_siblings(convention)
        with pytest.raises(PlanError, match="déjà le premier"):
            services.shift_node(a, offset=-1)
        with pytest.raises(PlanError, match="déjà le dernier"):
            services.shift_node(d, offset=1)

    def test_move_between_parents_keeps_both_groups_dense(self, convention):
        axe1, axe2 = make_siblings(convention, names=("Axe 1", "Axe 2"))
        _f1, f2, _f3 = make_siblings(convention, axe1, ("1.1", "1.2", "1.3"))
        make_siblings(convention, axe2, ("2.1", "2.2"))

        services.move_node(f2, new_parent=axe2, position=1)

        assert positions(convention, axe1) == [("1.1", 0), ("1.3", 1)]
        assert positions(convention, axe2) == [("2.1", 0), ("1.2", 1), ("2.2", 2)]

    def test_move_without_position_puts_the_element_last(self, convention):
        axe1, axe2 = make_siblings(convention, names=("Axe 1", "Axe 2"))
        fiche = PlanNodeFactory(convention=convention, parent=axe1, title="1.1")
        make_siblings(convention, axe2, ("2.1",))
        services.move_node(fiche, new_parent=axe2, position=None)
        assert titles(convention, axe2) == ["2.1", "1.1"]

    def test_move_to_the_first_level(self, convention):
        axe = PlanNodeFactory(convention=convention, title="Axe 1")
        fiche = PlanNodeFactory(convention=convention, parent=axe, title="1.1")
        services.move_node(fiche, new_parent=None, position=0)
        assert positions(convention, None) == [("1.1", 0), ("Axe 1", 1)]

    def test_an_element_cannot_go_under_its_own_descendant_or_itself(self, convention):
        axe = PlanNodeFactory(convention=convention)
        fiche = PlanNodeFactory(convention=convention, parent=axe)
        action = PlanNodeFactory(convention=convention, parent=fiche)
        with pytest.raises(PlanError, match="sous l'un de ses sous-éléments"):
            services.move_node(axe, new_parent=action)
        with pytest.raises(PlanError, match="sous lui-même"):
            services.move_node(axe, new_parent=axe)
        axe.refresh_from_db()
        assert axe.parent is None

    def test_an_element_cannot_go_under_another_ctgs_element(self, convention, other_convention):
        node = PlanNodeFactory(convention=convention)
        with pytest.raises(PlanError, match="n'appartient pas à cette CTG"):
            services.move_node(node, new_parent=PlanNodeFactory(convention=other_convention))

    def test_taking_the_level_below_the_new_parent_shifts_the_subtree(self, convention):
        _axe_level, fiche_level, action_level = levels(convention)
        axe1, axe2 = make_siblings(convention, names=("Axe 1", "Axe 2"))
        action = PlanNodeFactory(convention=convention, parent=axe2, level=fiche_level)
        PlanNodeFactory(convention=convention, parent=action, level=action_level)
        # Axe 2 (with its fiche and key action) goes under Axe 1 as a fiche.
        services.move_node(axe2, new_parent=axe1, level=fiche_level)
        axe2.refresh_from_db()
        assert axe2.level == fiche_level
        assert [n.level for n in PlanNode.objects.filter(parent=axe2)] == [action_level]
        # The deepest level is the floor: the key action stays a key action.
        assert PlanNode.objects.get(parent=action).level == action_level


class TestDelete:
    def test_delete_cascades_and_compacts_the_siblings(self, convention):
        _a, b, _c = make_siblings(convention, names=("A", "B", "C"))
        fiche = services.create_node(
            convention,
            by=None,
            parent=b,
            data=data(
                convention,
                1,
                budget_lines=[BudgetLineData("Caf", Decimal(10))],
                indicators=[IndicatorData("Nombre", targets={2026: Decimal(1)})],
            ),
        )
        PlanNodeFactory(convention=convention, parent=fiche)

        assert delete_node(b).count == 3

        assert positions(convention, None) == [("A", 0), ("C", 1)]
        assert PlanNode.objects.count() == 2
        assert not BudgetLine.objects.exists()
        assert not IndicatorTarget.objects.exists()


class TestRenumber:
    @pytest.fixture
    def plan(self, convention):
        """Two axes; fiches 2 + 1; key actions 2 + 1 + 2, with stale numbers."""
        axe1, axe2 = make_siblings(convention, names=("Axe 1", "Axe 2"))
        f1, f2 = make_siblings(convention, axe1, ("Fiche a", "Fiche b"))
        (f3,) = make_siblings(convention, axe2, ("Fiche c",))
        make_siblings(convention, f1, ("k1", "k2"))
        make_siblings(convention, f2, ("k3",))
        make_siblings(convention, f3, ("k4", "k5"))
        PlanNode.objects.update(number="99")
        return {"axe1": axe1, "axe2": axe2, "f1": f1, "f3": f3}

    def numbers(self):
        return dict(PlanNode.objects.values_list("title", "number"))

    def test_hierarchical_numbering(self, convention, plan):
        numbering.renumber(convention, scope=None, mode=NumberingMode.HIERARCHICAL)
        assert self.numbers() == {
            "Axe 1": "1",
            "Axe 2": "2",
            "Fiche a": "1.1",
            "Fiche b": "1.2",
            "Fiche c": "2.1",
            "k1": "1.1.1",
            "k2": "1.1.2",
            "k3": "1.2.1",
            "k4": "2.1.1",
            "k5": "2.1.2",
        }

    def test_per_level_numbering_restarts_in_each_group(self, convention, plan):
        numbering.renumber(convention, scope=None, mode=NumberingMode.PER_LEVEL)
        numbers = self.numbers()
        assert [numbers[t] for t in ("Fiche a", "Fiche b", "Fiche c")] == ["1", "2", "1"]
        assert [numbers[t] for t in ("k1", "k2", "k3", "k4", "k5")] == ["1", "2", "1", "1", "2"]

    def test_continuous_numbering_of_one_level_leaves_the_others(self, convention, plan):
        action_level = levels(convention)[2]
        changes = numbering.renumber(
            convention, scope=None, mode=NumberingMode.CONTINUOUS, levels=[action_level]
        )
        numbers = self.numbers()
        assert [numbers[t] for t in ("k1", "k2", "k3", "k4", "k5")] == ["1", "2", "3", "4", "5"]
        assert numbers["Axe 1"] == numbers["Fiche c"] == "99"
        assert len(changes) == 5

    def test_renumbering_a_subtree_keeps_its_own_number_as_prefix(self, convention, plan):
        PlanNode.objects.filter(pk=plan["axe2"].pk).update(number="II")
        numbering.renumber(convention, scope=plan["axe2"], mode=NumberingMode.HIERARCHICAL)
        numbers = self.numbers()
        assert (numbers["Axe 2"], numbers["Fiche c"], numbers["k4"]) == ("II", "II.1", "II.1.1")
        assert numbers["k1"] == "99"

    def test_preview_saves_nothing(self, convention, plan):
        changes = numbering.plan_renumbering(
            convention, scope=None, mode=NumberingMode.HIERARCHICAL
        )
        assert {c.new for c in changes} >= {"1", "2.1.2"}
        assert set(self.numbers().values()) == {"99"}

    def test_unknown_mode_is_refused(self, convention, plan):
        with pytest.raises(PlanError, match="Mode de numérotation inconnu"):
            numbering.renumber(convention, scope=None, mode="romain")
