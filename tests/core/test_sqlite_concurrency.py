"""SQLite, the default database, makes concurrent writers wait instead of failing.

With 6 concurrent clients, 27–50 % of plan edits, moves and renumberings answered 500 "database
is locked": a transaction that had read first could not take the write lock another held, and
SQLite refused it at once rather than waiting. The settings now open every transaction with the
write lock (IMMEDIATE), in WAL mode (pages read while someone writes), with a busy timeout.
bench/concurrency.py measures it against gunicorn.
"""

import sqlite3

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="the SQLite settings only",
    ),
]

ALIAS = "sqlite_file"


@pytest.fixture
def file_database(tmp_path):
    """Return the path of a SQLite file opened by Django with the project's settings."""
    path = tmp_path / "pilote.sqlite3"
    wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(path)}, alias=ALIAS)
    connections[ALIAS] = wrapper
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE note (text TEXT)")
        yield path
    finally:
        wrapper.close()
        del connections[ALIAS]


def test_the_database_is_in_wal_mode_and_writers_wait_for_the_lock(file_database):
    with connections[ALIAS].cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_transaction_holds_the_write_lock_from_its_start(file_database):
    other = sqlite3.connect(file_database, timeout=0, isolation_level=None)
    try:
        with transaction.atomic(using=ALIAS):
            # Nothing written yet, and another writer already has to wait: this transaction
            # will not fail later, upgrading a read lock, when it writes.
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
            with connections[ALIAS].cursor() as cursor:
                cursor.execute("INSERT INTO note VALUES ('enregistré')")
        other.execute("BEGIN IMMEDIATE")
        other.execute("COMMIT")
        # Pages read while a write is under way (WAL).
        with transaction.atomic(using=ALIAS):
            assert other.execute("SELECT text FROM note").fetchall() == [("enregistré",)]
    finally:
        other.close()
