"""Chromium time and HTML weight of the plan page and the follow-up table of the bench CTG.

    .venv/bin/python bench/browser_pages.py --database-url postgres://postgres@127.0.0.1:5432/pilote_render
    .venv/bin/python bench/browser_pages.py --actions 2000 \
        --database-url postgres://postgres@127.0.0.1:5432/pilote_render_2000

Serves the bench CTG of bench/run.py (built there) with gunicorn in production mode, weighs each
page's HTML as sent with and without gzip, notes its server time (p50 of 5 requests), then loads
it in the system's Chromium --loads times (bench/national_load.browser_loads: navigation start →
the tree or the table painted). Issue 16: usable in ≤ 400 ms. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from national_load import browser_loads
from run import (
    ROOT,
    build_ctg,
    free_port,
    get,
    manage,
    measure,
    page_path,
    production_env,
    session_cookie,
    start_gunicorn,
)

# The element whose painting makes each page usable.
SELECTORS = {"plan": "#enfants-racine", "followup": "table"}
TARGET_MS = 400


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database bench/run.py built")
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", default=",".join(SELECTORS))
    args = parser.parse_args()
    if not 1 <= args.loads <= 100:
        parser.error("--loads must be between 1 and 100")
    if set(args.pages.split(",")) - SELECTORS.keys():
        parser.error(f"pages among {', '.join(SELECTORS)}")
    return args


def main() -> None:
    args = parse_args()
    env = production_env(args.database_url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    manage(env, "collectstatic", "--noinput")
    import django

    django.setup()
    convention, user = build_ctg(args.actions, args.updates, rebuild=False)
    cookie = session_cookie(user)
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    results: dict = {"actions": args.actions}
    try:
        for page in args.pages.split(","):
            path = page_path(page, convention)
            _, plain = get(port, path, cookie)
            _, gzipped = get(port, path, cookie, headers={"Accept-Encoding": "gzip"})
            server_ms = measure(port, path, cookie, 1, 5, {"Accept-Encoding": "gzip"})["p50_ms"]
            figures = browser_loads(port, path, SELECTORS[page], cookie, args.loads)
            figures.update(html_bytes=plain, gzip_bytes=gzipped, server_p50_ms=server_ms)
            results[page] = figures
            verdict = "OK" if figures["p50_ms"] <= TARGET_MS else "ABOVE TARGET"
            print(
                f"{page:<9} {args.actions} actions  HTML {plain // 1024} Kio "
                f"(gzip {gzipped // 1024} Kio)  server p50 {server_ms} ms  "
                f"Chromium p50 {figures['p50_ms']} ms  "
                f"p95 {figures['p95_ms']} ms  DOMContentLoaded p50 "
                f"{figures['dom_ready_p50_ms']} ms  ({verdict}, ≤ {TARGET_MS} ms)",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"browser-{args.actions}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
