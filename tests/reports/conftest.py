"""The three demo CTGs, their users and their follow-up, loaded once per test module.

As in tests/facilities/conftest.py: loaded inside a transaction rolled back when the module ends,
each test running in a savepoint of it, so that every test sees the demo as loaded.
"""

import datetime

import pytest
from django.db import transaction

from pilote.accounts.models import User
from pilote.conventions.models import Convention
from pilote.demo.activity import generate_activity
from pilote.demo.services import DEMO_USERS, load_demo_conventions, load_demo_users

TODAY = datetime.date(2026, 11, 23)
PAA = "provence-alpes-agglomeration-2026-2030"
TARN_AGOUT = "tarn-agout-2023-2026"
SALONAIS = "pays-salonais-2025-2028"


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """Load the demo CTGs, users and follow-up (updates of 2025–2026) for the whole module."""
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            load_demo_conventions()
            load_demo_users()
            generate_activity(today=TODAY)
        except BaseException:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_transaction.__exit__(None, None, None)


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
