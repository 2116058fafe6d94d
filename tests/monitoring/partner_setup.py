"""What the partner links' tests share: a CTG in T4 2026, two actions of the CCAS, a link."""

import pytest

from pilote.accounts.enums import Role
from pilote.accounts.models import Organisation
from pilote.monitoring.periods import Quarter
from tests.factories import ConventionFactory, PlanNodeFactory, indicator, tracked_action
from tests.factories import partner_link as make_link
from tests.factories import user_with_role


@pytest.fixture(autouse=True)
def now_is_t4_2026(monkeypatch):
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))


@pytest.fixture
def convention():
    return ConventionFactory()


@pytest.fixture
def ccas():
    return Organisation.objects.create(name="CCAS de Digne-les-Bains", email="enfance@ccas-digne.fr")


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


def report(node, **values) -> dict:
    """Return the POST data of one action's block of the partner form."""
    prefix = f"action-{node.pk}-"
    data = {
        "status": "en_cours",
        "progress": "45",
        "done": "Trois séances du LAEP à Digne, 18 familles reçues.",
        "difficulties": "",
        "next_steps": "Ouvrir une deuxième permanence à Château-Arnoux.",
    }
    data.update(values)
    return {prefix + key: value for key, value in data.items()}


def form_data(*blocks, actions) -> dict:
    data = {"actions": [str(node.pk) for node in actions]}
    for block in blocks:
        data.update(block)
    return data
