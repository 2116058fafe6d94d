"""The key of the test database's template follows what goes into it (tests/template_db.py)."""

from django.db import connection

from pilote.territories.models import Commune
from tests.template_db import template_key


def test_the_key_changes_with_the_territories_data_and_with_migrations_on_or_off(
    settings, tmp_path
):
    key = template_key()
    assert template_key() == key
    assert template_key(use_migrations=False) != key

    data = tmp_path / "cog.json.gz"
    data.write_bytes(b"une version")
    settings.TERRITORIES_DATA_FILE = data
    first = template_key()
    data.write_bytes(b"une autre version")
    assert first not in (key, template_key())


def test_each_test_database_is_migrated_and_holds_the_territories(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations")
        assert cursor.fetchone()[0] > 0
    assert Commune.objects.exists()
