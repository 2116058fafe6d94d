"""A CTG deleted into the trash comes back whole: its JSON export is the same as before (issue 12).

The CTG is a demo CTG with its follow-up, enriched with attachments, a closed bilan, a reminder
and an element already in its own trash: all of it must come back with the restore.
"""

import pytest
from django.apps import apps
from django.core.files.storage import default_storage

from pilote.conventions import trash
from pilote.conventions.models import Convention, TrashItem, TrashKind
from pilote.exchange.services import export_convention
from pilote.monitoring.models import UpdateAttachment
from pilote.plans.models import PlanNode
from tests.exchange.test_archive import _caf_adviser, _enrich

PAA = "provence-alpes-agglomeration-2026-2030"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def _history_rows() -> int:
    return sum(
        model._base_manager.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    )


def test_a_deleted_ctg_comes_back_identical_with_its_own_trash(session_demo_world, db, media):
    convention = Convention.objects.get(slug=PAA)
    _enrich(convention)
    adviser = _caf_adviser(convention)
    fiche = PlanNode.objects.filter(
        convention=convention, updates__isnull=True, children__isnull=True
    ).last()
    trash.discard(fiche, convention=convention, user=adviser, kind=TrashKind.NODE, label="fiche")
    document = export_convention(convention)
    files = list(UpdateAttachment.objects.filter(update__convention=convention))
    assert files
    history = _history_rows()
    own_trash = convention.trash_items.count()

    item = trash.discard_convention(convention, user=adviser)

    assert not Convention.objects.filter(slug=PAA).exists()
    assert item.convention is None
    assert item.convention_slug == PAA
    assert item.departement_id == convention.departement_id
    assert dict(item.what_goes)["éléments du plan"] > 10
    assert TrashItem.objects.filter(kind=TrashKind.NODE).count() == 0  # inside the CTG's item
    for attachment in files:
        assert default_storage.exists(attachment.file.name)  # kept while in the trash

    restored = trash.restore_item(item, adviser)

    assert restored.obj == Convention.objects.get(slug=PAA)
    assert not restored.missing_files
    assert export_convention(restored.obj) == document
    assert restored.obj.trash_items.count() == own_trash == 1
    assert not TrashItem.objects.filter(pk=item.pk).exists()
    assert _history_rows() == history  # the deletion's history rows gone, none written


def test_purging_a_deleted_ctg_removes_its_files_and_those_of_its_trash(
    session_demo_world, db, media, django_capture_on_commit_callbacks
):
    convention = Convention.objects.get(slug=PAA)
    _enrich(convention)
    adviser = _caf_adviser(convention)
    attachments = list(UpdateAttachment.objects.filter(update__convention=convention))
    first = attachments[0]
    trash.discard(first, convention=convention, user=adviser, kind=TrashKind.NODE, label="pièce")
    item = trash.discard_convention(convention, user=adviser)
    with django_capture_on_commit_callbacks(execute=True):
        trash.purge_item(item)
    for attachment in attachments:
        assert not default_storage.exists(attachment.file.name), attachment.file.name
    assert not TrashItem.objects.exists()
