"""Benchmark of the REST API's list endpoints on the demo, served by gunicorn.

    .venv/bin/python bench/api.py                       # SQLite (scratch file under /tmp)
    .venv/bin/python bench/api.py --database-url postgres://postgres@127.0.0.1:5432/pilote_bench_api

Loads the demo (three CTGs, their users, follow-up and governance) into a scratch database,
serves the app with gunicorn in production mode (DEBUG=0) on the loopback, creates a personal
token for the Caf adviser who sees the three CTGs, and requests each list endpoint (first page,
50 rows) --warmup + --requests times, sequentially on one persistent connection; prints p50, p95
and p99 against the budget (p95 ≤ 50 ms). See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
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

USERNAME = "conseiller.caf"  # the demo's Caf adviser: the three CTGs
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


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/pilote_bench_api.sqlite3")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args()


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, round(share * len(sorted_values)) - 1)]


def measure(port: int, path: str, token: str, warmup: int, count: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    timings, size, rows = [], 0, 0
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
        size, rows = len(body), len(json.loads(body)["results"])
    connection.close()
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "p99_ms": round(percentile(timings, 0.99), 1),
        "rows": rows,
        "bytes": size,
        "requests": count,
    }


def prepare(env: dict[str, str]) -> str:
    """Load the demo if needed and return a fresh token of the Caf adviser."""
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    import django

    django.setup()
    from pilote.accounts.api_tokens import create_token
    from pilote.accounts.models import User
    from pilote.territories.models import Departement

    if not Departement.objects.filter(code="04").exists():
        manage(env, "load_territories")
    if not User.objects.filter(username=USERNAME).exists():
        manage(env, "load_demo", "--force")
        manage(env, "generate_demo_activity", "--force")
    _, raw = create_token(User.objects.get(username=USERNAME), name="Mesure", days=30)
    return raw


def main() -> None:
    args = parse_args()
    backend = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    if backend == "postgresql":
        ensure_postgres_database(args.database_url)
    env = production_env(args.database_url)
    # The measure sends more requests in a minute than a token may (settings.API_RATE_PER_TOKEN).
    env["API_RATE_PER_TOKEN"] = "100000/minute"  # noqa: S105 - a rate, not a secret
    os.environ.update(env)
    print(f"[{backend}] migrate, territories, demo…", flush=True)
    token = prepare(env)
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    results: dict = {"backend": backend, "budget_p95_ms": BUDGET_P95_MS}
    try:
        for endpoint in ENDPOINTS + FILTERED:
            name, _, query = endpoint.partition("?")
            path = f"/api/v1/{name}/" + (f"?{query}" if query else "")
            figures = measure(port, path, token, args.warmup, args.requests)
            results[endpoint] = figures
            verdict = "OK" if figures["p95_ms"] <= BUDGET_P95_MS else "ABOVE BUDGET"
            print(
                f"[{backend}] {path:<42} p50 {figures['p50_ms']:>6.1f} ms  "
                f"p95 {figures['p95_ms']:>6.1f} ms  p99 {figures['p99_ms']:>6.1f} ms  "
                f"{figures['rows']:>3} rows {figures['bytes'] // 1024:>4} Kio  ({verdict})",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"api-{backend}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
