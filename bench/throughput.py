"""Throughput of the read pages of one CTG: N logged-in clients for S seconds, gunicorn, PostgreSQL.

    .venv/bin/python bench/throughput.py \
        --database-url postgres://postgres@127.0.0.1:5432/pilote_cache --clients 16 --seconds 30

Builds (once) the 500-action CTG of bench/run.py in the database, serves the app with gunicorn in
production mode (--workers, 2 by default), then --clients threads, each with its own keep-alive
connection and the session of the CTG's coordinator, cycle over the CTG's read pages (each client
starting at another page) for --seconds; prints requests per second, p50 / p95 / p99 and the
errors (a status other than 200, or a connection error). The load is bounded: a client sends its
next request only when the previous one has been answered. See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

ROOT = run.ROOT
TARGET_RPS = 150
PAGES = {
    "summary": "/ctg/{slug}/",
    "plan": "/ctg/{slug}/plan/",
    "followup": "/ctg/{slug}/suivi/",
    "dashboard": "/ctg/{slug}/tableau-de-bord/",
    "calendar": "/ctg/{slug}/calendrier/",
    "facilities": "/ctg/{slug}/equipements/",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pilote_cache")
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", default=",".join(PAGES), help=f"among {', '.join(PAGES)}")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the CTG")
    args = parser.parse_args()
    if not 1 <= args.clients <= 64:
        parser.error("--clients must be between 1 and 64")
    if not 1 <= args.seconds <= 600:
        parser.error("--seconds must be between 1 and 600")
    unknown = set(args.pages.split(",")) - PAGES.keys()
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    return args


class Client(threading.Thread):
    """One user: a keep-alive connection cycling over the pages until the deadline."""

    def __init__(self, port: int, cookie: str, paths: list[str], deadline: float) -> None:
        super().__init__(daemon=True)
        self.port, self.cookie, self.paths, self.deadline = port, cookie, paths, deadline
        self.timings: list[float] = []
        self.errors: dict[str, int] = {}

    def run(self) -> None:
        connection = None
        index = 0
        while time.monotonic() < self.deadline:
            path = self.paths[index % len(self.paths)]
            index += 1
            connection = connection or http.client.HTTPConnection("127.0.0.1", self.port, 30)
            start = time.perf_counter()
            try:
                status, _ = run.get(self.port, path, self.cookie, connection)
            except (OSError, http.client.HTTPException) as error:
                self._error(type(error).__name__)
                connection.close()
                connection = None
                continue
            self.timings.append((time.perf_counter() - start) * 1000)
            if status != 200:
                self._error(f"HTTP {status} {path}")
        if connection is not None:
            connection.close()

    def _error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def percentile(timings: list[float], fraction: float) -> float:
    return timings[max(0, round(fraction * len(timings)) - 1)]


def load(port: int, cookie: str, paths: list[str], clients: int, seconds: float) -> dict:
    """Run the clients for the given time and return the throughput and the latencies."""
    deadline = time.monotonic() + seconds
    threads = [
        # Each client starts on another page, so that all pages are requested at any time.
        Client(port, cookie, paths[i % len(paths) :] + paths[: i % len(paths)], deadline)
        for i in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    timings = sorted(t for thread in threads for t in thread.timings)
    errors: dict[str, int] = {}
    for thread in threads:
        for kind, count in thread.errors.items():
            errors[kind] = errors.get(kind, 0) + count
    if not timings:
        return {"requests": 0, "errors": errors}
    return {
        "requests": len(timings),
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(timings) / elapsed, 1),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "p99_ms": round(percentile(timings, 0.99), 1),
        "error_count": sum(errors.values()),
        "errors": errors,
    }


def main() -> None:
    args = parse_args()
    if args.database_url.startswith("postgres"):
        run.ensure_postgres_database(args.database_url)
    env = run.production_env(args.database_url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    print("migrate, cache table, territories, static files…", flush=True)
    run.manage(env, "migrate", "--noinput")
    run.manage(env, "createcachetable")
    run.manage(env, "collectstatic", "--noinput")

    import django

    django.setup()
    from pilote.territories.models import Departement

    if not Departement.objects.filter(code="04").exists():
        run.manage(env, "load_territories")
    convention, user = run.build_ctg(args.actions, args.updates, rebuild=args.rebuild)
    if args.database_url.startswith("postgres"):
        run.analyze()
    cookie = run.session_cookie(user)
    paths = [PAGES[page].format(slug=convention.slug) for page in args.pages.split(",")]
    port = run.free_port()
    server = run.start_gunicorn(env, port, args.workers)
    try:
        for path in paths:  # every page answers before the clock starts
            status, _ = run.get(port, path, cookie)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}")
        results = load(port, cookie, paths, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)
    results.update(clients=args.clients, workers=args.workers, pages=args.pages.split(","))
    verdict = "OK" if results.get("requests_per_second", 0) >= TARGET_RPS else "BELOW TARGET"
    print(
        f"{args.clients} clients × {args.seconds:g} s, {args.workers} workers, "
        f"{len(paths)} pages: {results.get('requests_per_second', 0)} req/s "
        f"({verdict}, target ≥ {TARGET_RPS})   p50 {results.get('p50_ms')} ms   "
        f"p95 {results.get('p95_ms')} ms   p99 {results.get('p99_ms')} ms   "
        f"errors {results.get('error_count', 0)} {results.get('errors') or ''}",
        flush=True,
    )
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "throughput.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
