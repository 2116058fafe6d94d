"""One backup of the demo world (users, follow-up, governance, history) with attachment files.

Written once per module, in the module's savepoint of the demo (tests/demo_data.py); each test
runs in a savepoint of it, so that what a restore replaces comes back for the next test.
"""

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings

from pilote.backup import tables
from pilote.backup.services import create_backup
from pilote.monitoring.models import ActionUpdate, UpdateAttachment

# Every byte value, and names with accents and spaces, as people name their files.
ATTACHMENTS = {
    "compte-rendu COPIL été.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40,
    "présences.csv": "nom;présent\nMartin;oui\n".encode(),
}


@pytest.fixture(scope="module")
def world_backup(session_demo_world, demo_savepoint, django_db_blocker, tmp_path_factory):
    """Return the path of a backup of the demo world with two attachments, and MEDIA_ROOT."""
    folder = tmp_path_factory.mktemp("sauvegarde")
    media_root = folder / "media"
    with demo_savepoint(), override_settings(MEDIA_ROOT=media_root):
        with django_db_blocker.unblock():
            update = ActionUpdate.objects.order_by("pk").last()
            for name, data in ATTACHMENTS.items():
                attachment = UpdateAttachment(update=update, name=name, size=len(data))
                attachment.file.save(name, ContentFile(data))
            path = folder / "instance.zip"
            create_backup(path)
        yield path, media_root


def row_counts() -> dict[str, int]:
    """Return the number of rows of every table a backup holds."""
    return {tables.label(model): model._base_manager.count() for model in tables.saved_models()}


def media_bytes(root) -> dict[str, bytes]:
    """Return every file under root by its path there, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
