"""Backing up the demo world and restoring it gives back every row, history row and file."""

import json
import re
import zipfile

import pytest

from pilote.backup.services import BackupError, create_backup, restore_backup
from pilote.conventions.models import Convention, HistoricalConvention
from pilote.plans.models import PlanNode
from tests.backup.archives import rewritten, table_file, with_rows
from tests.backup.conftest import ATTACHMENTS, media_bytes, row_counts

pytestmark = pytest.mark.django_db


# Cache bookkeeping, moved on purpose by a restore (pilote.backup.services.restore_backup):
# compared without their values.
VERSIONED = {"conventions.convention", "core.catalogueversion"}


def _tables(path) -> list[dict]:
    with zipfile.ZipFile(path) as archive:
        tables = json.loads(archive.read("manifest.json"))["tables"]
    return [
        {key: value for key, value in table.items() if key in {"model", "file", "rows"}}
        if table["model"] in VERSIONED
        else table
        for table in tables
    ]


def _rows(path) -> dict[str, list[str]]:
    with zipfile.ZipFile(path) as archive:
        rows = {
            entry["model"]: archive.read(entry["file"]).decode().splitlines()
            for entry in json.loads(archive.read("manifest.json"))["tables"]
        }
    for model in VERSIONED & rows.keys():
        rows[model] = [
            re.sub(r'"(content_version|value)": ?\d+', r'"\1": 0', row) for row in rows[model]
        ]
    return rows


def test_a_restored_backup_gives_back_every_row_history_row_and_file(
    world_backup, settings, tmp_path
):
    path, media_root = world_backup
    before = row_counts()
    changed_at = list(HistoricalConvention.objects.order_by("pk").values_list("history_date"))
    history_before = {label: rows for label, rows in before.items() if ".historical" in label}
    assert sum(history_before.values()) > 600  # the demo's changes, as generated
    settings.MEDIA_ROOT = tmp_path / "media"  # an instance without the files

    restore_backup(path, force=True)

    assert row_counts() == before
    # To the microsecond (Django's JSON encoder alone keeps milliseconds).
    assert (
        list(HistoricalConvention.objects.order_by("pk").values_list("history_date")) == changed_at
    )
    # Every table, history included, written again byte for byte: no history row added.
    create_backup(tmp_path / "again.zip")
    assert _rows(tmp_path / "again.zip") == _rows(path)
    assert _tables(tmp_path / "again.zip") == _tables(path)
    assert media_bytes(settings.MEDIA_ROOT) == media_bytes(media_root)
    restored = sorted(data for data in media_bytes(settings.MEDIA_ROOT).values())
    assert restored == sorted(ATTACHMENTS.values())


def test_restore_refuses_a_database_that_holds_data_and_says_what_is_there(world_backup):
    path, _ = world_backup
    before = row_counts()
    with pytest.raises(BackupError) as refused:
        restore_backup(path)
    message = str(refused.value)
    assert message.startswith("La base n'est pas vide : elle contient ")
    assert "3 CTG" in message
    assert "7 utilisateur·rices" in message
    assert "ligne(s) d'historique" in message
    assert "relancez avec --force" in message
    assert row_counts() == before


def test_a_tampered_backup_is_refused_before_anything_is_written(world_backup, tmp_path):
    path, media_root = world_backup
    nodes = table_file(path, "plans.plannode")
    tampered = rewritten(
        path,
        tmp_path / "altered.zip",
        change=lambda name, data: (
            data.replace(b"Petite enfance", b"Petite enfanse") if name == nodes else data
        ),
    )
    before, files = row_counts(), media_bytes(media_root)
    with pytest.raises(BackupError, match=f"somme de contrôle SHA-256 de {nodes} ne correspond"):
        restore_backup(tampered, force=True)
    assert row_counts() == before
    assert media_bytes(media_root) == files
    assert [p.name for p in media_root.iterdir()] == ["suivi"]  # no folder of the restore left


def test_a_failed_restore_leaves_the_database_and_the_files_as_they_were(
    world_backup, settings, tmp_path
):
    path, _ = world_backup

    def orphan_node(rows: list[dict]) -> None:
        rows[-1]["fields"]["parent"] = 999_999  # an element that does not exist

    change = with_rows(path, "plans.plannode", orphan_node)
    broken = rewritten(path, tmp_path / "broken.zip", change=change, resign=True)
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "suivi").mkdir(parents=True)
    (settings.MEDIA_ROOT / "suivi" / "en-place.pdf").write_bytes(b"%PDF en place")
    before = row_counts()
    titles = list(PlanNode.objects.order_by("pk").values_list("title", flat=True))

    with pytest.raises(BackupError, match="une ligne désigne un élément absent"):
        restore_backup(broken, force=True)

    assert row_counts() == before
    assert list(PlanNode.objects.order_by("pk").values_list("title", flat=True)) == titles
    assert media_bytes(settings.MEDIA_ROOT) == {"suivi/en-place.pdf": b"%PDF en place"}
    assert [p.name for p in settings.MEDIA_ROOT.iterdir()] == ["suivi"]


def test_a_row_the_database_refuses_is_named_and_nothing_is_written(world_backup, tmp_path):
    path, _ = world_backup

    def same_slug_twice(rows: list[dict]) -> None:
        rows[1]["fields"]["slug"] = rows[0]["fields"]["slug"]

    change = with_rows(path, "conventions.convention", same_slug_twice)
    broken = rewritten(path, tmp_path / "broken.zip", change=change, resign=True)
    before = row_counts()
    with pytest.raises(BackupError, match=r"La base refuse une ligne de conventions\.convention"):
        restore_backup(broken, force=True)
    assert row_counts() == before
    assert Convention.objects.count() == 3
