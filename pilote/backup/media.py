"""The files under MEDIA_ROOT (attachments): listed for a backup, put back by a restore.

A restore writes the backup's files into a folder of its own inside MEDIA_ROOT (same file
system, so that moving them is a rename), and swaps them with the files in place only as the
last step of the database's transaction; should that transaction fail, the swap is undone. The
files replaced are deleted once the restore has succeeded.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

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
