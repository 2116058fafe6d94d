"""The three demo CTGs, their users and their follow-up (2025–2026), loaded once per session.

See tests/demo_data.py: every test runs in a savepoint of the demo as loaded; what a module adds in
its module-scoped fixtures is rolled back when the module ends.
"""

import pytest

from pilote.accounts.models import User
from pilote.conventions.models import Convention
from pilote.demo.services import DEMO_USERS

PAA = "provence-alpes-agglomeration-2026-2030"
TARN_AGOUT = "tarn-agout-2023-2026"
SALONAIS = "pays-salonais-2025-2028"


@pytest.fixture(scope="module")
def demo_loaded(session_demo_world, demo_savepoint):
    """The demo CTGs, users and follow-up, with the module's additions kept until its end."""
    with demo_savepoint():
        yield


@pytest.fixture
def demo(db, demo_loaded):
    """Return the demo CTGs by slug, read as the pages read them."""
    return {
        convention.slug: convention
        for convention in Convention.objects.select_related("departement", "epci")
    }


@pytest.fixture
def paa(demo):
    return demo[PAA]


@pytest.fixture
def demo_user(demo):
    """Return the demo user with this username (conseiller.caf, caf04, cooperation.paa…)."""
    return lambda username: User.objects.get(username=username)


DEMO_PEOPLE = [(user.first_name, user.last_name, user.username) for user in DEMO_USERS]
