"""Fixtures of the governance tests: the demo world (three CTGs, users, follow-up) per module."""

import pytest
from django.db import transaction

from pilote.accounts.models import User

from .demo import load_world


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """Load the demo CTGs, users and follow-up once for the module, rolled back at its end."""
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            load_world()
        except BaseException:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_transaction.__exit__(None, None, None)


@pytest.fixture
def world(db, demo_world):
    """The demo world, in a savepoint of the module's transaction."""


@pytest.fixture
def user_named(world):
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get
