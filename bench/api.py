"""Benchmark of the REST API's list endpoints, served by gunicorn.

    .venv/bin/python bench/api.py                       # the demo, SQLite (scratch file in /tmp)
    .venv/bin/python bench/api.py --database-url postgres://postgres@127.0.0.1:5432/pilote_bench_api
    .venv/bin/python bench/api.py --national --database-url postgres://…/pilote_apiperf

Without --national: loads the demo (three CTGs, their users, follow-up and governance) into a
scratch database and measures as the demo's Caf adviser (three CTGs) and as the coordinator of
one CTG. With --national: reads a copy of the national data set (generate_national_dataset) as
it is (no migrate, no demo; a token is written for each measured user) and measures as the Caf
adviser of the département with most CTGs and as the coordinator of the CTG with most plan
elements. Serves the app with gunicorn in production mode (DEBUG=0) on the loopback and requests
each list endpoint (first page, 50 rows) --warmup + --requests times, sequentially on one
persistent connection; prints p50, p95 and p99 against the budget (p95 ≤ 50 ms). --profile
then profiles one request of each list in-process (SQL count and time, top functions).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (
    ROOT,
    ensure_postgres_database,
    free_port,
    manage,
    production_env,
    start_gunicorn,
)

# (who, username) of the demo: its Caf adviser (three CTGs) and one CTG's coordinator.
DEMO_USERS = [("caf", "conseiller.caf"), ("coordination", "cooperation.paa")]
ENDPOINTS = [
    "conventions",
    "plan-nodes",
    "follow-up-points",
    "indicators",
    "measurements",
    "facilities",
    "territory-figures",
    "meetings",
    "decisions",
]
FILTERED = ["plan-nodes?status=en_cours", "plan-nodes?tracked=true&page_size=200"]
BUDGET_P95_MS = 50
TOKEN_NAME = "Mesure"  # noqa: S105 - the name shown in « Mon compte », not a secret


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/pilote_bench_api.sqlite3")
    parser.add_argument(
        "--national",
        action="store_true",
        help="the database holds the national data set: measure it as it is",
    )
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--endpoints", help="comma-separated subset of the lists")
    parser.add_argument("--profile", action="store_true", help="then profile each list once")
    return parser.parse_args()


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, round(share * len(sorted_values)) - 1)]


def measure(port: int, path: str, token: str, warmup: int, count: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    timings, size, rows, total = [], 0, 0, None
    for index in range(warmup + count):
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}: {body[:200]!r}")
        if index >= warmup:
            timings.append(elapsed)
        page = json.loads(body)
        size, rows, total = len(body), len(page["results"]), page.get("count")
    connection.close()
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "p99_ms": round(percentile(timings, 0.99), 1),
        "rows": rows,
        "count": total,
        "bytes": size,
        "requests": count,
    }


def prepare(env: dict[str, str]) -> None:
    """Migrate and load the demo if needed."""
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    import django

    django.setup()
    from pilote.accounts.models import User
    from pilote.territories.models import Departement

    if not Departement.objects.filter(code="04").exists():
        manage(env, "load_territories")
    if not User.objects.filter(username=DEMO_USERS[0][1]).exists():
        manage(env, "load_demo", "--force")
        manage(env, "generate_demo_activity", "--force")


def national_users() -> list[tuple[str, str]]:
    """Return the national data set's busiest Caf adviser and busiest CTG coordinator."""
    from django.db.models import Count

    from pilote.accounts.enums import Role
    from pilote.accounts.models import Membership
    from pilote.conventions.models import Convention

    busiest_dep = (
        Convention.objects.values("departement_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "departement_id")
        .first()["departement_id"]
    )
    adviser = (
        Membership.objects.filter(role=Role.CAF_ADVISER, departement_id=busiest_dep)
        .order_by("user__username")
        .values_list("user__username", flat=True)
        .first()
    )
    busiest_ctg = Convention.objects.annotate(n=Count("plan_nodes")).order_by("-n", "pk").first()
    coordinator = (
        Membership.objects.filter(role=Role.COORDINATOR, convention=busiest_ctg)
        .order_by("user__username")
        .values_list("user__username", flat=True)
        .first()
    )
    return [("caf", adviser), ("coordination", coordinator)]


def new_token(username: str) -> str:
    """Return a fresh token of the user, revoking those of earlier runs (10 at most per user)."""
    from pilote.accounts.api_tokens import create_token, revoke_token
    from pilote.accounts.models import ApiToken, User

    user = User.objects.get(username=username)
    for token in ApiToken.objects.usable().filter(user=user, name=TOKEN_NAME):
        revoke_token(user, token.pk)
    _, raw = create_token(user, name=TOKEN_NAME, days=30)
    return raw


def profile(path: str, token: str) -> dict:
    """Profile one request in-process: SQL count and time, and the top functions."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get(path)  # warm caches (URL resolver, schema of serializers)
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
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(8)
    return {
        "total_ms (profiled)": round(total * 1000, 1),
        "sql_queries": sql["count"],
        "sql_ms": round(sql["seconds"] * 1000, 1),
        "top": out.getvalue(),
    }


def paths(selected: str | None) -> list[tuple[str, str]]:
    chosen = selected.split(",") if selected else ENDPOINTS + FILTERED
    result = []
    for endpoint in chosen:
        name, _, query = endpoint.partition("?")
        result.append((endpoint, f"/api/v1/{name}/" + (f"?{query}" if query else "")))
    return result


def main() -> None:
    args = parse_args()
    backend = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    label = f"{backend}{'-national' if args.national else ''}"
    env = production_env(args.database_url)
    # The measure sends more requests in a minute than a token may (settings.API_RATE_PER_TOKEN).
    env["API_RATE_PER_TOKEN"] = "100000/minute"  # noqa: S105 - a rate, not a secret
    os.environ.update(env)
    if args.national:
        import django

        django.setup()
        manage(env, "collectstatic", "--noinput")
        manage(env, "createcachetable")  # the throttle's counters (database cache)
        users = national_users()
    else:
        if backend == "postgresql":
            ensure_postgres_database(args.database_url)
        print(f"[{backend}] migrate, territories, demo…", flush=True)
        prepare(env)
        users = DEMO_USERS
    tokens = {who: (username, new_token(username)) for who, username in users}
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    results: dict = {"backend": label, "budget_p95_ms": BUDGET_P95_MS}
    try:
        for who, (username, token) in tokens.items():
            print(f"[{label}] {who}: {username}", flush=True)
            for endpoint, path in paths(args.endpoints):
                figures = measure(port, path, token, args.warmup, args.requests)
                results[f"{who} {endpoint}"] = figures
                verdict = "OK" if figures["p95_ms"] <= BUDGET_P95_MS else "ABOVE BUDGET"
                print(
                    f"[{label}] {who:<12} {path:<40} p50 {figures['p50_ms']:>6.1f} ms  "
                    f"p95 {figures['p95_ms']:>6.1f} ms  p99 {figures['p99_ms']:>6.1f} ms  "
                    f"{figures['rows']:>3}/{figures['count']} rows "
                    f"{figures['bytes'] // 1024:>4} Kio  ({verdict})",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=10)
    if args.profile:
        for who, (_username, token) in tokens.items():
            for endpoint, path in paths(args.endpoints):
                figures = profile(path, token)
                results[f"{who} {endpoint}"]["profile"] = figures
                print(
                    f"\n=== {who} {path}: {figures['total_ms (profiled)']} ms, "
                    f"{figures['sql_queries']} queries, {figures['sql_ms']} ms SQL"
                )
                print(figures["top"])
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"api-{label}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
