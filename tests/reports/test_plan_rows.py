"""The plan of a CTG read as flat rows: every element, its place, its fiche, its follow-up."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.core.formats import french_number
from pilote.monitoring.models import Measurement
from pilote.plans.labels import level_label
from pilote.plans.models import BudgetLine, Indicator, IndicatorTarget, PlanNode
from pilote.reports.plan_rows import IndicatorValues, read_plan
from tests.factories import ConventionFactory, add_updates, build_plan, user_with_role

from .conftest import TARN_AGOUT

pytestmark = pytest.mark.django_db

PLAN_QUERIES = 10
# A download writes its line in the audit log: one INSERT, in a savepoint in a test (3 queries).
AUDIT = 3


def test_every_element_of_the_paa_plan_comes_in_outline_order_with_its_level_path(paa):
    rows = read_plan(paa).rows

    assert len(rows) == PlanNode.objects.filter(convention=paa).count() == 72
    assert [row.level_path for row in rows[:2]] == [
        "Axe stratégique 1",
        "Axe stratégique 1 › Action « Mettre à jour le projet social et créer un suivi … »",
    ]
    fiche = next(row for row in rows if row.level_path == "Fiche action 1")
    key_action = next(row for row in rows if row.parent_pk == fiche.pk)
    assert key_action.level == "Action clé"
    assert key_action.level_path == f"Fiche action 1 › Action clé {key_action.number}"
    assert key_action.depth == fiche.depth + 1 == 1
    # Children come right after their parent, depth first.
    positions = {row.pk: index for index, row in enumerate(rows)}
    assert all(positions[row.parent_pk] < positions[row.pk] for row in rows if row.parent_pk)


def test_a_fiche_of_seed_003_carries_its_fields(paa):
    fiche = next(row for row in read_plan(paa).rows if row.level_path == "Fiche action 2")

    assert fiche.objective.startswith("Garantir à tous les habitants un accès")
    assert fiche.expected_result.startswith("Un territoire plus inclusif")
    assert fiche.target_public.startswith("Tous les parents de PAA")
    assert fiche.territory == "Tout le territoire de la CTG"


def test_tracked_actions_carry_their_latest_update_and_the_ctg_its_indicators(paa):
    export = read_plan(paa)
    updated = [row for row in export.rows if row.latest]

    assert updated, "the demo activity gives most actions an update"
    assert all(row.tracked for row in updated)
    for row in updated[:5]:
        latest = PlanNode.objects.get(pk=row.pk).updates.latest_first().first()
        assert (row.latest.status, row.latest.period_label) == (latest.status, latest.period_label)
    assert [indicator.name for indicator in export.ctg_indicators] == ["Taux de couverture global"]


def test_specific_communes_budget_and_indicators_are_read(demo):
    convention = demo[TARN_AGOUT]
    node = PlanNode.objects.filter(convention=convention, level__tracked=True).first()
    node.whole_territory = False
    node.save()
    node.communes.set(convention.communes.order_by("-name")[:2])
    BudgetLine.objects.create(node=node, funder="Caf du Tarn", amount=Decimal("12500"), year=2025)
    BudgetLine.objects.create(node=node, funder="Communauté de communes", amount=Decimal("2500.5"))
    indicator = Indicator.objects.create(
        node=node, name="Nombre de familles accueillies", unit="familles", baseline_value=120
    )
    IndicatorTarget.objects.create(indicator=indicator, year=2026, value=150)
    Measurement.objects.create(indicator=indicator, year=2025, value=135)

    row = next(row for row in read_plan(convention).rows if row.pk == node.pk)

    names = sorted(convention.communes.values_list("name", flat=True), reverse=True)[:2]
    assert row.territory == ", ".join(sorted(names, key=str.casefold))
    assert row.budget_total == Decimal("15000.5")
    assert [str(line) for line in row.budget_lines] == [
        "Communauté de communes : 2\u202f500,5\u00a0€",
        "Caf du Tarn (2025) : 12\u202f500\u00a0€",
    ]
    assert str(row.indicators[0]) == (
        "Nombre de familles accueillies : référence 120\u00a0familles ; "
        "cibles 2026 : 150\u00a0familles ; dernière mesure 135\u00a0familles (2025)"
    )


def test_names_and_numbers_are_written_the_french_way():
    assert level_label("Fiche action", "2", "Accès aux droits") == "Fiche action 2"
    assert level_label("Action", "", "x" * 60) == f"Action « {'x' * 49}… »"
    assert french_number(Decimal("1500.00")) == "1\u202f500"
    assert french_number(Decimal("58.50")) == "58,5"
    assert french_number(None) == ""
    without = IndicatorValues("Taux de satisfaction", "%", None, None, (), "", None)
    assert str(without) == "Taux de satisfaction : aucune mesure"


def _big_plan(shape):
    convention = ConventionFactory()
    nodes = build_plan(convention, shape=shape)
    leaves = [node for node in nodes if node.level.tracked]
    BudgetLine.objects.bulk_create(
        BudgetLine(node=node, funder="Caf", amount=1000 + i) for i, node in enumerate(leaves)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(convention=convention, node=node, name=f"Indicateur {node.number}", unit="places")
        for node in leaves
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=indicator, year=2027, value=10) for indicator in indicators
    )
    Measurement.objects.bulk_create(
        Measurement(indicator=indicator, year=2026, value=5) for indicator in indicators
    )
    add_updates(leaves, 3)
    return convention


def test_a_large_plan_is_read_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    small, large = _big_plan((1, 1, 2)), _big_plan((5, 5, 19))

    with django_assert_max_num_queries(PLAN_QUERIES):
        assert len(read_plan(small).rows) == 4
    with django_assert_max_num_queries(PLAN_QUERIES):
        rows = read_plan(large).rows
    assert len(rows) == 505
    assert sum(1 for row in rows if row.latest and row.indicators and row.budget_lines) == 475


def test_the_plan_exports_of_a_large_plan_take_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    # 32 rows, 24 actions: one query per row or per action would overrun every bound below.
    convention = _big_plan((2, 3, 4))
    client.force_login(user_with_role(Role.READER, convention=convention))
    # The plan, the session, the user and his or her roles, the download's line in the audit log.
    for name in ("reports:plan_xlsx", "reports:plan_ods", "reports:plan_csv", "reports:plan_docx"):
        with django_assert_max_num_queries(PLAN_QUERIES + 6 + AUDIT):
            response = client.get(reverse(name, kwargs={"slug": convention.slug}))
        assert response.status_code == 200, name
    with django_assert_max_num_queries(12 + AUDIT):
        response = client.get(reverse("reports:opendata", kwargs={"slug": convention.slug}))
    assert response.content.decode("utf-8-sig").count("\r\n") == 33
