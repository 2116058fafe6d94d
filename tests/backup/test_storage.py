"""Backups with attachments in a storage that is not a local folder (an S3 bucket in production).

Django's in-memory storage stands for the bucket: what is read and written goes through the
storage API only, as with django-storages.
"""

import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings

from pilote.backup.archive import BackupError
from pilote.backup.media import StorageSwap, is_local, stored_files
from pilote.backup.services import create_backup

pytestmark = pytest.mark.django_db

IN_MEMORY = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture
def bucket():
    with override_settings(STORAGES=IN_MEMORY):
        assert not is_local(default_storage)
        yield default_storage


def put(storage, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        assert storage.save(name, ContentFile(data)) == name


def contents(storage) -> dict[str, bytes]:
    return {name: storage.open(name).read() for name in stored_files(storage)}


def test_a_backup_reads_the_attachments_through_the_storage(bucket, tmp_path):
    put(bucket, {"suivi/1/4/cr été.pdf": b"%PDF-1.7 compte rendu", "suivi/2/9/a.csv": b"a;b\n"})

    summary = create_backup(tmp_path / "instance.zip")

    assert (summary.files, summary.bytes) == (2, 25)
    with zipfile.ZipFile(tmp_path / "instance.zip") as archive:
        assert archive.read("media/suivi/1/4/cr été.pdf") == b"%PDF-1.7 compte rendu"
        assert archive.read("media/suivi/2/9/a.csv") == b"a;b\n"


def test_a_restore_replaces_the_storage_files_once_committed(bucket):
    put(bucket, {"suivi/1/ancien.pdf": b"ancien", "suivi/1/commun.pdf": b"avant"})
    swap = StorageSwap(bucket)
    swap.write("suivi/1/commun.pdf", [b"apr", b"es"])
    swap.write("suivi/2/nouveau.pdf", [b"nouveau"])

    swap.swap_in()  # within the database's transaction: new names only
    assert contents(bucket) == {
        "suivi/1/ancien.pdf": b"ancien",
        "suivi/1/commun.pdf": b"avant",
        "suivi/2/nouveau.pdf": b"nouveau",
    }
    swap.finish()  # after the commit: replaced, and what the backup does not hold is gone

    assert contents(bucket) == {"suivi/1/commun.pdf": b"apres", "suivi/2/nouveau.pdf": b"nouveau"}
    assert not swap.staging.exists()


def test_a_restore_rolled_back_leaves_the_storage_as_it_was(bucket):
    put(bucket, {"suivi/1/ancien.pdf": b"ancien"})
    swap = StorageSwap(bucket)
    swap.write("suivi/2/nouveau.pdf", [b"nouveau"])
    swap.swap_in()

    swap.roll_back()  # the database's transaction failed

    assert contents(bucket) == {"suivi/1/ancien.pdf": b"ancien"}
    assert not swap.staging.exists()


def test_a_path_leaving_the_storage_is_refused(bucket):
    swap = StorageSwap(bucket)
    with pytest.raises(BackupError, match="Chemin de fichier refusé"):
        swap.write("../evil.sh", [b"rm -rf /"])
    swap.discard()
    assert contents(bucket) == {}
