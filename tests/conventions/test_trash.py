"""Every deletion of a CTG's editors goes to its trash and comes back whole (issue 12).

Each kind is deleted through its own service on the demo CTG of seed 003, with its follow-up and
governance: the rows of every table, the history and the files are the same after the restore
as before the deletion.
"""

import datetime
import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from pilote.accounts.models import AuditEvent, User
from pilote.conventions import trash
from pilote.conventions.models import Convention, TrashItem, TrashKind
from pilote.demo.governance import generate_demo_governance
from pilote.facilities.figures.services import delete_figure
from pilote.facilities.models import Facility, Schema, TerritoryFigure
from pilote.facilities.petite_enfance.services import delete_schema
from pilote.facilities.register.services import delete_facility
from pilote.governance.bilans.services import delete_review
from pilote.governance.bodies.services import (
    MemberData,
    delete_body,
    delete_decision,
    delete_meeting,
    replace_members,
)
from pilote.governance.enums import ReviewKind
from pilote.governance.models import Body, Decision, Meeting, Review
from pilote.monitoring.models import ActionUpdate, UpdateAttachment
from pilote.plans.models import PlanNode
from pilote.plans.removal import delete_node
from tests.governance.demo import PAA, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def paa(session_demo_world, db) -> Convention:
    generate_demo_governance(today=TODAY)
    return Convention.objects.get(slug=PAA)


@pytest.fixture
def coordinator(paa) -> User:
    return User.objects.get(username="cooperation.paa")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def table_counts() -> dict[str, int]:
    """Return the number of rows of every table but the trash's own, history included.

    The audit log is left out: a deletion and a restoration each add their line to it
    (tests/conventions/test_trash_views.py checks them).
    """
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model not in (TrashItem, AuditEvent)
        and model._meta.app_label not in {"sessions", "contenttypes"}
    }


def a_fiche(convention) -> PlanNode:
    """Return a fiche action of the demo with sub-elements, follow-up and a decision about it."""
    return (
        PlanNode.objects.filter(convention=convention, level__name="Fiche action")
        .filter(children__updates__isnull=False, children__decisions__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )


def a_draft_review(convention) -> Review:
    taken = set(Review.objects.filter(convention=convention).values_list("kind", "year"))
    year = next(y for y in convention.years if (ReviewKind.ANNUAL, y) not in taken)
    return Review.objects.create(
        convention=convention, kind=ReviewKind.ANNUAL, year=year, summary="À compléter."
    )


def to_delete(kind, paa):
    """Return one thing of this kind on the demo CTG."""
    if kind == TrashKind.NODE:
        return a_fiche(paa)
    if kind == TrashKind.FACILITY:
        facility = Facility.objects.filter(convention=paa).first()
        facility.actions.add(*PlanNode.objects.filter(convention=paa)[:2])
        return facility
    if kind == TrashKind.FIGURE:
        return TerritoryFigure.objects.filter(convention=paa).first()
    if kind == TrashKind.SCHEMA:
        return Schema.objects.filter(convention=paa, lines__isnull=False).first()
    if kind == TrashKind.MEETING:
        return Meeting.objects.filter(convention=paa, decisions__isnull=False).first()
    if kind == TrashKind.DECISION:
        return Decision.objects.filter(meeting__convention=paa, node__isnull=False).first()
    if kind == TrashKind.BODY:
        return Body.objects.create(convention=paa, name="Commission jeunesse")
    if kind == TrashKind.REVIEW:
        return a_draft_review(paa)
    body = Body.objects.filter(convention=paa, members__attendances__isnull=False).first()
    return body.members.filter(attendances__isnull=False).order_by("position", "pk").first()


def delete_each(kind, obj, by) -> TrashItem:
    """Delete obj through the service of its kind; return its trash item."""
    services = {
        TrashKind.NODE: lambda: delete_node(obj, by=by).item,
        TrashKind.FACILITY: lambda: delete_facility(obj, by=by),
        TrashKind.FIGURE: lambda: delete_figure(obj, by=by),
        TrashKind.SCHEMA: lambda: delete_schema(obj, by=by),
        TrashKind.MEETING: lambda: delete_meeting(obj, by=by),
        TrashKind.DECISION: lambda: delete_decision(obj, by=by),
        TrashKind.BODY: lambda: delete_body(obj, by=by),
        TrashKind.REVIEW: lambda: delete_review(obj, by=by),
    }
    if kind in services:
        return services[kind]()
    others = obj.body.members.exclude(pk=obj.pk).order_by("position", "pk")
    kept = [MemberData(m.organisation, m.person, m.role, m.email, m.voting, m.pk) for m in others]
    (item,) = replace_members(obj.body, kept, by=by)
    return item


@pytest.mark.parametrize("kind", [k for k in TrashKind if k != TrashKind.CONVENTION])
def test_each_kind_goes_to_the_trash_and_comes_back_whole(paa, coordinator, kind):
    obj = to_delete(kind, paa)
    pk = obj.pk
    before = table_counts()

    item = delete_each(kind, obj, coordinator)

    if kind == TrashKind.MEMBER:
        # The members kept are saved again (their positions): their history rows stay; the
        # « deleted » row of the member removed goes with the restore.
        now = table_counts()["governance.HistoricalBodyMember"]
        before["governance.HistoricalBodyMember"] = now - 1
    assert item.kind == kind
    assert item.convention == paa
    assert item.deleted_by == coordinator
    assert item.expires_at - item.deleted_at == datetime.timedelta(days=30)
    assert table_counts() != before
    restored = trash.restore_item(item, coordinator)
    assert restored.obj.pk == pk
    assert table_counts() == before  # every row back, no history row written
    assert not TrashItem.objects.filter(pk=item.pk).exists()


def fiche_siblings(fiche):
    siblings = PlanNode.objects.filter(convention=fiche.convention_id, parent=fiche.parent_id)
    return siblings.order_by("position", "pk").values_list("pk", flat=True)


def test_a_fiche_comes_back_at_its_place_with_its_links(paa, coordinator):
    fiche = a_fiche(paa)
    siblings = list(fiche_siblings(fiche))
    pk = fiche.pk
    decisions = set(Decision.objects.filter(node__parent=pk).values_list("pk", "node_id"))
    facilities = set(fiche.facilities.values_list("pk", flat=True))
    item = delete_node(fiche, by=coordinator).item
    assert not Decision.objects.filter(node__isnull=False, pk__in=[d for d, _ in decisions])
    assert item.label.startswith(f"Fiche action {fiche.number} – ")

    trash.restore_item(item, coordinator)

    assert list(fiche_siblings(fiche)) == siblings
    assert set(Decision.objects.filter(node__parent=pk).values_list("pk", "node_id")) == (decisions)
    assert set(PlanNode.objects.get(pk=pk).facilities.values_list("pk", flat=True)) == (facilities)


def test_a_link_set_again_meanwhile_is_kept(paa, coordinator):
    fiche = a_fiche(paa)
    decision = Decision.objects.filter(node__parent=fiche.pk).first()
    other = PlanNode.objects.filter(convention=paa).exclude(pk=fiche.pk).exclude(parent=fiche)[0]
    item = delete_node(fiche, by=coordinator).item
    Decision.objects.filter(pk=decision.pk).update(node=other)

    trash.restore_item(item, coordinator)

    assert Decision.objects.get(pk=decision.pk).node == other


def test_a_decision_whose_meeting_is_gone_is_refused_in_french(paa, coordinator):
    decision = Decision.objects.filter(meeting__convention=paa).first()
    pk, meeting = decision.pk, decision.meeting
    decision_item = delete_decision(decision, by=coordinator)
    meeting_item = delete_meeting(meeting, by=coordinator)
    before = table_counts()

    with pytest.raises(trash.TrashError) as refused:
        trash.restore_item(decision_item, coordinator)

    assert refused.value.message == (
        f"Impossible de restaurer « {decision_item.label} » : il se rattache à "
        f"« {meeting_item.label} » (réunion), qui est dans la corbeille. Restaurez-le d'abord."
    )
    assert table_counts() == before  # nothing half-restored
    assert TrashItem.objects.filter(pk=decision_item.pk).exists()
    trash.restore_item(meeting_item, coordinator)
    trash.restore_item(decision_item, coordinator)
    assert Decision.objects.filter(pk=pk).exists()


def test_a_member_whose_body_is_gone_for_good_is_refused(paa, coordinator):
    body = Body.objects.create(convention=paa, name="Commission jeunesse")
    replace_members(body, [MemberData("Caf 04"), MemberData("Commune de Digne")])
    (item,) = replace_members(body, [MemberData("Caf 04", pk=body.members.first().pk)])
    trash.purge_item(delete_body(body, by=coordinator))

    with pytest.raises(trash.TrashError, match=r"se rattachent à instance n° \d+, qui n'existe"):
        trash.restore_item(item, coordinator)


def test_a_review_of_a_year_taken_since_is_refused(paa, coordinator):
    review = a_draft_review(paa)
    item = delete_review(review, by=coordinator)
    Review.objects.create(convention=paa, kind=review.kind, year=review.year)

    with pytest.raises(trash.TrashError, match="porte déjà le même numéro ou le même nom"):
        trash.restore_item(item, coordinator)

    assert TrashItem.objects.filter(pk=item.pk).exists()


def test_an_expired_item_is_not_restored_and_purge_trash_removes_it(paa, coordinator, media):
    update = ActionUpdate.objects.filter(convention=paa).first()
    attachment = UpdateAttachment.objects.create(
        update=update, file=ContentFile(b"%PDF-1.4", name="cr.pdf"), name="cr.pdf", size=8
    )
    old = delete_node(update.node, by=coordinator).item
    fresh = delete_facility(Facility.objects.filter(convention=paa).first(), by=coordinator)
    TrashItem.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    old.refresh_from_db()
    assert default_storage.exists(attachment.file.name)

    with pytest.raises(trash.TrashError, match="a dépassé son délai"):
        trash.restore_item(old, coordinator)
    out = io.StringIO()
    call_command("purge_trash", stdout=out)

    assert out.getvalue() == "1 élément(s) de la corbeille supprimé(s) définitivement.\n"
    assert list(TrashItem.objects.all()) == [fresh]
    # In a test, on_commit callbacks run when captured: the file removal is checked below.


def test_purging_removes_the_files_after_the_commit(
    paa, coordinator, media, django_capture_on_commit_callbacks
):
    update = ActionUpdate.objects.filter(convention=paa).first()
    attachment = UpdateAttachment.objects.create(
        update=update, file=ContentFile(b"%PDF-1.4", name="cr.pdf"), name="cr.pdf", size=8
    )
    item = delete_node(update.node, by=coordinator).item
    assert default_storage.exists(attachment.file.name)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        trash.purge_item(item)

    assert callbacks
    assert not default_storage.exists(attachment.file.name)


def test_a_missing_file_does_not_stop_the_restore_and_is_reported(paa, coordinator, media):
    update = ActionUpdate.objects.filter(convention=paa).first()
    attachment = UpdateAttachment.objects.create(
        update=update, file=ContentFile(b"%PDF-1.4", name="cr.pdf"), name="cr.pdf", size=8
    )
    item = delete_node(update.node, by=coordinator).item
    default_storage.delete(attachment.file.name)

    restored = trash.restore_item(item, coordinator)

    assert restored.missing_files == [attachment.file.name]
    assert UpdateAttachment.objects.filter(pk=attachment.pk).exists()
