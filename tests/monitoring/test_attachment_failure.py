"""A disk full or a read-only media folder during an upload (issue 12, point 7).

The user gets a French message, finds what he or she typed in the form, and no file (whole or
truncated) is left on the disk; nothing is recorded.
"""

import errno
import html
import os

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.monitoring import services
from pilote.monitoring.models import ActionUpdate, UpdateAttachment
from pilote.monitoring.periods import Quarter
from tests.factories import tracked_action, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"0" * 200_000 + b"\n%%EOF\n"


class FullDisk(FileSystemStorage):
    """Write half of each file, then fail as a full disk does."""

    def __init__(self, *args, fail_after: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fail_after = fail_after  # files written whole before the disk is full

    def _save(self, name, content):
        if self.fail_after:
            self.fail_after -= 1
            return super()._save(name, content)
        full_path = self.path(name)
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        with open(full_path, "wb") as handle:
            handle.write(content.read(1000))  # a truncated file
        raise OSError(errno.ENOSPC, "No space left on device")


class ReadOnly(FileSystemStorage):
    def _save(self, name, content):
        raise PermissionError(errno.EACCES, "Permission denied")


@pytest.fixture(autouse=True)
def now_is_t4_2026(monkeypatch):
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def use_storage(monkeypatch, storage) -> None:
    monkeypatch.setattr(UpdateAttachment._meta.get_field("file"), "storage", storage)


def files_in(folder) -> list[str]:
    return [os.path.join(root, name) for root, _dirs, names in os.walk(folder) for name in names]


def post_update(client, action, *files):
    prefix = f"maj-{action.pk}"
    return client.post(
        reverse("monitoring:update", kwargs={"slug": action.convention.slug, "pk": action.pk}),
        {
            f"{prefix}-period": "2026-4",
            f"{prefix}-status": "en_cours",
            f"{prefix}-progress": "40",
            f"{prefix}-done": "Local trouvé ; convention signée avec la commune de Malijai.",
            f"{prefix}-attachments": list(files),
        },
    )


@pytest.mark.parametrize(
    ("storage", "cause"),
    [
        (FullDisk, "l'espace disque du serveur est plein"),
        (ReadOnly, "le dossier des fichiers du serveur n'accepte pas d'écriture"),
    ],
)
def test_a_failed_upload_says_why_in_french_and_keeps_the_typed_text(
    client, media, monkeypatch, storage, cause
):
    action = tracked_action()
    use_storage(monkeypatch, storage(location=media))
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))

    response = post_update(client, action, SimpleUploadedFile("compte-rendu.pdf", PDF))

    page = html.unescape(response.content.decode())
    assert response.status_code == 200  # an English 500 page before
    assert f"Le point de suivi n'a pas été enregistré : {cause}." in page
    assert "Local trouvé ; convention signée avec la commune de Malijai." in page
    assert not ActionUpdate.objects.exists()
    assert files_in(media) == []  # no truncated file left behind


def test_files_written_before_the_disk_filled_up_are_removed_too(client, media, monkeypatch):
    action = tracked_action()
    use_storage(monkeypatch, FullDisk(location=media, fail_after=1))
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))

    response = post_update(
        client,
        action,
        SimpleUploadedFile("premier.pdf", PDF),
        SimpleUploadedFile("second.pdf", PDF),
    )

    assert response.status_code == 200
    assert not UpdateAttachment.objects.exists()
    assert files_in(media) == []


def test_the_service_raises_a_follow_up_error(media, monkeypatch):
    action = tracked_action()
    use_storage(monkeypatch, FullDisk(location=media))

    with pytest.raises(services.FollowUpError, match="espace disque du serveur est plein"):
        services.record_update(
            action,
            by=None,
            year=2026,
            quarter=4,
            status="en_cours",
            progress=10,
            attachments=[SimpleUploadedFile("a.pdf", PDF)],
        )
    assert files_in(media) == []
