"""pilote.core.trash: what a snapshot holds, and a restore that is all or nothing."""

import json

import pytest
from django.utils import timezone

from pilote.conventions.models import Convention
from pilote.core.models import PendingImport
from pilote.core.trash import TrashError, pack, restore, snapshot, unpack
from pilote.governance.models import Body, Decision, Meeting
from pilote.plans.models import PlanNode
from tests.factories import ActionUpdateFactory, UserFactory, tracked_action

pytestmark = pytest.mark.django_db


def models_in(payload) -> set[str]:
    return {row["model"] for row in payload["rows"]}


def test_a_snapshot_holds_the_rows_the_links_and_nothing_of_history():
    action = tracked_action(title="Guichet unique")
    ActionUpdateFactory(node=action)
    fiche = action.parent
    fiche.communes.set(action.convention.communes.all()[:2])
    meeting = Meeting.objects.create(
        convention=action.convention,
        body=Body.objects.create(convention=action.convention, name="COPIL"),
        date="2026-06-11",
    )
    decision = Decision.objects.create(meeting=meeting, node=action, text="Reportée à 2028.")
    user = UserFactory()
    PendingImport.objects.create(
        token="t" * 32, user=user, key="plan", data=b"x", expires_at=timezone.now()
    )

    payload = snapshot(fiche)

    assert models_in(payload) == {
        "plans.plannode",
        "plans.plannode_communes",
        "monitoring.actionupdate",
    }
    assert payload["root"] == ["plans.plannode", fiche.pk]
    assert payload["unlinked"] == [
        {"model": "governance.decision", "field": "node_id", "rows": [[decision.pk, action.pk]]}
    ]
    # Parents first: the fiche comes back before its action and the action's update.
    order = [(row["model"], row["pk"]) for row in payload["rows"]]
    assert order.index(("plans.plannode", fiche.pk)) < order.index(("plans.plannode", action.pk))
    assert unpack(pack(payload)) == json.loads(json.dumps(payload))
    assert len(pack(payload)) < len(json.dumps(payload))


def test_restore_is_all_or_nothing_when_a_row_is_taken():
    action = tracked_action(title="Guichet unique")
    fiche = action.parent
    payload = unpack(pack(snapshot(fiche)))
    fiche.delete()
    # An element created since with the pk of the deleted action: the restore stops.
    PlanNode.objects.create(
        pk=action.pk, convention=action.convention, level=action.level, title="Nouvelle action"
    )

    with pytest.raises(TrashError, match="existe déjà"):
        restore(payload)

    assert not PlanNode.objects.filter(pk=fiche.pk).exists()
    assert PlanNode.objects.get(pk=action.pk).title == "Nouvelle action"


def test_a_restore_writes_no_history_and_forgets_the_deletion_rows():
    action = tracked_action(title="Guichet unique")
    convention = action.convention
    history = PlanNode.history.filter(convention_id=convention.pk).count()
    deleted_at = timezone.now()
    payload = snapshot(convention)
    Convention.objects.filter(pk=convention.pk).delete()
    assert PlanNode.history.filter(history_type="-").count() == 3

    restored = restore(payload, deleted_at=deleted_at)

    assert restored.obj == convention
    assert restored.rows == len(payload["rows"])
    assert PlanNode.history.filter(convention_id=convention.pk).count() == history
    assert PlanNode.objects.filter(convention=convention).count() == 3


def test_a_payload_of_another_format_is_refused():
    with pytest.raises(TrashError, match="d'un autre format"):
        restore({"version": 99, "rows": [], "root": ["plans.plannode", 1]})


def test_an_author_whose_account_is_gone_since_is_emptied_not_refused():
    author = UserFactory()
    action = tracked_action(title="Guichet unique")
    update = ActionUpdateFactory(node=action, author=author)
    payload = snapshot(action)
    action.delete()
    author.delete()

    restore(payload)

    update.refresh_from_db()
    assert update.author is None
