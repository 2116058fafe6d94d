"""The attachments' files: listed for a backup, put back by a restore.

With the default storage, a folder (FileSystemStorage, MEDIA_ROOT), a restore writes the
backup's files into a folder of its own inside MEDIA_ROOT (same file system, so that moving
them is a rename), and swaps them with the files in place only as the
last step of the database's transaction; should that transaction fail, the swap is undone. The
files replaced are deleted once the restore has succeeded.

With another storage (an S3 bucket, see docs/deployment.md), files are listed and read through
Django's storage API; a restore (StorageSwap) keeps the backup's files in a local folder until
the database's transaction ends, uploads the new names before it commits (deleted again if it
fails), and replaces the files already there and deletes those the backup does not hold once
it has committed: a bucket has no rename to swap folders with.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.utils import timezone

from .archive import BackupError, safe_path

# Folders of a restore under way, inside MEDIA_ROOT; never saved by a backup.
STAGING_PREFIX = ".pilote-restauration-"


def media_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Yield each file under root with its path there ("suivi/3/12/cr.pdf"), sorted."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(STAGING_PREFIX) or path.is_symlink() or not path.is_file():
            continue
        yield path, relative


class MediaSwap:
    """The files of a restore: written aside, swapped in at the end, or thrown away."""

    def __init__(self, root: Path) -> None:
        self.root = root
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        self.incoming = root / f"{STAGING_PREFIX}{stamp}"
        self.outgoing = root / f"{STAGING_PREFIX}{stamp}-remplaces"
        self._moves: list[tuple[Path, Path]] = []  # done by swap_in, undone by roll_back

    def write(self, path: str, chunks: Iterable[bytes]) -> str:
        """Write one file of the backup aside and return its SHA-256."""
        if not safe_path(path):
            raise BackupError(f"Chemin de fichier refusé : {path!r}")
        target = self.incoming / path
        digest = hashlib.sha256()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("xb") as out:
                for chunk in chunks:
                    digest.update(chunk)
                    out.write(chunk)
        except OSError as exc:
            self.discard()
            raise BackupError(
                f"Impossible d'écrire les fichiers joints dans {self.root} ({exc.strerror}). "
                "Rien n'a été modifié."
            ) from exc
        return digest.hexdigest()

    def swap_in(self) -> None:
        """Put the backup's files in place of those under MEDIA_ROOT (kept aside until finish)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.outgoing.mkdir()
        try:
            for entry in sorted(self.root.iterdir()):
                if not entry.name.startswith(STAGING_PREFIX):
                    self._move(entry, self.outgoing / entry.name)
            if self.incoming.is_dir():
                for entry in sorted(self.incoming.iterdir()):
                    self._move(entry, self.root / entry.name)
        except OSError as exc:
            self.roll_back()
            raise BackupError(
                f"Impossible de remplacer les fichiers joints dans {self.root} ({exc.strerror}). "
                "Rien n'a été modifié."
            ) from exc

    def _move(self, source: Path, target: Path) -> None:
        source.rename(target)
        self._moves.append((source, target))

    def roll_back(self) -> None:
        """Undo the swap, if any, and throw the backup's files away."""
        while self._moves:
            source, target = self._moves.pop()
            target.rename(source)
        self.discard()

    def discard(self) -> None:
        """Throw away the folders of this restore."""
        shutil.rmtree(self.incoming, ignore_errors=True)
        shutil.rmtree(self.outgoing, ignore_errors=True)

    def finish(self) -> None:
        """Delete the files replaced, once the restore has succeeded."""
        self._moves.clear()
        self.discard()


def is_local(storage: Storage) -> bool:
    """Return whether the storage is a folder of this machine (renamed into place by a swap)."""
    return isinstance(storage, FileSystemStorage)


def stored_files(storage: Storage, folder: str = "") -> list[str]:
    """Return the name of every file of the storage, sorted ("suivi/3/12/cr.pdf")."""
    directories, files = storage.listdir(folder)
    names = [f"{folder}{name}" for name in files]
    for directory in directories:
        if not directory.startswith(STAGING_PREFIX):
            names += stored_files(storage, f"{folder}{directory}/")
    return sorted(names)


class StorageSwap:
    """The files of a restore into a storage that is not a local folder (an S3 bucket)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX))
        self.incoming = self.staging  # MediaSwap's name, for the checks of the tests
        self.files: list[str] = []
        self._uploaded: list[str] = []  # new names, deleted again by roll_back
        self._replaced: list[str] = []  # names already there, replaced by finish

    def write(self, path: str, chunks: Iterable[bytes]) -> str:
        """Write one file of the backup to the local staging folder and return its SHA-256."""
        if not safe_path(path):
            raise BackupError(f"Chemin de fichier refusé : {path!r}")
        target = self.staging / path
        digest = hashlib.sha256()
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
        self.files.append(path)
        return digest.hexdigest()

    def swap_in(self) -> None:
        """Upload the files whose names are free; those already there wait for finish()."""
        try:
            for name in self.files:
                if self.storage.exists(name):
                    self._replaced.append(name)
                else:
                    self._upload(name)
                    self._uploaded.append(name)
        except OSError as exc:
            self.roll_back()
            raise BackupError(
                f"Impossible d'écrire les fichiers joints dans le stockage ({exc}). "
                "Rien n'a été modifié."
            ) from exc

    def _upload(self, name: str) -> None:
        with (self.staging / name).open("rb") as stream:
            saved = self.storage.save(name, File(stream))
        if saved != name:  # the storage renamed it: the rows would name another file
            self.storage.delete(saved)
            raise OSError(f"{name} enregistré sous un autre nom ({saved})")

    def roll_back(self) -> None:
        """Delete the files uploaded and throw the local copies away."""
        while self._uploaded:
            self.storage.delete(self._uploaded.pop())
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def finish(self) -> None:
        """Replace the files already there and delete those the backup does not hold."""
        try:
            for name in self._replaced:
                self.storage.delete(name)
                self._upload(name)
            kept = set(self.files)
            for name in stored_files(self.storage):
                if name not in kept:
                    self.storage.delete(name)
        except OSError as exc:
            raise BackupError(
                "La base est restaurée, mais des fichiers joints n'ont pas pu être remplacés "
                f"dans le stockage ({exc}) : relancez la restauration avec --force."
            ) from exc
        finally:
            self._uploaded.clear()
            self.discard()
