import re

import pytest
from django.core import mail

from pilote.accounts.enums import Role
from tests.factories import SignedConventionFactory, UserFactory, user_with_role

LINK = re.compile(r"https?://[^/\s]+(/invitation/[^/\s]+/)")


@pytest.fixture
def convention(db):
    return SignedConventionFactory(name="CTG Provence-Alpes-Agglomération 2026-2030")


@pytest.fixture
def coordinator(convention):
    return user_with_role(Role.COORDINATOR, convention=convention)


@pytest.fixture
def caf_adviser(db):
    return user_with_role(Role.CAF_ADVISER, departement_code="04")


@pytest.fixture
def superuser(db):
    return UserFactory(superuser=True)


def invitation_path(message=None) -> str:
    """Return the path of the invitation link in the last e-mail sent (or this one)."""
    message = message or mail.outbox[-1]
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)
