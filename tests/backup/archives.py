"""Write altered copies of a backup, as a disk, a transfer or a person could alter one."""

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path


def rewritten(
    source: Path,
    target: Path,
    *,
    change: Callable[[str, bytes], bytes] | None = None,
    manifest: Callable[[dict], None] | None = None,
    resign: bool = False,
) -> Path:
    """Copy a backup, changing files' bytes, the manifest and, if asked, its checksums."""
    with zipfile.ZipFile(source) as old:
        files = {name: old.read(name) for name in old.namelist()}
    if change:
        files = {name: change(name, data) for name, data in files.items()}
    content = json.loads(files.pop("manifest.json"))
    if resign:
        for entry in [*content["tables"], *content["media"]]:
            entry["sha256"] = hashlib.sha256(files[entry["file"]]).hexdigest()
    if manifest:
        manifest(content)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in files.items():
            new.writestr(name, data)
        new.writestr("manifest.json", json.dumps(content))
    return target


def table_file(source: Path, model: str) -> str:
    """Return the name of a table's file in a backup."""
    with zipfile.ZipFile(source) as archive:
        content = json.loads(archive.read("manifest.json"))
    return next(entry["file"] for entry in content["tables"] if entry["model"] == model)


def with_rows(source: Path, model: str, edit: Callable[[list[dict]], None]):
    """Return a change for rewritten() that edits the rows of one table of the backup."""
    name = table_file(source, model)

    def change(file: str, data: bytes) -> bytes:
        if file != name:
            return data
        rows = [json.loads(line) for line in data.decode().splitlines()]
        edit(rows)
        return "".join(json.dumps(row) + "\n" for row in rows).encode()

    return change
