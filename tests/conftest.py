"""Shared fixtures: the territories, loaded with the test database, and the demo CTGs, loaded once.

See tests/demo_data.py for how a demo is kept for the tests that ask for it.
"""

import os

import pytest
from django.core.cache import cache
from django.db import connections
from pytest_django.fixtures import _disable_migrations

from pilote.conventions.models import Convention
from pilote.core.fragments import forget_local_copies
from tests.browser.demo_database import start_building
from tests.demo_data import DEMOS, DemoData
from tests.template_db import TemplateDatabase, template_key

BROWSER_TESTS = "tests/browser/"
_building = []  # the process building the browser tests' demo database, if started


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """Copy the test database, migrated and with the shipped COG, from its template.

    See tests/template_db.py; the arguments are those of pytest-django's own django_db_setup.
    """
    if not django_db_use_migrations:
        _disable_migrations()
    workerinput = getattr(request.config, "workerinput", {})
    database = TemplateDatabase(
        connections["default"],
        template_key(django_db_use_migrations),
        workerinput.get("testrunuid"),
    )
    DemoData.blocker = django_db_blocker
    with django_db_blocker.unblock():
        database.set_up(rebuild=django_db_createdb)
    yield
    DemoData.switch_to(None)
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            database.tear_down()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache (pilote.core.fragments).

    A rolled-back test gives its ids back on SQLite: the next test's CTG may have the same id
    and content version as a fragment the previous one stored.
    """
    cache.clear()
    forget_local_copies()


@pytest.fixture(scope="session")
def session_demo_paa(django_db_setup):
    """The demo CTG of seed 003 alone (tests/facilities/demo.py), imported once."""
    DemoData.switch_to(DEMOS["session_demo_paa"])


@pytest.fixture(scope="session")
def session_demo_ctgs(django_db_setup):
    """The three demo CTGs (plans, registers, figures), loaded once."""
    DemoData.switch_to(DEMOS["session_demo_ctgs"])


@pytest.fixture(scope="session")
def session_demo_world(django_db_setup):
    """The demo CTGs with their users and follow-up (generated as of DEMO_TODAY), loaded once."""
    DemoData.switch_to(DEMOS["session_demo_world"])


@pytest.fixture(scope="session")
def demo_savepoint():
    """Return a context manager that keeps a module's additions to the open demo until it ends."""
    return DemoData.savepoint


@pytest.fixture
def demo_ctgs(db, session_demo_ctgs) -> dict[str, Convention]:
    """Return the three demo CTGs by slug, read as the pages read them."""
    return {
        convention.slug: convention
        for convention in Convention.objects.select_related("departement", "epci")
    }


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Open the demo this test asks for, or close the open one, before its transaction starts."""
    if DemoData.blocker is not None:
        DemoData.switch_to(DemoData.wanted_by(item))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the tests without demo first, then those of each demo (a stable sort)."""
    items.sort(key=lambda item: getattr(DemoData.wanted_by(item), "rank", 0))


def _start_building_the_browser_demo(config, nodeids) -> None:
    """Build the browser tests' demo database in the background if the run holds any."""
    if not _building and any(nodeid.startswith(BROWSER_TESTS) for nodeid in nodeids):
        _building.append(start_building(config._tmp_path_factory.getbasetemp()))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    """On xdist's controller: start the browser demo as soon as a worker has collected."""
    _start_building_the_browser_demo(node.config, ids)


def pytest_collection_finish(session):
    """Without xdist: start the browser demo before the first test runs."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        _start_building_the_browser_demo(session.config, [item.nodeid for item in session.items])


def pytest_unconfigure(config):
    """Stop the building of the browser demo if the run ends before it (it is left unfinished)."""
    for process in _building:
        process.terminate()
        process.wait()
