"""The test database: migrated and loaded once into a template, then copied for each worker.

Migrating an empty database and loading the territories took most of each xdist worker's set-up
(minutes under load). The first worker of a run builds a template under a file lock; every
worker (the first included) then copies it into its own test database:

- SQLite: the template is a file; an in-memory test database (Django's default) is filled from
  it with SQLite's backup API, a file-based one (TEST NAME) is a copy of the file;
- PostgreSQL: `CREATE DATABASE test_x_gwN TEMPLATE test_x_template_KEY`.

The template is kept between runs and rebuilt when its key changes: a hash of the migration
files, of the territories' data and loader, of this module and of Django's version. Templates of
another key are dropped when a new one is built. --create-db rebuilds the template once for the
run; --reuse-db keeps each worker's database after the run (it is still copied afresh at the
start, so that it never lags behind its migrations).
"""

import fcntl
import hashlib
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
TERRITORIES_LOADER = ROOT / "pilote" / "territories" / "management" / "commands"
_RUN_ID = uuid.uuid4().hex  # without xdist, the run is this process


def template_key(use_migrations: bool = True) -> str:
    """Return the hash of all that goes into the template."""
    digest = hashlib.sha256(f"{django.get_version()} {use_migrations}".encode())
    files = sorted(ROOT.glob("pilote/*/migrations/*.py")) + sorted(TERRITORIES_LOADER.glob("*.py"))
    files += [Path(__file__), Path(settings.TERRITORIES_DATA_FILE)]
    for path in files:
        if path.exists():
            digest.update(
                str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).encode()
            )
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _folder() -> Path:
    """Return the folder of this checkout's SQLite templates and of the locks."""
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
    folder = Path(tempfile.gettempdir()) / f"pilote-test-templates-{checkout}"
    folder.mkdir(exist_ok=True)
    return folder


@contextmanager
def _locked(name: str) -> Iterator[None]:
    with open(_folder() / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class TemplateDatabase:
    """The test database of one connection, copied from a template built once."""

    def __init__(self, connection, key: str, run_id: str | None):
        self.connection, self.key, self.run_id = connection, key, run_id or _RUN_ID
        self.sqlite = connection.vendor == "sqlite"
        self.old_name = connection.settings_dict["NAME"]
        self.test_name = connection.creation._get_test_db_name()
        if self.sqlite:
            self.template = str(_folder() / f"template-{key}.sqlite3")
        else:
            self.template = f"test_{self.old_name}_template_{key}"[:63]
        self.marker = _folder() / f"{Path(self.template).name}.built"

    def set_up(self, rebuild: bool) -> None:
        """Build the template unless it is there (or --create-db), then copy it for this worker."""
        database = hashlib.sha256(str(self.old_name).encode()).hexdigest()[:8]
        with _locked(f"{self.connection.vendor}-{database}"):
            built_by = self.marker.read_text() if self.marker.exists() else None
            if built_by is None or (rebuild and built_by != self.run_id):
                self._build()
                self.marker.write_text(self.run_id)
            self._copy()

    def tear_down(self) -> None:
        """Drop this worker's database (the template stays for the next run)."""
        self.connection.creation.destroy_test_db(self.old_name, verbosity=0, keepdb=False)

    def _build(self) -> None:
        self.marker.unlink(missing_ok=True)
        self._drop_other_templates()
        test_settings = self.connection.settings_dict["TEST"]
        kept_name = test_settings.get("NAME")
        test_settings["NAME"] = self.template
        try:
            self.connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            if settings.TERRITORIES_DATA_FILE.exists():
                call_command("load_territories", verbosity=0)
            if self.sqlite:  # a plain file, copied whole, never in WAL mode
                with self.connection.cursor() as cursor:
                    cursor.execute("PRAGMA journal_mode=DELETE")
            self.connection.close()
        finally:
            test_settings["NAME"] = kept_name
            self._point_at(self.old_name)

    def _drop_other_templates(self) -> None:
        if self.sqlite:
            for path in _folder().glob("template-*.sqlite3*"):
                if not path.name.startswith(Path(self.template).name):
                    path.unlink(missing_ok=True)
            return
        prefix = f"test_{self.old_name}_template_"
        with self.connection.creation._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix]
            )
            for (name,) in cursor.fetchall():
                if name != self.template:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    def _copy(self) -> None:
        self.connection.close()
        if not self.sqlite:
            with self.connection.creation._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.test_name}"')
                cursor.execute(f'CREATE DATABASE "{self.test_name}" TEMPLATE "{self.template}"')
            self._point_at(self.test_name)
        elif self.connection.creation.is_in_memory_db(self.test_name):
            self._point_at(self.test_name)
            self.connection.ensure_connection()
            with closing(sqlite3.connect(self.template)) as source:
                source.backup(self.connection.connection)
        else:
            for leftover in (f"{self.test_name}-wal", f"{self.test_name}-shm"):
                Path(leftover).unlink(missing_ok=True)
            shutil.copyfile(self.template, self.test_name)
            self._point_at(self.test_name)
        self.connection.ensure_connection()

    def _point_at(self, name: str) -> None:
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
