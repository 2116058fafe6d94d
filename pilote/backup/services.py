"""Back up the whole instance into one file, and restore it, on SQLite or PostgreSQL.

A backup reads every table in one transaction (a consistent picture even while people work)
then copies the attachments' files (MEDIA_ROOT, or the storage's files). A restore checks the
file completely before writing anything, refuses a database that holds data unless asked to
replace it, then empties and loads every table and puts the files in place in one transaction:
it succeeds whole or leaves the database and the files as they were. Rows are inserted as they
were saved (raw saves, many-to-many tables as rows), so django-simple-history writes no history
row: the history restored is the backup's.
"""

from __future__ import annotations

import datetime
import os
import time
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction

from pilote.conventions.versioning import bump_all
from pilote.core.fragments import forget_local_copies
from pilote.core.versions import catalogue_version, move_catalogue_past

from . import tables
from .archive import ArchiveWriter, BackupArchive, BackupError, Entry
from .media import MediaSwap, StorageSwap, is_local, media_files, stored_files

__all__ = ["BackupError", "Summary", "create_backup", "restore_backup"]

# Rows read from the database at a time while writing a table.
CHUNK_ROWS = 2000
# Rows inserted at a time while restoring a table (within the database's own limits).
BATCH_ROWS = 2000


@dataclass(frozen=True)
class Summary:
    """What a backup holds, for the commands' last line."""

    tables: int
    rows: int
    files: int
    bytes: int

    @classmethod
    def of(cls, manifest: dict) -> Summary:
        return cls(
            tables=len(manifest["tables"]),
            rows=sum(item["rows"] for item in manifest["tables"]),
            files=len(manifest["media"]),
            bytes=sum(item["size"] for item in manifest["media"]),
        )


def app_version() -> str:
    """Return the version of Pilote CTG installed."""
    try:
        return metadata.version("pilote-ctg")
    except metadata.PackageNotFoundError:
        return "inconnue"


# --------------------------------------------------------------------------- backup


def create_backup(path: Path) -> Summary:
    """Write a backup of every table and of MEDIA_ROOT to path (replaced only once complete)."""
    partial = path.with_name(f"{path.name}.partiel")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zip_file:
            writer = ArchiveWriter(zip_file)
            header = _write_tables(writer)
            _write_media(writer)
            manifest = writer.manifest(header)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Impossible d'écrire la sauvegarde {path} ({exc.strerror}).") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Summary.of(manifest)


def _write_media(writer: ArchiveWriter) -> None:
    """Copy the attachments' files: from MEDIA_ROOT, or through the storage API (S3)."""
    if is_local(default_storage):
        for source, relative in media_files(Path(settings.MEDIA_ROOT)):
            writer.media_file(source, relative)
        return
    for name in stored_files(default_storage):
        with default_storage.open(name, "rb") as stream:
            writer.media_stream(stream, name, time.time())


def _write_tables(writer: ArchiveWriter) -> dict:
    """Write every table, all read in one transaction, and return the manifest's header."""
    outermost = not connection.in_atomic_block  # else the caller's transaction is the picture
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        header = {
            "app_version": app_version(),
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "migrations": tables.applied_migrations(),
        }
        for model in tables.saved_models():
            rows = model._base_manager.order_by("pk").iterator(chunk_size=CHUNK_ROWS)
            writer.table(tables.label(model), rows, tables.serialized_fields(model))
    return header


# --------------------------------------------------------------------------- restore


def restore_backup(path: Path, *, force: bool = False) -> Summary:
    """Replace the instance's data and files by those of a backup, whole or not at all."""
    archive = BackupArchive(path)
    try:
        models = _check_target(archive, force=force)
        swap = (
            MediaSwap(Path(settings.MEDIA_ROOT))
            if is_local(default_storage)
            else StorageSwap(default_storage)
        )
        archive.verify(media_target=swap)  # every checksum, before anything is written
        try:
            catalogue = catalogue_version()
            with transaction.atomic():
                _load(archive, models)
                # The restored rows come back with their old versions: the catalogue goes
                # where it never was, so no fragment cached before (by any server) is read.
                bump_all()
                move_catalogue_past(catalogue)
                swap.swap_in()
        except BaseException:
            swap.roll_back()
            raise
        swap.finish()
        cache.clear()
        forget_local_copies()
    finally:
        archive.close()
        ContentType.objects.clear_cache()
    return Summary.of(archive.manifest)


def _check_target(archive: BackupArchive, *, force: bool) -> list:
    """Return the models of the backup's tables if this database can receive them."""
    _check_migrations(archive.manifest)
    models = [_model(entry) for entry in archive.tables]
    expected = {tables.label(model) for model in tables.saved_models()}
    if missing := expected - {entry.model for entry in archive.tables}:
        raise BackupError(
            f"Sauvegarde incomplète : les tables {', '.join(sorted(missing)[:5])} n'y sont pas."
        )
    if not force and (found := tables.content(tables.saved_models())):
        raise BackupError(
            f"La base n'est pas vide : elle contient {tables.describe(found)}. La restauration "
            "remplacerait tout ce contenu. Pour le remplacer, relancez avec --force (après "
            "l'avoir sauvegardé : python manage.py backup -o FICHIER)."
        )
    return models


def _check_migrations(manifest: dict) -> None:
    """Refuse a backup of another database schema than this one's."""
    here = tables.applied_migrations()
    if not here:
        raise BackupError(
            "La base n'a pas de tables : lancez d'abord « python manage.py migrate », puis la "
            "restauration."
        )
    saved = manifest["migrations"]
    if set(saved) == set(here):
        return
    missing = sorted(set(saved) - set(here))
    extra = sorted(set(here) - set(saved))
    details = []
    if missing:
        details.append(f"absentes de cette base : {', '.join(missing[:5])}")
    if extra:
        details.append(f"absentes de la sauvegarde : {', '.join(extra[:5])}")
    raise BackupError(
        "La sauvegarde vient d'une autre version de Pilote CTG "
        f"({manifest.get('app_version', '?')}) dont les migrations diffèrent ("
        + " ; ".join(details)
        + "). Restaurez-la avec la version qui l'a écrite, puis mettez à jour (voir "
        "docs/exploitation.md)."
    )


def _model(entry: Entry):
    try:
        return apps.get_model(entry.model)
    except (LookupError, ValueError) as exc:
        raise BackupError(
            f"La sauvegarde contient une table inconnue ici : {entry.model}."
        ) from exc


def _load(archive: BackupArchive, models: list) -> None:
    """Empty every table, then load each table of the backup, check and count it."""
    tables.empty_all_tables()
    for entry, model in zip(archive.tables, models, strict=True):
        loaded = _load_table(archive, entry, model)
        if loaded != entry.rows or model._base_manager.count() != entry.rows:
            raise BackupError(
                f"Sauvegarde incohérente : {entry.model} devait compter {entry.rows} ligne(s), "
                f"{loaded} ont été lues. Rien n'a été modifié."
            )
    tables.reset_sequences(models)
    try:
        connection.check_constraints()
    except DatabaseError as exc:
        raise BackupError(
            f"Sauvegarde incohérente : une ligne désigne un élément absent ({exc}). Rien n'a été "
            "modifié."
        ) from exc


def _load_table(archive: BackupArchive, entry: Entry, model) -> int:
    """Insert the rows of one table as saved, in batches, and return how many were read."""
    count = 0
    batch: list = []
    try:
        with archive.open_table(entry) as text:
            for item in serializers.deserialize("jsonl", text):
                if item.m2m_data or type(item.object) is not model:
                    raise BackupError(f"{entry.file} contient des lignes d'une autre table.")
                batch.append(item.object)
                count += 1
                if len(batch) == BATCH_ROWS:
                    _insert(model, batch)
                    batch = []
            _insert(model, batch)
    except serializers.base.DeserializationError as exc:
        raise BackupError(
            f"Sauvegarde illisible : {entry.file}, ligne {count + 1} ({exc}). Rien n'a été modifié."
        ) from exc
    except DatabaseError as exc:
        raise BackupError(
            f"La base refuse une ligne de {entry.model} (lignes {count - len(batch) + 1} à "
            f"{count} de {entry.file}) : {exc}. Rien n'a été modifié."
        ) from exc
    return count


def _insert(model, rows: list) -> None:
    """Insert rows with their values as saved: their ids, and dates that auto_now would reset.

    This is the raw insert of Model.save_base(raw=True), as loaddata does, in batches: no
    signal is sent, so django-simple-history writes nothing; bulk_create would reset the dates.
    """
    fields = model._meta.local_concrete_fields
    size = max(1, connection.ops.bulk_batch_size(fields, rows))
    for start in range(0, len(rows), size):
        model._base_manager._insert(rows[start : start + size], fields=fields, raw=True)
