import pytest

from pilote.accounts.enums import Role
from tests.factories import ConventionFactory, UserFactory, user_with_role


@pytest.fixture
def convention(db):
    return ConventionFactory()


@pytest.fixture
def other_convention(db):
    return ConventionFactory()


@pytest.fixture
def coordinator(convention):
    return user_with_role(Role.COORDINATOR, convention=convention)


@pytest.fixture
def reader(convention):
    return user_with_role(Role.READER, convention=convention)


@pytest.fixture
def superuser(db):
    return UserFactory(superuser=True)


@pytest.fixture
def editor_client(client, coordinator):
    client.force_login(coordinator)
    return client
