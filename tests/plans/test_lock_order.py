"""Plan writes take their locks in one order: the CTG's row first, then elements by primary key.

Renumbering while someone reorders ended in "deadlock detected" on PostgreSQL: renumbering
locked every element in the order of its UPDATE, a move the siblings in the order of their
positions. Now every plan write locks the CTG's row before any element, so that two of them on
one CTG wait for each other. SQLite ignores the FOR clauses; the order of the calls is the same.
"""

import pytest
from django.db import connection

from pilote.conventions import locks
from pilote.plans import levels, numbering, removal, services
from pilote.plans.enums import NumberingMode
from pilote.plans.levels import LevelData
from pilote.plans.node_data import NodeData
from pilote.plans.removal import delete_node
from tests.factories import PlanNodeFactory

pytestmark = pytest.mark.django_db

LOCK = "-- the CTG's row is locked here --"


@pytest.fixture
def statements(monkeypatch):
    """Return the SQL run by the test, with LOCK where the CTG's row was locked."""
    run: list[str] = []

    def lock_convention(convention):
        run.append(LOCK)
        locks.lock_convention(convention)

    for module in (services, numbering, levels, removal):
        monkeypatch.setattr(module, "lock_convention", lock_convention)

    def record(execute, sql, params, many, context):
        run.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield run


def assert_convention_locked_first(run: list[str]) -> None:
    """Check that the CTG's row is locked before any element or level is read or written."""
    assert LOCK in run, "the CTG's row is never locked"
    first_plan_query = next(i for i, sql in enumerate(run) if "plans_plan" in sql)
    assert run.index(LOCK) < first_plan_query, run[: first_plan_query + 1]
    lock_sql = run[run.index(LOCK) + 1]
    assert '"conventions_convention"' in lock_sql
    if connection.vendor == "postgresql":
        assert lock_sql.endswith("FOR NO KEY UPDATE")
    element_locks = [sql for sql in run if "FOR NO KEY UPDATE" in sql and "plans_plannode" in sql]
    # Elements locked in primary-key order ("ORDER BY 1": the first column selected, the key).
    by_key = ('ORDER BY "plans_plannode"."id" ASC', "ORDER BY 1 ASC")
    assert all(
        sql.startswith('SELECT "plans_plannode"."id"') and any(order in sql for order in by_key)
        for sql in element_locks
    ), element_locks


@pytest.fixture
def plan(convention):
    axis = PlanNodeFactory(convention=convention, title="Axe 1", number="1")
    fiches = [
        PlanNodeFactory(convention=convention, parent=axis, title=title, number=str(n))
        for n, title in enumerate(["Accueil", "Parentalité", "Jeunesse"], start=1)
    ]
    return axis, fiches


def test_creating_an_element_locks_the_ctg_first(convention, plan, statements):
    axis, fiches = plan
    data = NodeData(level=fiches[0].level, title="Accès aux droits")
    statements.clear()

    services.create_node(convention, by=None, parent=axis, data=data, position=0)

    assert_convention_locked_first(statements)


def test_editing_an_element_locks_the_ctg_first(plan, statements):
    _axis, fiches = plan
    data = NodeData(level=fiches[1].level, title="Parentalité et petite enfance")
    statements.clear()

    services.update_node(fiches[1], by=None, data=data)

    assert_convention_locked_first(statements)


def test_moving_an_element_locks_the_ctg_first(convention, plan, statements):
    _axis, fiches = plan
    other_axis = PlanNodeFactory(convention=convention, title="Axe 2", number="2")
    statements.clear()

    services.move_node(fiches[0], new_parent=other_axis)

    assert_convention_locked_first(statements)


def test_moving_an_element_up_locks_the_ctg_first(plan, statements):
    _axis, fiches = plan
    statements.clear()

    services.shift_node(fiches[2], offset=-1)

    assert_convention_locked_first(statements)


def test_moving_up_an_element_moved_meanwhile_moves_it_in_its_new_group(convention, plan):
    axis, fiches = plan
    other_axis = PlanNodeFactory(convention=convention, title="Axe 2", number="2")
    first = PlanNodeFactory(convention=convention, parent=other_axis, title="Santé")
    stale = type(fiches[2]).objects.get(pk=fiches[2].pk)
    services.move_node(fiches[2], new_parent=other_axis)  # someone else, meanwhile

    services.shift_node(stale, offset=-1)

    group = type(stale).objects.filter(parent=other_axis).order_by("position")
    assert [node.pk for node in group] == [fiches[2].pk, first.pk]
    assert axis.children.count() == 2


def test_deleting_an_element_locks_the_ctg_first(plan, statements):
    _axis, fiches = plan
    statements.clear()

    delete_node(fiches[0])

    assert_convention_locked_first(statements)


def test_renumbering_locks_the_ctg_then_every_element_by_primary_key(convention, plan, statements):
    statements.clear()

    numbering.renumber(convention, scope=None, mode=NumberingMode.HIERARCHICAL)

    assert_convention_locked_first(statements)


def test_changing_the_levels_locks_the_ctg_first(convention, coordinator, statements):
    current = list(convention.levels.order_by("position"))
    statements.clear()

    levels.replace_levels(
        convention,
        by=coordinator,
        levels=[LevelData(pk=lv.pk, name=lv.name, tracked=lv.tracked) for lv in current],
    )

    assert LOCK in statements
    assert statements.index(LOCK) < next(
        i for i, sql in enumerate(statements) if "plans_planlevel" in sql
    )
