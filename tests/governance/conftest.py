"""Fixtures of the governance tests: the demo world (three CTGs, users, follow-up).

The world is loaded once per test session (see tests/conftest.py); what a module adds to it in its
own module-scoped fixtures is rolled back when the module ends.
"""

import pytest

from pilote.accounts.models import User


@pytest.fixture(scope="module")
def demo_world(session_demo_world, demo_savepoint):
    """The demo CTGs, users and follow-up, with the module's additions kept until its end."""
    with demo_savepoint():
        yield


@pytest.fixture
def world(db, demo_world):
    """The demo world, in a savepoint of the module's transaction."""


@pytest.fixture
def user_named(world):
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get
