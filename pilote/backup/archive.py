"""The backup file: a zip of one JSON-lines file per table, the media files and a manifest.

    manifest.json          format, its version, Pilote CTG's version, date, database, the
                           migrations applied, and for each file its rows or bytes and SHA-256
    data/NNN_app.model.jsonl   the rows of one table (Django's "jsonl" serializer), in load order
    media/<path>           the files under MEDIA_ROOT (attachments), at their path there

Reading checks the manifest and, before anything is written, every file's SHA-256; each
problem is a BackupError whose message, in French, says what the file is and what to do.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import posixpath
import time
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

FORMAT = "pilote-ctg-sauvegarde"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_DIR = "data/"
MEDIA_DIR = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be written or restored; the message is in French, for the operator."""


@dataclass(frozen=True)
class Entry:
    """One file of the archive, as the manifest lists it."""

    file: str
    sha256: str
    rows: int = 0  # tables: the number of rows
    size: int = 0  # media: the number of bytes
    model: str = ""  # tables: the model ("plans.plannode")
    path: str = ""  # media: the path under MEDIA_ROOT

    def as_dict(self) -> dict[str, Any]:
        if self.model:
            return {
                "model": self.model,
                "file": self.file,
                "rows": self.rows,
                "sha256": self.sha256,
            }
        return {"path": self.path, "file": self.file, "size": self.size, "sha256": self.sha256}


class ExactEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, but times keep their microseconds (Django's keeps milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class _Hashing(io.RawIOBase):
    """A writable stream that counts and hashes what goes through it to another stream."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target, self.digest, self.size = target, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


class ArchiveWriter:
    """Write the files of a backup into a zip, keeping each one's checksum for the manifest."""

    def __init__(self, zip_file: zipfile.ZipFile) -> None:
        self.zip = zip_file
        self.tables: list[Entry] = []
        self.media: list[Entry] = []

    def table(self, model: str, rows: Iterable[Model], fields: list[str]) -> None:
        """Write a table's rows as JSON lines (Django's serializer) under the next number."""
        name = f"{DATA_DIR}{len(self.tables) + 1:03d}_{model}.jsonl"
        counted = _Counted(rows)
        with self.zip.open(_info(name, time.time()), "w", force_zip64=True) as raw:
            hashing = _Hashing(raw)
            text = io.TextIOWrapper(hashing, encoding="utf-8", newline="\n")
            serializers.serialize("jsonl", counted, fields=fields, stream=text, cls=ExactEncoder)
            text.flush()
            text.detach()
        self.tables.append(Entry(name, hashing.digest.hexdigest(), rows=counted.count, model=model))

    def media_file(self, source: Path, path: str) -> None:
        """Copy a file of MEDIA_ROOT into the archive under its path there."""
        with source.open("rb") as read:
            self.media_stream(read, path, source.stat().st_mtime)

    def media_stream(self, read: IO[bytes], path: str, mtime: float) -> None:
        """Copy a stored file, open for reading, into the archive under its name."""
        name = MEDIA_DIR + path
        with self.zip.open(_info(name, mtime), "w", force_zip64=True) as raw:
            hashing = _Hashing(raw)
            while chunk := read.read(CHUNK):
                hashing.write(chunk)
        self.media.append(Entry(name, hashing.digest.hexdigest(), size=hashing.size, path=path))

    def manifest(self, header: dict[str, Any]) -> dict[str, Any]:
        """Write the manifest (header + every file's entry) and return it."""
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            **header,
            "tables": [entry.as_dict() for entry in self.tables],
            "media": [entry.as_dict() for entry in self.media],
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=1)
        self.zip.writestr(MANIFEST, text.encode("utf-8"))
        return manifest


def _info(name: str, timestamp: float) -> zipfile.ZipInfo:
    """Return the zip entry of a file, compressed, dated as given (local time, as zip dates are)."""
    info = zipfile.ZipInfo(name, date_time=time.localtime(max(timestamp, 315532800))[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


class _Counted:
    """An iterable that counts the items it gives."""

    def __init__(self, items: Iterable) -> None:
        self.items, self.count = items, 0

    def __iter__(self) -> Iterator:
        for item in self.items:
            self.count += 1
            yield item


# --------------------------------------------------------------------------- reading


class BackupArchive:
    """An opened backup file whose manifest has been read and checked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise BackupError(f"Fichier introuvable : {path}")
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise BackupError(
                f"{path.name} n'est pas une sauvegarde Pilote CTG lisible : ce n'est pas une "
                "archive zip, ou elle est tronquée ou endommagée."
            ) from exc
        self.manifest = self._read_manifest()
        self.tables = [_table_entry(item) for item in self.manifest["tables"]]
        self.media = [_media_entry(item) for item in self.manifest["media"]]
        self._check_listing()

    def close(self) -> None:
        self.zip.close()

    def _read_manifest(self) -> dict[str, Any]:
        try:
            manifest = json.loads(self.zip.read(MANIFEST).decode("utf-8"))
        except KeyError as exc:
            raise BackupError(
                f"{self.path.name} n'est pas une sauvegarde Pilote CTG : il n'y a pas de "
                f"{MANIFEST} dans l'archive."
            ) from exc
        except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, OSError) as exc:
            raise BackupError(
                f"Le manifeste de {self.path.name} est illisible (archive endommagée)."
            ) from exc
        return _checked_manifest(manifest, self.path.name)

    def _check_listing(self) -> None:
        listed = {MANIFEST} | {entry.file for entry in [*self.tables, *self.media]}
        present = {name for name in self.zip.namelist() if not name.endswith("/")}
        if missing := sorted(listed - present):
            raise BackupError(
                f"Sauvegarde incomplète : {len(missing)} fichier(s) du manifeste manquent dans "
                f"l'archive ({', '.join(missing[:3])}…)."
            )
        if extra := sorted(present - listed):
            raise BackupError(
                f"Sauvegarde altérée : l'archive contient des fichiers que le manifeste ne "
                f"liste pas ({', '.join(extra[:3])})."
            )

    def verify(self, media_target: Any = None) -> None:
        """Check every file's SHA-256; hand each media file to media_target.write(path, chunks)."""
        for entry in self.tables:
            self._check(entry, self._chunks(entry))
        for entry in self.media:
            chunks = self._chunks(entry)
            if media_target is not None:
                digest = media_target.write(entry.path, chunks)
                self._compare(entry, digest)
            else:
                self._check(entry, chunks)

    def _chunks(self, entry: Entry) -> Iterator[bytes]:
        try:
            with self.zip.open(entry.file) as stream:
                while chunk := stream.read(CHUNK):
                    yield chunk
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise BackupError(
                f"Sauvegarde endommagée : {entry.file} ne peut pas être lu ({exc})."
            ) from exc

    def _check(self, entry: Entry, chunks: Iterator[bytes]) -> None:
        digest = hashlib.sha256()
        for chunk in chunks:
            digest.update(chunk)
        self._compare(entry, digest.hexdigest())

    @staticmethod
    def _compare(entry: Entry, digest: str) -> None:
        if digest != entry.sha256:
            raise BackupError(
                f"Sauvegarde altérée : la somme de contrôle SHA-256 de {entry.file} ne "
                "correspond pas à celle du manifeste. Rien n'a été modifié."
            )

    @contextmanager
    def open_table(self, entry: Entry) -> Iterator[IO[str]]:
        """Yield the text of a table's file."""
        with self.zip.open(entry.file) as raw:
            yield io.TextIOWrapper(raw, encoding="utf-8", newline="\n")


def _checked_manifest(manifest: Any, name: str) -> dict[str, Any]:
    """Return the manifest if it is a backup's one Pilote CTG can read, else raise BackupError."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        kind = manifest.get("format") if isinstance(manifest, dict) else None
        hint = (
            " C'est une archive de CTG : importez-la avec « python manage.py import_ctg »."
            if isinstance(kind, str) and "ctg" in kind.lower()
            else ""
        )
        raise BackupError(f"{name} n'est pas une sauvegarde de l'instance Pilote CTG.{hint}")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"{name} a été écrite par une version plus récente de Pilote CTG "
            f"({manifest.get('app_version', '?')}, format {version}) : mettez d'abord à jour "
            "Pilote CTG."
        )
    if not isinstance(manifest.get("tables"), list) or not isinstance(manifest.get("media"), list):
        raise BackupError(f"Le manifeste de {name} est incomplet (tables ou fichiers absents).")
    if not isinstance(manifest.get("migrations"), list):
        raise BackupError(f"Le manifeste de {name} ne dit pas l'état des migrations.")
    return manifest


def _table_entry(item: Any) -> Entry:
    try:
        entry = Entry(str(item["file"]), str(item["sha256"]), rows=int(item["rows"]))
        return Entry(entry.file, entry.sha256, rows=entry.rows, model=str(item["model"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"Le manifeste décrit mal une table : {item!r:.120}") from exc


def _media_entry(item: Any) -> Entry:
    try:
        path, size = str(item["path"]), int(item["size"])
        entry = Entry(str(item["file"]), str(item["sha256"]), size=size, path=path)
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"Le manifeste décrit mal un fichier : {item!r:.120}") from exc
    if not safe_path(path) or entry.file != MEDIA_DIR + path:
        raise BackupError(f"Le manifeste nomme un fichier hors du dossier des médias : {path!r}")
    return entry


def safe_path(path: str) -> bool:
    """Return whether a relative path stays inside the folder it is relative to."""
    normalized = posixpath.normpath(path)
    return (
        bool(path)
        and normalized == path
        and not path.startswith(("/", "../"))
        and path != ".."
        and "\\" not in path
        and "\x00" not in path
    )
