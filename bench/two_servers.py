"""Two application servers on one PostgreSQL database: what one writes, the other reads.

    .venv/bin/python bench/two_servers.py
    .venv/bin/python bench/two_servers.py --database-url postgres://postgres@127.0.0.1:5432/pilote_2s
    .venv/bin/python bench/two_servers.py --redis     # cache and sessions in a local redis-server

Prepares the database once (migrate, createcachetable, COG, demo CTGs), then starts two servers
exactly as production does, with `bin/run_prod.py` (DEBUG off, settings checked, collectstatic,
gunicorn.conf.py), on two ports, sharing the database, the SECRET_KEY and the attachments'
storage (here one folder, standing for a shared volume or a bucket) and nothing else. A browser
(one cookie jar) then logs in on server A, opens a CTG on server B with that session, records a
follow-up point with an attachment on A (B having read, hence cached, the action's page
before), reads the point at once and downloads the file on B, logs out on B and finds the
session gone on A. Prints each step; exits 1 if one fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from concurrency import Client, FormParser, post_form
from run import ensure_postgres_database, free_port, get, manage, production_env

ROOT = Path(__file__).resolve().parent.parent
SLUG = "provence-alpes-agglomeration-2026-2030"
USERNAME = "cooperation.paa"
PASSWORD = "demo-pilote-ctg"  # noqa: S105 - the demo password (README)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/pilote_two_servers"
    )
    parser.add_argument("--redis", action="store_true", help="cache and sessions in Redis")
    return parser.parse_args()


def prepare(env: dict[str, str]) -> None:
    """Build the database once: migrations, cache table, COG and the demo CTGs."""
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    from pilote.territories.models import Commune

    if not Commune.objects.exists():
        manage(env, "load_territories")
    manage(env, "load_demo", "--force")


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """Start one server with bin/run_prod.py and wait until it answers."""
    server_env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "RUN_PROD_MIGRATE": "0",  # one database, migrated once by prepare()
    }
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, str(ROOT / "bin" / "run_prod.py")],
            cwd=ROOT,
            env=server_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 900  # collectstatic first, slow on a busy machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on {port} stopped: see {log}")
        try:
            if get(port, "/connexion/", "")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    process.terminate()
    raise RuntimeError(f"server on {port} did not answer within 900 s: see {log}")


class Browser(Client):
    """One cookie jar sent to either server, as a browser would to two servers behind a proxy."""

    def on(self, port: int) -> Browser:
        if port != self.port:
            self.connection.close()
            self.port = port
            self.connection = type(self.connection)("127.0.0.1", port, timeout=120)
        return self


def scenario(a: int, b: int, media: Path) -> list[tuple[str, bool]]:
    """Run the steps across the two servers; return each step with its outcome."""
    from pilote.monitoring.models import UpdateAttachment
    from pilote.plans.models import PlanNode

    steps: list[tuple[str, bool]] = []
    browser = Browser(a, "")
    page = browser.on(a).request("GET", "/connexion/")[1]
    form = post_form(page, "password")
    status = browser.submit("/connexion/", form, {"username": USERNAME, "password": PASSWORD})
    steps.append((f"connexion sur A (:{a}) → {status}", status == 302))
    status, page = browser.on(b).request("GET", f"/ctg/{SLUG}/")
    steps.append((f"la même session ouvre la CTG sur B (:{b}) → {status}", status == 200))

    node = PlanNode.objects.filter(convention__slug=SLUG, level__tracked=True).order_by("pk")[0]
    marker = f"Écrit sur A, lu sur B {uuid.uuid4().hex[:8]}"
    # B reads the action's page first: it keeps it in its cache (shared, and in its own memory),
    # which the write on A must make stale at once.
    action_page = f"/ctg/{SLUG}/plan/{node.pk}/"
    before = [browser.on(b).request("GET", action_page) for _ in range(2)]
    steps.append(
        (
            f"B lit la page de l'action deux fois, mise en cache → {before[-1][0]}",
            all(status == 200 and marker not in page for status, page in before),
        )
    )
    content = f"Compte rendu {marker}\n".encode()
    path = f"/ctg/{SLUG}/suivi/{node.pk}/mettre-a-jour/"
    form = post_form(browser.on(a).request("GET", path)[1], "-status")
    prefix = f"maj-{node.pk}-"
    status = browser.submit(
        path,
        form,
        {f"{prefix}done": marker, f"{prefix}progress": "40"},
        files=[(f"{prefix}attachments", "compte-rendu.txt", content)],
    )
    steps.append((f"point de suivi et pièce jointe enregistrés sur A → {status}", status == 302))

    status, page = browser.on(b).request("GET", action_page)
    steps.append(
        (f"le point de suivi se lit aussitôt sur B, cache compris → {status}", marker in page)
    )
    attachment = UpdateAttachment.objects.filter(update__done=marker).first()
    if attachment is None:
        steps.append(("la pièce jointe est en base", False))
    else:
        url = f"/ctg/{SLUG}/suivi/pieces-jointes/{attachment.pk}/"
        browser.on(b).connection.request("GET", url, headers=_cookie_header(browser))
        response = browser.connection.getresponse()
        body = response.read()
        steps.append(
            (
                f"la pièce jointe se télécharge sur B, à l'octet près → {response.status}",
                response.status == 200 and body == content,
            )
        )
        steps.append(
            (
                f"son fichier est dans le stockage partagé ({attachment.file.name})",
                (media / attachment.file.name).read_bytes() == content,
            )
        )

    parser = FormParser()
    parser.feed(browser.on(b).request("GET", f"/ctg/{SLUG}/")[1])
    form = next(form for form in parser.forms if form["action"] == "/deconnexion/")
    logout = browser.submit("/deconnexion/", form, {})
    status, _page = browser.on(a).request("GET", f"/ctg/{SLUG}/")
    steps.append(
        (
            f"déconnexion sur B ({logout}) : la session n'ouvre plus rien sur A → {status}",
            logout in (200, 302) and status == 302,
        )
    )
    return steps


def _cookie_header(browser: Browser) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())}


def start_redis() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - the system's redis-server, on the loopback
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--save",
            "",
            "--bind",
            "127.0.0.1",
        ],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(1)
    return process, f"redis://127.0.0.1:{port}/0"


def main() -> int:
    args = parse_args()
    ensure_postgres_database(args.database_url)
    work = Path(tempfile.mkdtemp(prefix="pilote-2-serveurs-"))
    env = {
        **production_env(args.database_url),
        "MEDIA_ROOT": str(work / "media"),
        "PILOTE_DOTENV": "0",
    }
    processes: list[subprocess.Popen] = []
    if args.redis:
        redis, env["REDIS_URL"] = start_redis()
        processes.append(redis)
    os.environ.update(env)
    import django

    django.setup()
    try:
        prepare(env)
        a, b = free_port(), free_port()
        processes.append(start_server(env, a, work / "serveur-a.log"))
        processes.append(start_server(env, b, work / "serveur-b.log"))
        steps = scenario(a, b, work / "media")
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    backend = "Redis" if args.redis else "la base"
    print(f"Deux serveurs, une base PostgreSQL, cache et sessions dans {backend} :")
    for text, ok in steps:
        print(f"  {'ok ' if ok else 'ÉCHEC'} {text}")
    failed = [text for text, ok in steps if not ok]
    if not failed:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"Journaux des serveurs : {work}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
