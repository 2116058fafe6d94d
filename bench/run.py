"""Benchmark of every page of one CTG (500 or 2,000 actions), served by gunicorn.

    .venv/bin/python bench/run.py                       # SQLite (scratch file under /tmp)
    .venv/bin/python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/pilote_bench

Builds (once) a CTG of --actions tracked actions with --updates quarterly updates each in a
scratch database, serves the app with gunicorn in production mode (DEBUG=0) on the loopback,
logs in with a session cookie, requests each page --warmup + --requests times sequentially and
prints p50 / p95; then profiles one request per page in-process (cProfile): SQL time and count,
template rendering time, and the functions where the time goes. See bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import http.client
import io
import json
import os
import pstats
import secrets
import socket
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

from ctg_extras import add_extras

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SLUG = "ctg-bench"
USERNAME = "bench.cooperation"
# Every page of one CTG; {action} is the pk of one tracked action of the bench CTG.
PAGES = {
    "summary": "/ctg/{slug}/",
    "plan": "/ctg/{slug}/plan/",
    "followup": "/ctg/{slug}/suivi/",
    "dashboard": "/ctg/{slug}/tableau-de-bord/",
    "timeline": "/ctg/{slug}/calendrier/",
    "action": "/ctg/{slug}/plan/{action}/",
    "facilities": "/ctg/{slug}/equipements/",
    "governance": "/ctg/{slug}/gouvernance/",
    "history": "/ctg/{slug}/historique/",
}


def target_p95_ms(actions: int) -> int:
    """Return the p95 budget of a CTG page: 100 ms up to 500 actions, 250 ms up to 2,000."""
    return 100 if actions <= 500 else 250


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/pilote_bench.sqlite3")
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"among {', '.join(PAGES)}")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the CTG")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    if args.requests < 1 or args.requests > 1000:
        parser.error("--requests must be between 1 and 1000")
    unknown = set(args.pages.split(",")) - PAGES.keys()
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    return args


def production_env(database_url: str) -> dict[str, str]:
    """Return the environment of a production-like server on the loopback."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def ensure_postgres_database(database_url: str) -> None:
    """Create the PostgreSQL database of the URL if it does not exist."""
    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"database {name} created")


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


# ------------------------------------------------------------------------------ data


def build_ctg(
    actions: int, updates: int, *, rebuild: bool, slug: str = SLUG, username: str = USERNAME
):
    """Return the bench CTG and its coordinator, building them with bulk inserts if needed.

    slug and username name the CTG and its coordinator: several bench CTGs may live side by
    side in one database (bench/national.py adds two to the national data set).
    """
    from django.db import transaction

    from pilote.accounts.enums import Role
    from pilote.accounts.models import Membership, Organisation, User
    from pilote.conventions.enums import ConventionStatus
    from pilote.conventions.models import Convention
    from pilote.monitoring.enums import UpdateStatus
    from pilote.monitoring.models import ActionUpdate, Measurement
    from pilote.monitoring.periods import Quarter
    from pilote.plans.models import Indicator, IndicatorTarget, PlanLevel, PlanNode, Thematic
    from pilote.territories.models import EPCI, Commune, Departement

    user, _ = User.objects.get_or_create(
        username=username, defaults={"first_name": "Inès", "last_name": "Garcia"}
    )
    existing = Convention.objects.filter(slug=slug).first()
    if existing is not None and not rebuild:
        nodes = PlanNode.objects.filter(convention=existing, level__tracked=True).count()
        count = ActionUpdate.objects.filter(convention=existing).count()
        built = existing.meetings.exists()
        if nodes == actions and count == actions * updates and built:
            return existing, user
    with transaction.atomic():
        if existing is not None:
            existing.delete()
        departement = Departement.objects.get(code="04")
        epci = EPCI.objects.filter(siren="200067437").first()
        first = Quarter.current()
        for _ in range(updates - 1):
            first = first.previous()
        convention = Convention.objects.create(
            slug=slug,
            name=f"CTG de mesure ({actions} actions × {updates} points de suivi)",
            departement=departement,
            epci=epci,
            start_date=first.start,
            end_date=datetime.date(Quarter.current().year, 12, 31),
            status=ConventionStatus.ACTIVE,
        )
        communes = list(Commune.objects.filter(epci=epci).order_by("code")[:10]) if epci else []
        convention.communes.set(communes)
        Membership.objects.filter(user=user).delete()
        Membership.objects.create(user=user, role=Role.COORDINATOR, convention=convention)
        levels = [
            PlanLevel.objects.create(convention=convention, position=i, name=name, tracked=i == 2)
            for i, name in enumerate(["Axe", "Fiche action", "Action"])
        ]
        axes = PlanNode.objects.bulk_create(
            PlanNode(
                convention=convention,
                level=levels[0],
                position=i,
                number=str(i + 1),
                title=f"Axe {i + 1} : accompagner les familles du territoire",
            )
            for i in range(5)
        )
        fiches = PlanNode.objects.bulk_create(
            PlanNode(
                convention=convention,
                parent=axis,
                level=levels[1],
                position=j,
                number=f"{axis.number}.{j + 1}",
                title=f"Fiche {axis.number}.{j + 1} : développer l'offre d'accueil",
            )
            for axis in axes
            for j in range(5)
        )
        years = convention.years
        batch = []
        for i in range(actions):
            fiche = fiches[i % len(fiches)]
            position = i // len(fiches)
            start = years[i % len(years)]
            batch.append(
                PlanNode(
                    convention=convention,
                    parent=fiche,
                    level=levels[2],
                    position=position,
                    number=f"{fiche.number}.{position + 1}",
                    title=f"Action {fiche.number}.{position + 1} : ouvrir un lieu d'accueil "
                    "parents-enfants itinérant",
                    start_year=start,
                    start_quarter=1,
                    end_year=min(start + 1, years[-1]),
                    end_quarter=4,
                )
            )
        nodes = PlanNode.objects.bulk_create(batch)
        pilots = [
            Organisation.objects.get_or_create(name=name)[0]
            for name in (
                "Caf des Alpes-de-Haute-Provence",
                "PAA – service enfance",
                "CCAS de Digne",
            )
        ]
        thematics = list(Thematic.objects.filter(convention=None).order_by("pk"))
        PlanNode.pilots.through.objects.bulk_create(
            PlanNode.pilots.through(plannode_id=n.pk, organisation_id=pilots[i % 3].pk)
            for i, n in enumerate(nodes)
        )
        PlanNode.thematics.through.objects.bulk_create(
            PlanNode.thematics.through(
                plannode_id=n.pk, thematic_id=thematics[i % len(thematics)].pk
            )
            for i, n in enumerate(nodes)
        )
        if communes:
            PlanNode.communes.through.objects.bulk_create(
                PlanNode.communes.through(
                    plannode_id=n.pk, commune_id=communes[i % len(communes)].pk
                )
                for i, n in enumerate(nodes)
            )
        statuses = list(UpdateStatus)
        rows = []
        for i, node in enumerate(nodes):
            quarter = first
            for k in range(updates):
                rows.append(
                    ActionUpdate(
                        convention=convention,
                        node=node,
                        year=quarter.year,
                        quarter=quarter.quarter,
                        status=statuses[(i + k) % len(statuses)],
                        progress=min(100, 5 * (k + 1)),
                        done="Réunion du comité technique ; diagnostic partagé avec les communes.",
                        difficulties="Disponibilité des partenaires." if k % 3 == 0 else "",
                        next_steps="Présenter un bilan intermédiaire au COPIL.",
                        author=user,
                    )
                )
                quarter = quarter.next()
        rows = ActionUpdate.objects.bulk_create(rows, batch_size=2000)
        indicators = Indicator.objects.bulk_create(
            Indicator(
                convention=convention,
                node=node,
                name=f"Nombre de familles accompagnées ({node.number})",
                unit="familles",
                baseline_value=Decimal(20),
                baseline_year=years[0],
            )
            for node in nodes[::5]
        )
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(indicator=indicator, year=year, value=Decimal(20 + 5 * k))
            for indicator in indicators
            for k, year in enumerate(years)
        )
        Measurement.objects.bulk_create(
            Measurement(indicator=indicator, year=year, value=Decimal(18 + 4 * k), author=user)
            for indicator in indicators
            for k, year in enumerate(years[:-1])
        )
        add_extras(convention, nodes, rows, user, communes)
    return convention, user


def analyze() -> None:
    """Refresh PostgreSQL's planner statistics, as autovacuum does after a bulk load.

    Without them the planner takes the freshly built tables for empty ones and picks other
    plans than in production, where autovacuum has long analysed the tables.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def page_path(page: str, convention) -> str:
    """Return the path of a page of the bench CTG (the action page: its middle action)."""
    from pilote.plans.models import PlanNode

    actions = PlanNode.objects.filter(convention=convention, level__tracked=True)
    middle = actions.order_by("pk").values_list("pk", flat=True)[actions.count() // 2]
    return PAGES[page].format(slug=convention.slug, action=middle)


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


# ------------------------------------------------------------------------------ server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, *, log: Path | None = None
) -> subprocess.Popen:
    """Start gunicorn on the loopback (its output to log if given) and wait for its answer."""
    output = log.open("wb") if log is not None else None
    process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            os.devnull,
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if output is not None else None,
    )
    if output is not None:
        output.close()  # the child keeps its own descriptor
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _ = get(port, "/connexion/", "")
            if status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 30 s")


def get(
    port: int, path: str, cookie: str, connection=None, headers: dict[str, str] | None = None
) -> tuple[int, int]:
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {**({"Cookie": f"sessionid={cookie}"} if cookie else {}), **(headers or {})}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    if own:
        connection.close()
    return response.status, len(body)


def percentile(sorted_values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of sorted values (share: 0.95 for p95)."""
    return sorted_values[max(0, round(share * len(sorted_values)) - 1)]


def measure(
    port: int,
    path: str,
    cookie: str,
    warmup: int,
    count: int,
    headers: dict[str, str] | None = None,
) -> dict:
    """Request path warmup + count times on one connection; return the count timings' figures."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    timings = []
    size = 0
    for index in range(warmup + count):
        start = time.perf_counter()
        status, size = get(port, path, cookie, connection, headers)
        elapsed = (time.perf_counter() - start) * 1000
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        if index >= warmup:
            timings.append(elapsed)
    connection.close()
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "p99_ms": round(percentile(timings, 0.99), 1),
        "max_ms": round(timings[-1], 1),
        "requests_per_s": round(1000 * len(timings) / sum(timings), 1),
        "bytes": size,
        "requests": count,
    }


# ------------------------------------------------------------------------------ profile


def profile(path: str, user) -> dict:
    """Profile one request in-process: SQL, template rendering and the top functions."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get(path)  # warm caches (templates, URL resolver)
    sql = {"count": 0, "seconds": 0.0}

    def timed(execute, sql_text, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            sql["count"] += 1
            sql["seconds"] += time.perf_counter() - start

    profiler = cProfile.Profile()
    start = time.perf_counter()
    with connection.execute_wrapper(timed):
        profiler.enable()
        response = client.get(path)
        profiler.disable()
    total = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    stats = pstats.Stats(profiler)
    template = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        if name == "render" and filename.endswith("django/template/backends/django.py"):
            template = max(template, cumulative)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    return {
        "total_ms (profiled)": round(total * 1000, 1),
        "sql_queries": sql["count"],
        "sql_ms": round(sql["seconds"] * 1000, 1),
        "template_render_ms (incl. lazy SQL)": round(template * 1000, 1),
        "top": out.getvalue(),
    }


# ------------------------------------------------------------------------------ main


def main() -> None:
    args = parse_args()
    backend = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    if backend == "postgresql":
        ensure_postgres_database(args.database_url)
    env = production_env(args.database_url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    print(f"[{backend}] migrate, territories, static files…", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")

    import django

    django.setup()
    from pilote.territories.models import Departement

    if not Departement.objects.filter(code="04").exists():
        manage(env, "load_territories")
    started = time.perf_counter()
    convention, user = build_ctg(args.actions, args.updates, rebuild=args.rebuild)
    if backend == "postgresql":
        analyze()
    print(
        f"[{backend}] CTG {convention.slug}: {args.actions} actions × {args.updates} updates "
        f"ready in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    cookie = session_cookie(user)
    port = args.port or free_port()
    server = start_gunicorn(env, port, args.workers)
    results: dict = {"backend": backend, "actions": args.actions, "updates": args.updates}
    try:
        for page in args.pages.split(","):
            path = page_path(page, convention)
            results[page] = measure(port, path, cookie, args.warmup, args.requests)
            figures = results[page]
            target = target_p95_ms(args.actions)
            verdict = "OK" if figures["p95_ms"] <= target else "ABOVE TARGET"
            print(
                f"[{backend}] {page:<10} {path:<34} p50 {figures['p50_ms']:>7.1f} ms   "
                f"p95 {figures['p95_ms']:>7.1f} ms   max {figures['max_ms']:>7.1f} ms   "
                f"{figures['bytes'] // 1024} Kio   ({verdict}, target p95 ≤ {target} ms)",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    if not args.no_profile:
        for page in args.pages.split(","):
            path = page_path(page, convention)
            figures = profile(path, user)
            results[page]["profile"] = {k: v for k, v in figures.items() if k != "top"}
            print(f"\n[{backend}] profile of one {page} request (cProfile, in-process):")
            for key, value in figures.items():
                if key != "top":
                    print(f"  {key}: {value}")
            print(figures["top"].split("\n", 6)[-1] if figures["top"] else "")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"pages-{backend}-{args.actions}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
