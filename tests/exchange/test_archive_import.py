"""Importing a CTG archive through the page and its limits (issue 12): the page reads the zip as
import_ctg does, and a zip too large or a zip bomb is refused in French before extraction."""

import hashlib
import io
import json
import os
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from pilote.accounts.models import Membership, User
from pilote.conventions.models import Convention
from pilote.exchange.archive import archive_bytes
from pilote.monitoring.models import ActionUpdate, UpdateAttachment
from tests.exchange.test_archive import PAA, _enrich

IMPORT_URL = reverse("conventions:import")
COPY = "copie-paa"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def paa_archive(session_demo_world, db, media) -> bytes:
    """Return the demo PAA's archive, its document renamed to COPY (manifest signed again)."""
    _enrich(Convention.objects.get(slug=PAA))
    source = zipfile.ZipFile(io.BytesIO(archive_bytes(Convention.objects.get(slug=PAA))))
    document = json.loads(source.read("ctg.json"))
    document["convention"]["slug"] = COPY
    content = json.dumps(document, ensure_ascii=False).encode()
    manifest = json.loads(source.read("manifest.json"))
    manifest["files"]["ctg.json"] = {
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            if name == "ctg.json":
                target.writestr(name, content)
            elif name == "manifest.json":
                target.writestr(name, json.dumps(manifest))
            else:
                target.writestr(name, source.read(name))
    return buffer.getvalue()


@pytest.fixture
def admin(db) -> User:
    return User.objects.create(username="admin.archive", is_superuser=True)


def post_zip(client, content: bytes, **kwargs):
    upload = SimpleUploadedFile("ctg.zip", content, content_type="application/zip")
    return client.post(IMPORT_URL, {"file": upload}, **kwargs)


def test_the_import_page_imports_an_archive_with_its_files_and_says_what_it_brought(
    client, paa_archive, admin, settings
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # on disk, as a real archive past 10 Mo would be
    client.force_login(admin)

    response = post_zip(client, paa_archive, follow=True)

    copy = Convention.objects.get(slug=COPY)
    original = Convention.objects.get(slug=PAA)
    attachments = UpdateAttachment.objects.filter(update__convention=copy)
    assert attachments.count() == 4
    assert all(default_storage.exists(a.file.name) for a in attachments)
    updates = ActionUpdate.objects.filter(convention=copy).count()
    assert updates == ActionUpdate.objects.filter(convention=original).count() > 0
    members = Membership.objects.filter(convention=copy).count()
    assert members > 0
    page = response.content.decode()
    assert f"{updates} point(s) de suivi" in page
    assert "4 pièce(s) jointe(s)" in page
    assert f"{members} membre(s)" in page
    assert "mesure(s)" in page
    assert "ligne(s) d&#x27;historique" in page


def test_a_tampered_archive_is_refused_on_the_page_and_nothing_is_written(
    client, paa_archive, admin, media
):
    source = zipfile.ZipFile(io.BytesIO(paa_archive))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name.startswith("pieces-jointes/"):
                content += b"!"
            target.writestr(name, content)
    client.force_login(admin)
    conventions, files = Convention.objects.count(), sorted(media.rglob("*"))

    response = post_zip(client, buffer.getvalue())

    assert response.status_code == 200
    assert "a été modifié ou est abîmé" in response.content.decode()
    assert Convention.objects.count() == conventions
    assert sorted(media.rglob("*")) == files


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


OVERSIZE = [
    pytest.param(
        {"IMPORT_ARCHIVE_MAX_BYTES": 1_000},
        {"manifest.json": b"{}", "ctg.json": os.urandom(5_000)},
        "la taille maximale",
        id="compressed",
    ),
    pytest.param(
        {"IMPORT_ARCHIVE_MAX_UNCOMPRESSED_BYTES": 1_000_000},
        {"manifest.json": b"{}", "ctg.json": b"0" * 5_000_000},
        "une fois décompressée",
        id="bomb",
    ),
    pytest.param(
        {"IMPORT_ARCHIVE_MAX_ENTRIES": 10},
        {f"pieces-jointes/{n}.txt": b"x" for n in range(20)},
        "fichiers, au plus 10",
        id="entries",
    ),
]


@pytest.mark.parametrize(("limits", "entries", "message"), OVERSIZE)
def test_an_oversize_archive_is_refused_in_french_by_the_page_before_extraction(
    client, admin, settings, limits, entries, message
):
    content = _zip(entries)
    for name, value in limits.items():
        setattr(settings, name, value)
    client.force_login(admin)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zipfile.ZipFile, "open", _refuse_extraction)
        response = post_zip(client, content)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Convention.objects.exists()


def _refuse_extraction(*args, **kwargs):
    raise AssertionError("extraction started")


@pytest.mark.parametrize(("limits", "entries", "message"), OVERSIZE)
def test_an_oversize_archive_is_refused_in_french_by_the_command_before_extraction(
    db, settings, tmp_path, limits, entries, message
):
    path = tmp_path / "bomb.zip"
    path.write_bytes(_zip(entries))
    for name, value in limits.items():
        setattr(settings, name, value)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zipfile.ZipFile, "open", _refuse_extraction)
        with pytest.raises(CommandError, match=message):
            call_command("import_ctg", str(path), stdout=io.StringIO())

    assert not Convention.objects.exists()
