import pytest

from pilote.accounts.enums import Role
from tests.factories import SignedConventionFactory as ConventionFactory
from tests.factories import UserFactory, user_with_role


@pytest.fixture
def convention(db):
    return ConventionFactory(communes=True)


@pytest.fixture
def superuser(db):
    return UserFactory(superuser=True)


@pytest.fixture
def caf_adviser(db):
    return user_with_role(Role.CAF_ADVISER)


@pytest.fixture
def coordinator(convention):
    return user_with_role(Role.COORDINATOR, convention=convention)


@pytest.fixture
def referent(convention):
    return user_with_role(Role.REFERENT, convention=convention)
