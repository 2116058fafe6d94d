"""The CTG archive (issue 12): everything a CTG holds goes out and comes back, nothing lost.

The round trip runs on the demo CTGs after generate_demo_activity (session_demo_world), each
enriched with what the demo does not generate (attachments with their files, publication, a
bilan closed by someone who is not a member, a reminder). The "empty database" is this one
emptied inside the test's transaction: every CTG, every account and organisation, every
history row and every attachment file are deleted before the import, so that nothing the
import needs can come from anywhere but the archive.
"""

import datetime
import io
import json
import shutil
import zipfile

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership, Organisation, User
from pilote.conventions.models import Convention
from pilote.core.history import acting_as
from pilote.demo.services import DEMO_SLUGS
from pilote.exchange.archive import archive_bytes
from pilote.exchange.services import export_convention
from pilote.governance.enums import ReviewKind, ReviewStatus
from pilote.governance.models import Review
from pilote.monitoring.models import ActionUpdate, Measurement, ReminderLog, UpdateAttachment
from tests.factories import user_with_role

PAA = "provence-alpes-agglomeration-2026-2030"
V1_FILE = "tests/exchange/data/tarn-agout-2023-2026-v1.json"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def _caf_adviser(convention) -> User:
    """Return an account that is no member of the CTG (a Caf adviser of its département)."""
    return User.objects.filter(
        memberships__role=Role.CAF_ADVISER,
        memberships__departement=convention.departement_id,
    ).first() or User.objects.create(username="conseillere.caf", first_name="Camille")


def _enrich(convention) -> None:
    """Add what the demo activity does not generate: files, publication, a bilan, a reminder."""
    convention.is_public = True
    convention.published_at = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 30))
    convention.save()
    updates = list(ActionUpdate.objects.filter(convention=convention).order_by("pk")[:2])
    for index, update in enumerate(updates):
        for name in (f"compte-rendu {index}.pdf", "photo é.jpg"):
            content = f"{convention.slug} {update.pk} {name}".encode() * 50
            UpdateAttachment.objects.create(
                update=update, file=ContentFile(content, name=name), name=name, size=len(content)
            )
    adviser = _caf_adviser(convention)
    Review.objects.create(
        convention=convention,
        kind=ReviewKind.ANNUAL,
        year=convention.start_date.year,
        summary="Bilan figé.",
        status=ReviewStatus.CLOSED,
        closed_at=timezone.make_aware(datetime.datetime(2026, 1, 20, 17)),
        closed_by=adviser,
        snapshot={"version": 1, "closed_by": str(adviser)},
    )
    ReminderLog.objects.create(
        convention=convention, recipient="pilote@example.org", year=2026, quarter=3
    )
    # History of the plan: an element renamed by the Caf, another removed with its points.
    nodes = list(convention.plan_nodes.order_by("pk"))
    with acting_as(adviser):
        nodes[0].title += " (renommé)"
        nodes[0].save()
        nodes[-1].delete()


def _empty_database(media_root) -> None:
    """Delete every CTG, account, organisation, history row and attachment file."""
    Convention.objects.all().delete()
    User.objects.all().delete()
    Organisation.objects.all().delete()
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            model.objects.all().delete()
    shutil.rmtree(media_root)
    media_root.mkdir()


@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_archive_round_trip_into_an_empty_database_is_identical(
    session_demo_world, db, media, tmp_path, slug
):
    convention = Convention.objects.get(slug=slug)
    _enrich(convention)
    document = export_convention(convention)
    archive = archive_bytes(convention)
    monitoring = document["monitoring"]
    assert len(monitoring["updates"]) == ActionUpdate.objects.filter(convention=convention).count()
    assert len(monitoring["updates"]) > 50
    assert len(monitoring["measurements"]) == (
        Measurement.objects.filter(indicator__convention=convention).count()
    )
    assert monitoring["measurements"]
    assert sum(len(u["attachments"]) for u in monitoring["updates"]) == 4
    assert document["convention"]["is_public"] is True
    assert {m["role"] for m in document["memberships"]} >= {Role.COORDINATOR}
    members = {m["username"] for m in document["memberships"]}
    outsiders = {u["author"] for u in monitoring["updates"]} - members - {None}
    assert outsiders, "some authors are not members: they must come back as names"
    history = document["history"]
    update_history = ActionUpdate.history.filter(convention_id=convention.pk)
    assert len(history["monitoring.ActionUpdate"]) == update_history.count()
    assert update_history.count() >= len(monitoring["updates"])
    assert history["conventions.Convention"]
    assert history["plans.PlanNode"]

    _empty_database(media)
    path = tmp_path / "ctg.zip"
    path.write_bytes(archive)
    call_command("import_ctg", str(path), stdout=io.StringIO())

    imported = Convention.objects.get(slug=slug)
    assert export_convention(imported) == document
    assert archive_bytes(imported) == archive
    kept_as_names = ActionUpdate.objects.filter(convention=imported, author__isnull=True)
    assert set(kept_as_names.values_list("author_name", flat=True)) == outsiders
    assert Review.objects.get(convention=imported).closed_by_name
    # The history as it was: the same rows, no "modified now" row, outsiders kept as names.
    imported_history = ActionUpdate.history.filter(convention_id=imported.pk)
    assert imported_history.count() == len(history["monitoring.ActionUpdate"])
    assert Convention.history.filter(id=imported.pk).count() == len(
        history["conventions.Convention"]
    )
    assert set(
        imported_history.exclude(history_user_name="").values_list("history_user_name", flat=True)
    ) == {row["user"] for row in history["monitoring.ActionUpdate"]} - members - {None}
    for attachment in UpdateAttachment.objects.filter(update__convention=imported):
        assert default_storage.exists(attachment.file.name)


def test_a_version_1_file_still_imports(db):
    call_command("import_ctg", V1_FILE, "--slug", "tarn-agout-v1", stdout=io.StringIO())
    imported = Convention.objects.get(slug="tarn-agout-v1")
    document = export_convention(imported)
    assert document["version"] == 2
    assert imported.plan_nodes.exists()
    assert not imported.is_public
    assert document["monitoring"] == {"updates": [], "measurements": [], "reminders": []}


@pytest.fixture
def paa_archive(session_demo_world, db, media, tmp_path):
    convention = Convention.objects.get(slug=PAA)
    _enrich(convention)
    return zipfile.ZipFile(io.BytesIO(archive_bytes(convention)))


def _rewrite(source: zipfile.ZipFile, target, *, drop=(), change=None) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = source.read(info.filename)
            if change and info.filename == change:
                content = content[:-1] + b"!"
            archive.writestr(zipfile.ZipInfo(info.filename, info.date_time), content)


def _refused(path, media) -> str:
    conventions, files = Convention.objects.count(), sorted(media.rglob("*"))
    memberships = Membership.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("import_ctg", str(path), "--slug", "copie-paa", stdout=io.StringIO())
    assert Convention.objects.count() == conventions
    assert Membership.objects.count() == memberships
    assert sorted(media.rglob("*")) == files
    return str(error.value)


def _attachment_name(archive: zipfile.ZipFile) -> str:
    return next(n for n in archive.namelist() if n.startswith("pieces-jointes/"))


def test_an_altered_file_is_refused_in_french_and_nothing_is_written(paa_archive, media, tmp_path):
    path = tmp_path / "altered.zip"
    _rewrite(paa_archive, path, change=_attachment_name(paa_archive))
    assert "a été modifié ou est abîmé" in _refused(path, media)
    _rewrite(paa_archive, path, change="ctg.json")
    assert "somme de contrôle" in _refused(path, media)


def test_a_missing_file_is_refused_in_french(paa_archive, media, tmp_path):
    path = tmp_path / "missing.zip"
    _rewrite(paa_archive, path, drop={_attachment_name(paa_archive)})
    assert "absent(s) de l'archive" in _refused(path, media)
    _rewrite(paa_archive, path, drop={"manifest.json"})
    assert "le manifeste (manifest.json) manque" in _refused(path, media)


def test_a_file_named_by_the_document_but_not_in_the_manifest_is_refused(
    paa_archive, media, tmp_path
):
    name = _attachment_name(paa_archive)
    manifest = json.loads(paa_archive.read("manifest.json"))
    del manifest["files"][name]
    path = tmp_path / "unlisted.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for info in paa_archive.infolist():
            if info.filename == "manifest.json":
                archive.writestr("manifest.json", json.dumps(manifest))
            elif info.filename != name:
                archive.writestr(info.filename, paa_archive.read(info.filename))
    assert f"fichier absent de l'archive : {name}" in _refused(path, media)


def test_a_damaged_zip_is_refused_in_french(paa_archive, media, tmp_path):
    path = tmp_path / "damaged.zip"
    buffer = io.BytesIO()
    _rewrite(paa_archive, buffer)
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    assert "l'archive est endommagée ou n'est pas un zip" in _refused(path, media)


def test_a_failure_while_writing_the_files_removes_them_and_the_ctg(
    paa_archive, media, tmp_path, monkeypatch
):
    path = tmp_path / "ctg.zip"
    _rewrite(paa_archive, path)
    saved = []
    original = FileSystemStorage.save

    def save_then_fail(storage, name, content, *args, **kwargs):
        if saved:
            raise OSError(28, "No space left on device")
        saved.append(original(storage, name, content, *args, **kwargs))
        return saved[-1]

    monkeypatch.setattr(FileSystemStorage, "save", save_then_fail)
    conventions, files = Convention.objects.count(), sorted(media.rglob("*"))
    with pytest.raises(CommandError, match="disque plein ou dossier en lecture seule"):
        call_command("import_ctg", str(path), "--slug", "copie-paa", stdout=io.StringIO())
    assert saved
    assert not default_storage.exists(saved[0])
    assert Convention.objects.count() == conventions
    assert [f for f in sorted(media.rglob("*")) if f.is_file()] == [f for f in files if f.is_file()]


def test_a_json_file_alone_says_which_attachments_it_leaves_out(paa_archive, tmp_path):
    path = tmp_path / "ctg.json"
    path.write_bytes(paa_archive.read("ctg.json"))
    out = io.StringIO()
    call_command("import_ctg", str(path), "--slug", "copie-paa", stdout=out)
    assert "4 pièce(s) jointe(s) non importée(s)" in out.getvalue()
    copy = Convention.objects.get(slug="copie-paa")
    original = Convention.objects.get(slug=PAA)
    assert ActionUpdate.objects.filter(convention=copy).count() == (
        ActionUpdate.objects.filter(convention=original).count()
    )


def test_the_exports_page_offers_the_archive_to_the_coordinator_only(
    client, session_demo_world, db, media
):
    convention = Convention.objects.get(slug=PAA)
    _enrich(convention)
    coordinator = User.objects.filter(
        memberships__convention=convention, memberships__role=Role.COORDINATOR
    ).first()
    reader = user_with_role(Role.READER, convention=convention)
    url = reverse("conventions:archive", kwargs={"slug": PAA})
    exports = reverse("reports:exports", kwargs={"slug": PAA})

    client.force_login(reader)
    assert url not in client.get(exports).content.decode()
    assert client.get(url).status_code == 403

    client.force_login(coordinator)
    assert url in client.get(exports).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{PAA}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.read("ctg.json") == archive_bytes_document(convention)
    assert len([n for n in archive.namelist() if n.startswith("pieces-jointes/")]) == 4


def archive_bytes_document(convention) -> bytes:
    return zipfile.ZipFile(io.BytesIO(archive_bytes(convention))).read("ctg.json")


def test_the_import_page_says_which_attachments_a_json_file_leaves_out(client, paa_archive):
    data = json.loads(paa_archive.read("ctg.json"))
    data["convention"]["slug"] = "copie-paa"
    client.force_login(User.objects.create(username="admin.archive", is_superuser=True))
    response = client.post(
        reverse("conventions:import"),
        {"file": SimpleUploadedFile("ctg.json", json.dumps(data).encode(), "application/json")},
        follow=True,
    )
    assert response.status_code == 200
    assert "4 pièce(s) jointe(s) non importée(s)" in response.content.decode()
    assert Convention.objects.filter(slug="copie-paa").exists()
