"""Recording the plan's versions on the demo Tarn-Agout CTG: as signed, after each avenant."""

import datetime

import pytest

from pilote.accounts.enums import Role
from pilote.conventions.models import Amendment, Convention
from pilote.conventions.services import AmendmentData, replace_amendments
from pilote.demo.governance import generate_demo_governance
from pilote.demo.versions import generate_demo_versions
from pilote.governance.exceptions import GovernanceError
from pilote.governance.models import Decision, PlanVersion
from pilote.governance.versions.history import ChangeKind, plan_history, version_rows
from pilote.governance.versions.services import freeze_signed_plan, record_amendment_plan
from pilote.monitoring.models import ActionUpdate
from pilote.plans.models import PlanNode
from pilote.plans.removal import delete_node
from tests.factories import user_with_role

from .demo import TARN, TODAY


@pytest.fixture
def tarn(world):
    return Convention.objects.select_related("departement", "epci").get(slug=TARN)


@pytest.fixture
def coordinator(user_named):
    return user_named("cooperation.tarnagout")


def add_amendment(convention, number: int, date=datetime.date(2025, 6, 26)) -> Amendment:
    return Amendment.objects.create(
        convention=convention, number=number, date=date, subject=f"Avenant {number}"
    )


def objective(convention, number: str) -> PlanNode:
    return PlanNode.objects.get(convention=convention, level__tracked=True, number=number)


def test_freezing_the_signed_plan_stores_every_element_once(tarn, coordinator):
    version = freeze_signed_plan(tarn, by=coordinator)

    assert version.amendment is None
    assert version.taken_by == coordinator
    assert len(version.nodes) == 67
    assert version_rows(version)[0].title.startswith("Garantir une offre de services")
    with pytest.raises(GovernanceError, match="déjà figé"):
        freeze_signed_plan(tarn, by=coordinator)
    assert PlanVersion.objects.filter(convention=tarn).count() == 1


@pytest.mark.parametrize("role", [Role.READER, Role.REFERENT])
def test_readers_and_referents_cannot_record_versions(tarn, role):
    user = user_with_role(role, convention=tarn)
    amendment = add_amendment(tarn, 1)

    with pytest.raises(GovernanceError, match="pas le droit"):
        freeze_signed_plan(tarn, by=user)
    with pytest.raises(GovernanceError, match="pas le droit"):
        record_amendment_plan(amendment, by=user)
    assert not PlanVersion.objects.filter(convention=tarn).exists()


def test_the_plan_after_an_avenant_needs_the_signed_plan_first(tarn, coordinator):
    amendment = add_amendment(tarn, 1)

    with pytest.raises(GovernanceError) as error:
        record_amendment_plan(amendment, by=coordinator)

    assert "Figez d'abord le plan tel que signé" in str(error.value)
    assert "référence" in str(error.value)
    assert not PlanVersion.objects.filter(convention=tarn).exists()


def test_the_plan_after_an_avenant_shows_what_the_avenant_changed(tarn, coordinator):
    freeze_signed_plan(tarn, by=coordinator)
    amendment = add_amendment(tarn, 1)
    delete_node(objective(tarn, "32"))

    version = record_amendment_plan(amendment, by=coordinator)

    assert version.amendment == amendment
    assert len(version.nodes) == 66
    history = plan_history(tarn)
    step = history.amendments[0]
    assert step.version == version
    assert step.previous is history.signed
    assert step.diff.summary == "1 élément retiré"
    assert [c.row.number for c in step.diff.of_kind(ChangeKind.REMOVED)] == ["32"]
    assert not history.current.diff.has_changes
    assert step.can_replace
    assert not step.can_record


def test_an_avenant_recorded_once_is_replaced_only_on_request(tarn, coordinator):
    freeze_signed_plan(tarn, by=coordinator)
    amendment = add_amendment(tarn, 1)
    first = record_amendment_plan(amendment, by=coordinator)
    delete_node(objective(tarn, "31"))

    with pytest.raises(GovernanceError, match="déjà enregistré"):
        record_amendment_plan(amendment, by=coordinator)
    replaced = record_amendment_plan(amendment, by=coordinator, replace=True)

    assert replaced.pk == first.pk
    assert len(replaced.nodes) == 66
    assert PlanVersion.objects.filter(convention=tarn).count() == 2


def test_versions_follow_the_order_of_the_avenants(tarn, coordinator):
    freeze_signed_plan(tarn, by=coordinator)
    first, second = add_amendment(tarn, 1), add_amendment(tarn, 2, datetime.date(2026, 3, 1))
    record_amendment_plan(second, by=coordinator)

    history = plan_history(tarn)
    assert [(s.can_record, s.can_replace) for s in history.amendments] == [
        (False, False),
        (False, True),
    ]
    with pytest.raises(GovernanceError, match="celui de l'avenant n° 2, plus récent"):
        record_amendment_plan(first, by=coordinator)


def test_only_the_latest_version_can_be_recorded_again(tarn, coordinator):
    freeze_signed_plan(tarn, by=coordinator)
    first, second = add_amendment(tarn, 1), add_amendment(tarn, 2, datetime.date(2026, 3, 1))
    record_amendment_plan(first, by=coordinator)
    record_amendment_plan(second, by=coordinator)

    with pytest.raises(GovernanceError, match="ne peut plus être enregistré à nouveau"):
        record_amendment_plan(first, by=coordinator, replace=True)


def test_deleting_an_avenant_deletes_its_version(tarn, coordinator):
    freeze_signed_plan(tarn, by=coordinator)
    amendment = add_amendment(tarn, 1)
    record_amendment_plan(amendment, by=coordinator)

    replace_amendments(tarn, by=coordinator, amendments=[])

    assert list(
        PlanVersion.objects.filter(convention=tarn).values_list("amendment", flat=True)
    ) == [None]


def test_renumbering_an_avenant_keeps_its_version(tarn, coordinator):
    freeze_signed_plan(tarn, by=coordinator)
    amendment = add_amendment(tarn, 1)
    version = record_amendment_plan(amendment, by=coordinator)

    replace_amendments(
        tarn,
        by=coordinator,
        amendments=[AmendmentData(pk=amendment.pk, number=3, date=amendment.date, subject="x")],
    )

    assert plan_history(tarn).amendments[0].version == version
    assert plan_history(tarn).amendments[0].choice == "avenant-3"


def test_the_history_reads_in_a_fixed_number_of_queries(
    tarn, coordinator, django_assert_num_queries
):
    freeze_signed_plan(tarn, by=coordinator)
    for number in (1, 2, 3):
        record_amendment_plan(add_amendment(tarn, number), by=coordinator)

    with django_assert_num_queries(4):
        history = plan_history(tarn)

    assert len(history.steps) == 5


def test_the_demo_avenant_adds_retitles_widens_and_abandons(tarn):
    generate_demo_governance(today=TODAY)  # as the demo command does, before the avenant
    updates = ActionUpdate.objects.filter(convention=tarn).count()
    nodes = PlanNode.objects.filter(convention=tarn).count()
    linked = Decision.objects.filter(meeting__convention=tarn, node__isnull=False).count()
    assert linked

    result = generate_demo_versions()

    assert result.created
    assert result.summary == "1 élément ajouté, 1 retiré, 2 modifiés"
    history = plan_history(tarn)
    assert history.signed.version.taken_at.date() == datetime.date(2023, 9, 28)
    step = history.amendments[0]
    assert step.amendment.number == 1
    assert step.amendment.date == datetime.date(2025, 6, 26)
    assert step.diff.summary == result.summary
    modified = {c.row.number: c.fields for c in step.diff.of_kind(ChangeKind.MODIFIED)}
    assert modified == {"26": ("title",), "14": ("pilots",)}
    assert [c.row.number for c in step.diff.of_kind(ChangeKind.ADDED)] == ["39"]
    assert not history.current.diff.has_changes
    # The abandoned objective had neither follow-up nor decision: no demo data is lost.
    assert ActionUpdate.objects.filter(convention=tarn).count() == updates
    assert Decision.objects.filter(meeting__convention=tarn, node__isnull=False).count() == linked
    removed = step.diff.of_kind(ChangeKind.REMOVED)[0].row
    assert f"retrait de l'objectif n° {removed.number} " in step.amendment.subject
    assert PlanNode.objects.filter(convention=tarn).count() == nodes
    # A second run changes nothing.
    assert not generate_demo_versions().created
    assert PlanVersion.objects.filter(convention=tarn).count() == 2
