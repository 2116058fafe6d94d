#!/usr/bin/env python3
"""Start Pilote CTG as production does: settings checked, migrate, collectstatic, gunicorn.

`make run-prod` runs it. It reads the environment, and the .env file the settings read
(PILOTE_DOTENV, `.env` by default), the environment winning. DEBUG is forced off. Whatever is
missing is printed in French, one line each, and nothing starts. RUN_PROD_MIGRATE=0 leaves out
migrate and createcachetable (an additional server, once the first has migrated the database).
See docs/deployment.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _load_dotenv() -> None:
    dotenv = os.environ.get("PILOTE_DOTENV", str(BASE_DIR / ".env"))
    if dotenv != "0" and Path(dotenv).is_file():
        from dotenv import load_dotenv

        load_dotenv(dotenv, override=False)


def problems(env: dict[str, str]) -> list[str]:
    """Return what keeps the settings from running in production, one French sentence each."""
    found = []
    key = env.get("SECRET_KEY", "")
    if not key:
        found.append(
            "SECRET_KEY manque : une clé longue et aléatoire, gardée secrète "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    elif len(key) < 50 or key.startswith(("insecure", "change-me")):
        found.append("SECRET_KEY est trop courte ou d'exemple : 50 caractères aléatoires au moins.")
    database = env.get("DATABASE_URL", "")
    if not database:
        found.append(
            "DATABASE_URL manque : l'adresse de la base PostgreSQL "
            "(postgres://utilisateur:motdepasse@hôte:5432/base)."
        )
    elif not database.startswith(("postgres://", "postgresql://", "pgsql://")):
        found.append(
            "DATABASE_URL doit désigner une base PostgreSQL : plusieurs serveurs et la production "
            "ne tournent pas sur SQLite."
        )
    if not env.get("ALLOWED_HOSTS", "").strip():
        found.append("ALLOWED_HOSTS manque : le ou les noms du site, séparés par des virgules.")
    if env.get("S3_BUCKET") and not _importable("storages"):
        found.append(
            "S3_BUCKET est défini mais django-storages n'est pas installé : "
            'pip install -e ".[s3]".'
        )
    if env.get("REDIS_URL") and not _importable("redis"):
        found.append(
            "REDIS_URL est défini mais le paquet redis n'est pas installé : "
            'pip install -e ".[redis]".'
        )
    return found


def advice(env: dict[str, str]) -> list[str]:
    """Return what production usually sets but may go without (printed, not blocking)."""
    found = []
    if not env.get("SITE_URL"):
        found.append(
            "SITE_URL n'est pas défini : les liens des courriels de relance seront relatifs."
        )
    if "smtp" not in env.get("EMAIL_BACKEND", ""):
        found.append(
            "EMAIL_BACKEND n'est pas SMTP : les courriels (invitations, relances) s'écrivent dans "
            "la console."
        )
    if not (env.get("PRIVACY_CONTROLLER") and env.get("PRIVACY_CONTACT")):
        found.append(
            "PRIVACY_CONTROLLER et PRIVACY_CONTACT : responsable des données et contact du DPD, "
            "affichés sur la page « Données personnelles »."
        )
    return found


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _manage(*args: str) -> None:
    command = [PYTHON, str(BASE_DIR / "manage.py"), *args]
    subprocess.run(command, check=True, cwd=BASE_DIR)  # noqa: S603 - our own manage.py


def main() -> int:
    _load_dotenv()
    os.environ["DEBUG"] = "0"
    missing = problems(dict(os.environ))
    if missing:
        print("Pilote CTG ne peut pas démarrer en production :", file=sys.stderr)
        for line in missing:
            print(f"  - {line}", file=sys.stderr)
        print("Voir docs/deployment.md et .env.example.", file=sys.stderr)
        return 2
    for line in advice(dict(os.environ)):
        print(f"Attention : {line}", file=sys.stderr)
    try:
        if os.environ.get("RUN_PROD_MIGRATE", "1") != "0":
            _manage("migrate", "--noinput")
            _manage("createcachetable")
        _manage("collectstatic", "--noinput", "--verbosity", "0")
    except subprocess.CalledProcessError as error:
        print(f"Échec de « manage.py {error.cmd[2]} » (voir ci-dessus).", file=sys.stderr)
        return 1
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    config = str(BASE_DIR / "gunicorn.conf.py")
    os.chdir(BASE_DIR)
    os.execv(gunicorn, [gunicorn, "--config", config, "config.wsgi:application"])  # noqa: S606
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
