"""Fixtures of the partner links' tests: a CTG, two actions of the CCAS, a link, its coordinator.

The tests that use them run as if in T4 2026 (their own `now_is_t4_2026`).
"""

import pytest

from pilote.accounts.enums import Role
from pilote.accounts.models import Organisation
from tests.factories import (
    ConventionFactory,
    PlanNodeFactory,
    indicator,
    tracked_action,
    user_with_role,
)
from tests.factories import partner_link as make_link


@pytest.fixture
def convention():
    return ConventionFactory()


@pytest.fixture
def ccas():
    return Organisation.objects.create(
        name="CCAS de Digne-les-Bains", email="enfance@ccas-digne.fr"
    )


@pytest.fixture
def laep(convention, ccas):
    """An action piloted by the CCAS, with one indicator."""
    action = tracked_action(convention, title="Ouvrir un lieu d'accueil enfants-parents")
    action.pilots.add(ccas)
    indicator(action, "Nombre de familles accueillies au LAEP")
    return action


@pytest.fixture
def asmat(convention, laep):
    """Another action of the same fiche, with no indicator."""
    return PlanNodeFactory(
        convention=convention, parent=laep.parent, number="1.1.2", title="Former les ASMAT"
    )


@pytest.fixture
def foreign(convention, laep):
    """An action of the same CTG that the link does not name."""
    return PlanNodeFactory(
        convention=convention,
        parent=laep.parent,
        number="1.1.3",
        title="Note interne : budget confidentiel du CCAS",
    )


@pytest.fixture
def link_and_token(laep, asmat, ccas):
    return make_link([laep, asmat], organisation=ccas)


@pytest.fixture
def coordinator(convention):
    return user_with_role(Role.COORDINATOR, convention=convention)
