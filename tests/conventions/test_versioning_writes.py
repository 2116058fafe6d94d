"""The writes that send no signal, the links and the shared names move the right version."""

import pytest
from django.db import transaction

from pilote.accounts.models import Organisation
from pilote.conventions.models import Convention
from pilote.conventions.versioning import bump
from pilote.core.versions import catalogue_version
from pilote.monitoring.partners.services import revoke_link
from pilote.plans.enums import NumberingMode
from pilote.plans.node_data import NodeData
from pilote.plans.numbering import renumber
from pilote.plans.services import NodeSpec, create_nodes
from pilote.territories.models import Commune
from tests.factories import UserFactory, build_tracked_ctg, partner_link
from tests.versions import commit_bumps

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctg():
    convention, actions = build_tracked_ctg(3)
    commit_bumps()
    return convention, actions


def version(convention) -> int:
    return Convention.objects.values_list("content_version", flat=True).get(pk=convention.pk)


def moved(convention, operation) -> int:
    """Return by how much the operation moved the CTG's version, once committed."""
    before = version(convention)
    operation()
    commit_bumps()
    return version(convention) - before


def test_nothing_moves_before_the_commit_then_one_bump_for_the_whole_transaction(ctg):
    convention, actions = ctg
    before = version(convention)
    with transaction.atomic():
        for action in actions:
            action.title += " (révisé)"
            action.save()
        assert version(convention) == before
    commit_bumps()
    assert version(convention) == before + 1


def test_a_bump_rolled_back_with_its_savepoint_is_made_again_by_the_next_write(ctg):
    convention, actions = ctg
    before = version(convention)
    with transaction.atomic():
        with transaction.atomic():
            actions[0].save()
            transaction.set_rollback(True)
        actions[1].save()
    commit_bumps()
    assert version(convention) == before + 1


def test_outside_a_transaction_the_bump_is_immediate(ctg, django_db_blocker):
    convention, _ = ctg
    connection = transaction.get_connection()
    atomic = connection.in_atomic_block
    connection.in_atomic_block = False  # as in autocommit, outside any transaction
    try:
        before = version(convention)
        bump(convention, None)
        assert version(convention) == before + 1
    finally:
        connection.in_atomic_block = atomic


def test_an_old_instance_saved_after_a_bump_does_not_write_its_old_version_back(ctg):
    convention, _ = ctg
    stale = Convention.objects.get(pk=convention.pk)
    bump(convention)
    commit_bumps()
    after_bump = version(convention)
    stale.name = "CTG renommée"
    stale.save()
    commit_bumps()
    assert version(convention) == after_bump + 1


def test_renumbering_moves_the_version(ctg):
    convention, _ = ctg
    assert moved(convention, lambda: renumber(convention, scope=None, mode=NumberingMode.PER_LEVEL))


def test_creating_a_subtree_in_bulk_moves_the_version(ctg):
    convention, actions = ctg
    fiche = actions[0].parent
    data = NodeData(level=actions[0].level, title="Ouvrir une ludothèque itinérante")
    assert moved(
        convention, lambda: create_nodes(convention, [NodeSpec(data=data)], by=None, parent=fiche)
    )


def test_revoking_a_partner_link_moves_the_version(ctg):
    convention, actions = ctg
    link, _ = partner_link(actions[:1])
    commit_bumps()
    assert moved(convention, lambda: revoke_link(link))


def test_a_pilot_added_or_removed_moves_the_version(ctg):
    # django-simple-history follows these links from the plan's side only (m2m_fields).
    convention, actions = ctg
    organisation = Organisation.objects.create(name="Association Familles Rurales")
    assert moved(convention, lambda: actions[0].pilots.add(organisation))
    assert moved(convention, lambda: actions[0].pilots.remove(organisation))
    assert moved(convention, lambda: actions[2].pilots.clear())


def test_a_commune_joining_or_leaving_the_territory_moves_the_version(ctg):
    convention, _ = ctg
    commune = Commune.objects.exclude(conventions=convention).first()
    assert moved(convention, lambda: convention.communes.add(commune))
    assert moved(convention, lambda: convention.communes.remove(commune))


def test_a_renamed_person_moves_the_catalogue_but_a_login_does_not():
    user = UserFactory()
    commit_bumps()
    before = catalogue_version()
    user.save(update_fields=["last_login"])
    commit_bumps()
    assert catalogue_version() == before
    user.last_name = "Garcia-Martin"
    user.save()
    commit_bumps()
    assert catalogue_version() == before + 1


def test_a_commune_population_change_moves_the_catalogue():
    commune = Commune.objects.first()
    before = catalogue_version()
    commune.population += 1
    commune.save()
    commit_bumps()
    assert catalogue_version() == before + 1
