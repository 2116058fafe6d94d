"""The CTG archive: one zip with the JSON export, the attachments' files and a manifest.

    ctg.json                      the document of pilote.exchange.services (format version 2)
    pieces-jointes/0001-devis.pdf the attachments (paths as in monitoring.updates[].attachments)
    manifest.json                 {"format": "pilote-ctg-archive", "version": 1, "convention": slug,
                                   "files": {"ctg.json": {"size": …, "sha256": "…"}, …}}

Reading an archive first checks its limits from the zip's directory alone, before extracting
anything (settings.IMPORT_ARCHIVE_MAX_*: its size, the total size of its files once
decompressed, their number), then everything before anything is written: a damaged zip, a file
missing or altered (size or SHA-256 differing from the manifest), a file the manifest does not
list, are refused with a French message. The files are then written by import_convention, in
its transaction (removed again if the database refuses). The zip's entries carry a fixed date, so
that the same CTG gives the same archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator, Mapping
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage

from pilote.conventions.forms import megabytes
from pilote.conventions.models import Convention
from pilote.core.exchange import REFUSED, ExchangeError
from pilote.monitoring.exchange import attachment_files

from .services import dumps, export_convention, loads

ARCHIVE_FORMAT = "pilote-ctg-archive"
ARCHIVE_VERSION = 1
DOCUMENT = "ctg.json"
MANIFEST = "manifest.json"
FIXED_DATE = (2000, 1, 1, 0, 0, 0)
MAX_MEMBERS = 100_000


def _add(archive: zipfile.ZipFile, name: str, content: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, content)


def _entry(content: bytes) -> dict[str, Any]:
    return {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def write_archive(convention: Convention, target: IO[bytes]) -> None:
    """Write the CTG's archive to a binary file; raise ExchangeError when a file is missing."""
    document = dumps(export_convention(convention)).encode("utf-8")
    files = attachment_files(convention)
    missing = [a.file.name for _path, a in files if not default_storage.exists(a.file.name)]
    if missing:
        raise ExchangeError(
            "Archive impossible : fichier(s) de pièce jointe absent(s) du dossier des médias : "
            + ", ".join(missing)
        )
    manifest = {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "convention": convention.slug,
        "files": {DOCUMENT: _entry(document)},
    }
    with zipfile.ZipFile(target, "w") as archive:
        _add(archive, DOCUMENT, document)
        for path, attachment in files:
            with default_storage.open(attachment.file.name, "rb") as stream:
                content = stream.read()
            manifest["files"][path] = _entry(content)
            _add(archive, path, content)
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        _add(archive, MANIFEST, text.encode("utf-8"))


def archive_bytes(convention: Convention) -> bytes:
    buffer = io.BytesIO()
    write_archive(convention, buffer)
    return buffer.getvalue()


class ArchiveFiles(Mapping):
    """The attachments of a checked archive, read from the zip when written."""

    def __init__(self, archive: zipfile.ZipFile, names: list[str]) -> None:
        self._archive, self._names = archive, set(names)

    def __getitem__(self, name: str) -> bytes:
        if name not in self._names:
            raise KeyError(name)
        return self._archive.read(name)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._names))

    def __len__(self) -> int:
        return len(self._names)


def read_archive(source: IO[bytes]) -> tuple[dict[str, Any], ArchiveFiles]:
    """Return the document and the files of an archive, every checksum verified.

    The zip stays open through the returned files: the caller imports while `source` is open.
    """
    _check_size(source)
    try:
        archive = zipfile.ZipFile(source)
        _check_limits(archive)
        names = archive.namelist()
        if MANIFEST not in names:
            raise ExchangeError(f"{REFUSED} : le manifeste ({MANIFEST}) manque dans l'archive.")
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
        listed = _listed(manifest)
        _check_members(archive, names, listed)
        data = loads(archive.read(DOCUMENT))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise ExchangeError(f"{REFUSED} : l'archive est endommagée ou n'est pas un zip.") from exc
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ExchangeError(f"{REFUSED} : le manifeste de l'archive est illisible.") from exc
    _check_attachments(data, listed)
    return data, ArchiveFiles(archive, [name for name in listed if name != DOCUMENT])


def _check_size(source: IO[bytes]) -> None:
    """Refuse an archive larger than settings.IMPORT_ARCHIVE_MAX_BYTES."""
    size = source.seek(0, io.SEEK_END)
    source.seek(0)
    limit = settings.IMPORT_ARCHIVE_MAX_BYTES
    if size > limit:
        raise ExchangeError(
            f"{REFUSED} : l'archive pèse {megabytes(size)}, la taille maximale est de "
            f"{megabytes(limit)}."
        )


def _check_limits(archive: zipfile.ZipFile) -> None:
    """Refuse, from the zip's directory alone, too many files or too many bytes once decompressed.

    Reading an entry never yields more than its declared size (zipfile stops there and checks the
    CRC), so the declared sizes bound what extraction can write or hold.
    """
    infos = archive.infolist()
    limit = settings.IMPORT_ARCHIVE_MAX_ENTRIES
    if len(infos) > limit:
        raise ExchangeError(
            f"{REFUSED} : l'archive contient {len(infos)} fichiers, au plus {limit} sont acceptés."
        )
    total = sum(info.file_size for info in infos)
    limit = settings.IMPORT_ARCHIVE_MAX_UNCOMPRESSED_BYTES
    if total > limit:
        raise ExchangeError(
            f"{REFUSED} : l'archive pèserait {megabytes(total)} une fois décompressée, "
            f"la taille maximale est de {megabytes(limit)}."
        )


def _listed(manifest: Any) -> dict[str, dict]:
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise ExchangeError(f"{REFUSED} : ce fichier n'est pas une archive de CTG Pilote.")
    if manifest.get("version") != ARCHIVE_VERSION:
        raise ExchangeError(
            f"{REFUSED} : version d'archive non prise en charge : {manifest.get('version')!r}."
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or DOCUMENT not in files or len(files) > MAX_MEMBERS:
        raise ExchangeError(f"{REFUSED} : le manifeste de l'archive est invalide.")
    for name, entry in files.items():
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("sha256"), str)
            or name.startswith("/")
            or ".." in name.split("/")
        ):
            raise ExchangeError(f"{REFUSED} : entrée invalide dans le manifeste : {name}.")
    return files


def _check_members(archive: zipfile.ZipFile, names: list[str], listed: dict) -> None:
    """Refuse a file missing, altered or not listed; checksums are computed on the contents."""
    missing = sorted(set(listed) - set(names))
    if missing:
        raise ExchangeError(
            f"{REFUSED} : fichier(s) absent(s) de l'archive : {', '.join(missing)}."
        )
    extra = sorted(set(names) - set(listed) - {MANIFEST})
    if extra:
        raise ExchangeError(
            f"{REFUSED} : fichier(s) non listé(s) dans le manifeste : {', '.join(extra)}."
        )
    for name, entry in listed.items():
        digest = hashlib.sha256()
        size = 0
        with archive.open(name) as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        if digest.hexdigest() != entry["sha256"] or size != entry.get("size"):
            raise ExchangeError(
                f"{REFUSED} : le fichier {name} a été modifié ou est abîmé "
                "(somme de contrôle différente de celle du manifeste)."
            )


def _check_attachments(data: dict[str, Any], listed: dict) -> None:
    """Refuse an archive whose document names an attachment file it does not hold."""
    monitoring = data.get("monitoring")
    updates = monitoring.get("updates") if isinstance(monitoring, dict) else None
    for update in updates if isinstance(updates, list) else []:
        attachments = update.get("attachments") if isinstance(update, dict) else None
        for spec in attachments if isinstance(attachments, list) else []:
            path = spec.get("file") if isinstance(spec, dict) else None
            if isinstance(path, str) and path not in listed:
                raise ExchangeError(f"{REFUSED} : fichier absent de l'archive : {path}.")
