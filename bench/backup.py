"""Instance backup: SQLite -> PostgreSQL -> SQLite round trip of the demo world, timed.

    .venv/bin/python bench/backup.py --postgres postgres://postgres@127.0.0.1:5432/pilote_bench_backup

Builds (once) the demo world in a scratch SQLite database (migrate, load_territories, load_demo,
generate_demo_activity) with two attachment files, then: backup (SQLite) -> restore into a new
PostgreSQL database -> backup (PostgreSQL) -> restore into a new SQLite database -> backup.
Prints each command's time and checks that the three backups hold the same rows in every table
(parsed: PostgreSQL orders the keys of JSON fields its own way) and the same files. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "pilote_bench_backup"
ATTACH = """
from django.core.files.base import ContentFile
from pilote.monitoring.models import ActionUpdate, UpdateAttachment
update = ActionUpdate.objects.order_by("pk").last()
for name, data in [("compte-rendu été.pdf", bytes(range(256)) * 400), ("notes.csv", b"a;b\\n")]:
    attachment = UpdateAttachment(update=update, name=name, size=len(data))
    attachment.file.save(name, ContentFile(data))
"""


def env(database_url: str, media: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def manage(environment: dict[str, str], *command: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def timed(environment: dict[str, str], *command: str) -> float:
    """Run a backup or restore command and return the time it reports."""
    out = manage(environment, *command)
    print("  " + out.strip())
    return float(re.search(r"en ([\d.]+) s\.", out).group(1))


def fresh_postgres(database_url: str) -> None:
    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def build_source(rebuild: bool) -> dict[str, str]:
    source = WORK / "source.sqlite3"
    environment = env(f"sqlite:///{source}", WORK / "media-source")
    if rebuild or not source.exists():
        source.unlink(missing_ok=True)
        for command in ("migrate", "load_territories", "load_demo", "generate_demo_activity"):
            manage(environment, command, "-v0")
        manage(environment, "shell", "-v0", "-c", ATTACH)
    return environment


def content(path: Path) -> tuple[dict, dict]:
    """Return the rows of every table (parsed) and the files' checksums of a backup."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        rows = {
            entry["model"]: [json.loads(line) for line in archive.read(entry["file"]).splitlines()]
            for entry in manifest["tables"]
        }
    return rows, {entry["path"]: entry["sha256"] for entry in manifest["media"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="URL of a scratch PostgreSQL database")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the SQLite demo world")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    source = build_source(args.rebuild)
    postgres = env(args.postgres, WORK / "media-postgres")
    back = WORK / "back.sqlite3"
    back.unlink(missing_ok=True)
    sqlite_back = env(f"sqlite:///{back}", WORK / "media-back")
    fresh_postgres(args.postgres)
    manage(postgres, "migrate", "-v0")
    manage(sqlite_back, "migrate", "-v0")

    times = {}
    print("SQLite -> PostgreSQL -> SQLite")
    times["backup SQLite"] = timed(source, "backup", "-o", str(WORK / "a.zip"))
    times["restore PostgreSQL"] = timed(postgres, "restore", str(WORK / "a.zip"))
    times["backup PostgreSQL"] = timed(postgres, "backup", "-o", str(WORK / "b.zip"))
    times["restore SQLite"] = timed(sqlite_back, "restore", str(WORK / "b.zip"))
    timed(sqlite_back, "backup", "-o", str(WORK / "c.zip"))

    first, second, third = (content(WORK / name) for name in ("a.zip", "b.zip", "c.zip"))
    for name, seconds in times.items():
        print(f"{name:<20} {seconds:5.1f} s")
    rows = sum(len(table) for table in first[0].values())
    same = first == second == third
    print(f"{rows} rows in {len(first[0])} tables, {len(first[1])} files: identical = {same}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
