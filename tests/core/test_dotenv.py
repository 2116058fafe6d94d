"""Commands of the README run from a development checkout (issue 14): settings read a local .env
written by `make run`; without a secret key outside DEBUG, one line of French, no traceback."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, dotenv: str, database: Path) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "PILOTE_ALLOW_INSECURE_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"PILOTE_DOTENV": dotenv, "DATABASE_URL": f"sqlite:///{database}"})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_a_secret_key_the_command_stops_with_one_line_of_french(tmp_path):
    result = manage("check", dotenv="0", database=tmp_path / "db.sqlite3")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Pilote CTG ne peut pas démarrer : SECRET_KEY doit être défini quand DEBUG est désactivé"
        " : en développement, lancez « make run » (qui écrit un fichier .env) ; en production,"
        " voir docs/exploitation.md."
    ]


def test_the_development_env_file_makes_the_readme_commands_work(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("DEBUG=1\nSECRET_KEY=une-cle-de-developpement-assez-longue-0123456789\n")

    result = manage("check", dotenv=str(dotenv), database=tmp_path / "db.sqlite3")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_command_on_a_database_never_migrated_says_what_to_do(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("DEBUG=1\nSECRET_KEY=une-cle-de-developpement-assez-longue-0123456789\n")

    result = manage(
        "export_ctg",
        "pays-salonais",
        "-o",
        str(tmp_path / "x.json"),
        dotenv=str(dotenv),
        database=tmp_path / "db.sqlite3",
    )

    assert result.returncode == 1
    assert "La base de données n'est pas initialisée : lancez « make run »" in result.stderr
    assert "Traceback" not in result.stderr
