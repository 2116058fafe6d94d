"""What restore refuses, in French, before writing anything; the commands; a fresh instance."""

import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilote.backup import tables
from pilote.backup.media import MediaSwap
from pilote.backup.services import BackupError, create_backup, restore_backup
from pilote.conventions.models import Convention
from tests.backup.archives import rewritten
from tests.backup.conftest import media_bytes, row_counts
from tests.factories import ConventionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def base_backup(django_db_setup, django_db_blocker, tmp_path_factory):
    """Return a backup of the test database as set up (territories, national thematics)."""
    path = tmp_path_factory.mktemp("base") / "base.zip"
    with django_db_blocker.unblock():
        create_backup(path)
    return path


def _refused(path, match: str) -> None:
    before = row_counts()
    with pytest.raises(BackupError, match=match):
        restore_backup(path, force=True)
    assert row_counts() == before


def test_a_truncated_backup_is_refused(base_backup, tmp_path):
    truncated = tmp_path / "tronquee.zip"
    data = base_backup.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    _refused(truncated, "n'est pas une sauvegarde Pilote CTG lisible .* tronquée ou endommagée")


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    text = tmp_path / "notes.zip"
    text.write_text("ceci n'est pas une sauvegarde")
    _refused(text, "notes.zip n'est pas une sauvegarde Pilote CTG lisible")


def test_a_zip_without_manifest_is_refused(tmp_path):
    foreign = tmp_path / "photos.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    _refused(foreign, "photos.zip n'est pas une sauvegarde Pilote CTG : il n'y a pas de manifest")


def test_an_archive_of_one_ctg_is_sent_to_import_ctg(base_backup, tmp_path):
    archive = rewritten(
        base_backup, tmp_path / "ctg.zip", manifest=lambda m: m.update(format="pilote-ctg-archive")
    )
    _refused(
        archive,
        "pas une sauvegarde de l'instance .* importez-la avec « python manage.py import_ctg",
    )


def test_a_backup_of_a_newer_format_is_refused(base_backup, tmp_path):
    newer = rewritten(
        base_backup, tmp_path / "n.zip", manifest=lambda m: m.update(format_version=9)
    )
    _refused(newer, "écrite par une version plus récente de Pilote CTG")


def test_a_backup_of_another_schema_is_refused(base_backup, tmp_path):
    other = rewritten(
        base_backup,
        tmp_path / "autre.zip",
        manifest=lambda m: m["migrations"].append("plans.9999_future"),
    )
    _refused(other, "migrations diffèrent \\(absentes de cette base : plans.9999_future\\)")


def test_a_missing_file_is_refused(base_backup, tmp_path):
    def list_a_missing_file(manifest):
        manifest["tables"].append(
            {"model": "plans.plannode", "file": "data/999_x.jsonl", "rows": 1, "sha256": "0"}
        )

    incomplete = rewritten(base_backup, tmp_path / "i.zip", manifest=list_a_missing_file)
    _refused(incomplete, "Sauvegarde incomplète : 1 fichier\\(s\\) du manifeste manquent")


def test_a_file_outside_the_media_folder_is_refused(base_backup, tmp_path):
    def escape(manifest):
        manifest["media"].append(
            {"path": "../evil.sh", "file": "media/../evil.sh", "size": 1, "sha256": "0"}
        )

    escaping = rewritten(base_backup, tmp_path / "e.zip", manifest=escape)
    _refused(escaping, "nomme un fichier hors du dossier des médias")


def test_a_freshly_migrated_database_is_restored_without_force(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    ConventionFactory(name="CTG sauvegardée")
    UserFactory(username="sauvegarde")
    path = tmp_path / "petite.zip"
    create_backup(path)
    before = row_counts()
    tables.empty_all_tables()  # as after `migrate` on a new server

    call_command("restore", str(path))

    assert f"Sauvegarde {path} restaurée : " in capsys.readouterr().out
    assert row_counts() == before
    assert Convention.objects.get().name == "CTG sauvegardée"


def test_the_commands_say_what_they_did_in_french(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    ConventionFactory()
    path = tmp_path / "instance.zip"
    call_command("backup", "-o", str(path))
    assert f"Sauvegarde écrite dans {path} : " in capsys.readouterr().out
    assert not (tmp_path / "instance.zip.partiel").exists()

    with pytest.raises(CommandError, match="La base n'est pas vide : elle contient 1 CTG"):
        call_command("restore", str(path))


def test_a_media_swap_undone_puts_the_files_back(tmp_path):
    root = tmp_path / "media"
    (root / "suivi").mkdir(parents=True)
    (root / "suivi" / "ancien.pdf").write_bytes(b"ancien")
    swap = MediaSwap(root)
    swap.write("suivi/1/nouveau.pdf", [b"nou", b"veau"])

    swap.swap_in()
    assert media_bytes(root) == {"suivi/1/nouveau.pdf": b"nouveau"} | {
        f"{swap.outgoing.name}/suivi/ancien.pdf": b"ancien"
    }
    swap.roll_back()

    assert media_bytes(root) == {"suivi/ancien.pdf": b"ancien"}
    assert [p.name for p in root.iterdir()] == ["suivi"]
