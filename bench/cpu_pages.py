"""CPU time per page of the bench CTG, in-process: less swayed than wall time by a loaded machine.

    .venv/bin/python bench/cpu_pages.py --database-url postgres://postgres@127.0.0.1:5432/pilote_bench

Reads the CTG that bench/run.py built (run it first), requests each page through Django's test
client and prints the median process time (Django and the database client, not the server) of
--requests requests. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import run

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/pilote_bench.sqlite3")
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--pages", default=",".join(run.PAGES))
    args = parser.parse_args()
    os.environ.update(run.production_env(args.database_url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from pilote.accounts.models import User
    from pilote.conventions.models import Convention

    user = User.objects.get(username=run.USERNAME)
    convention = Convention.objects.get(slug=run.SLUG)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for page in args.pages.split(","):
        path = run.page_path(page, convention)
        client.get(path)  # warm the template and URL caches
        times = []
        for _ in range(args.requests):
            start = time.process_time()
            response = client.get(path)
            times.append((time.process_time() - start) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
        print(f"{page:<10} {path:<34} CPU {statistics.median(times):>7.1f} ms", flush=True)


if __name__ == "__main__":
    main()
