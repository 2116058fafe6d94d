"""Production serving: bin/run_prod.py says in French what is missing; the settings share state.

The settings are read in a fresh interpreter for each environment, as a server would read them.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyzABCD",
    "DATABASE_URL": "postgres://pilote:secret@db.example.fr:5432/pilote",
    "ALLOWED_HOSTS": "pilote.example.fr",
}


def run_prod_module():
    spec = importlib.util.spec_from_file_location("run_prod", ROOT / "bin" / "run_prod.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def clean_env(**values: str) -> dict[str, str]:
    """Return an environment without any of the application's settings, plus these values."""
    keep = {"PATH", "HOME", "LANG", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    return {**env, "PILOTE_DOTENV": "0", **values}


def test_a_complete_environment_has_no_problem():
    assert run_prod_module().problems(GOOD) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY manque"),
        ({"SECRET_KEY": "court"}, "SECRET_KEY est trop courte"),
        ({"DATABASE_URL": ""}, "DATABASE_URL manque"),
        ({"DATABASE_URL": "sqlite:////srv/db.sqlite3"}, "doit désigner une base PostgreSQL"),
        ({"ALLOWED_HOSTS": " "}, "ALLOWED_HOSTS manque"),
    ],
)
def test_each_missing_setting_is_one_french_line(change, expected):
    problems = run_prod_module().problems({**GOOD, **change})
    assert len(problems) == 1
    assert expected in problems[0]


def test_run_prod_stops_before_starting_anything_and_without_a_traceback():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bin" / "run_prod.py")],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "ne peut pas démarrer en production" in result.stderr
    for name in ("SECRET_KEY manque", "DATABASE_URL manque", "ALLOWED_HOSTS manque"):
        assert name in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def settings_in(**values: str) -> dict:
    """Return the storage, cache and session settings read with this environment."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'storage': settings.STORAGES['default']['BACKEND'], "
        "'options': settings.STORAGES['default'].get('OPTIONS', {}), "
        "'cache': settings.CACHES['default']['BACKEND'], "
        "'location': settings.CACHES['default']['LOCATION'], "
        "'session': settings.SESSION_ENGINE}))"
    )
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", **values)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_by_default_files_on_disk_cache_and_sessions_in_the_database():
    found = settings_in()
    assert found["storage"] == "django.core.files.storage.FileSystemStorage"
    assert found["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert found["location"] == "pilote_cache"
    assert found["session"] == "django.contrib.sessions.backends.db"


def test_redis_url_moves_cache_and_sessions_to_redis():
    found = settings_in(REDIS_URL="redis://cache.example.fr:6379/0")
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["location"] == "redis://cache.example.fr:6379/0"
    # Written through to the database: a restarted Redis logs nobody out.
    assert found["session"] == "django.contrib.sessions.backends.cached_db"


def test_s3_bucket_moves_attachments_to_private_object_storage():
    found = settings_in(
        S3_BUCKET="pilote-pieces", S3_ENDPOINT_URL="https://s3.example.fr", S3_REGION="fr-par"
    )
    assert found["storage"] == "storages.backends.s3.S3Storage"
    assert found["options"]["bucket_name"] == "pilote-pieces"
    assert found["options"]["endpoint_url"] == "https://s3.example.fr"
    assert found["options"]["default_acl"] == "private"
    assert found["options"]["file_overwrite"] is False
