"""Time to generate the bilan of the largest demo CTG, in each format (target: under 3 s each).

    .venv/bin/python bench/bilan.py [--repeat 3] [--slug SLUG] [--database-url URL]

Prepares a scratch database (SQLite /tmp/pilote_bench_bilan.sqlite3 unless --database-url):
migrate, territories, the demo CTGs and their follow-up. Then, for the CTG with the most plan
elements (or --slug), three measures per format:

- cold: the first document of that format in a fresh process (Python imports of the writer and
  its library included: what the first user after a server restart waits);
- warm: the median of --repeat more, in the same process (content built each time from the
  database, as a draft bilan is);
- command: wall-clock time of `manage.py bilan … -o FILE` in a new process, Django start-up
  included.

The verdict is on the worst of cold and warm (the command adds Django's start-up, printed apart).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 3.0
FORMATS = ("pdf", "docx", "odt", "pptx")


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from pilote.conventions.models import Convention
    from pilote.territories.models import Commune

    call_command("migrate", verbosity=0)
    if not Commune.objects.exists():
        call_command("load_territories", verbosity=0)
    if Convention.objects.count() < 3:
        call_command("load_demo", verbosity=0)
    call_command("generate_demo_activity", verbosity=0)


def _largest_slug() -> str:
    from django.db.models import Count

    from pilote.conventions.models import Convention

    return (
        Convention.objects.annotate(size=Count("plan_nodes"))
        .order_by("-size", "slug")
        .values_list("slug", flat=True)
        .first()
    )


def _render_once(slug: str, fmt: str) -> tuple[float, int]:
    from pilote.conventions.models import Convention
    from pilote.governance.bilans.services import review_content
    from pilote.governance.enums import ReviewKind
    from pilote.governance.models import Review
    from pilote.reports.bilans.documents import render_bilan

    start = time.perf_counter()
    convention = Convention.objects.select_related("departement", "epci").get(slug=slug)
    review = Review(convention=convention, kind=ReviewKind.ANNUAL, year=convention.years[0])
    data = render_bilan(review_content(review), fmt)
    return time.perf_counter() - start, len(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--slug", default="")
    parser.add_argument("--database-url", default="sqlite:////tmp/pilote_bench_bilan.sqlite3")
    args = parser.parse_args()
    _setup(args.database_url)
    slug = args.slug or _largest_slug()
    from pilote.conventions.models import Convention

    convention = Convention.objects.get(slug=slug)
    print(
        f"CTG {slug} : {convention.plan_nodes.count()} éléments du plan, "
        f"{convention.facilities.count()} équipements, bilan annuel {convention.years[0]}"
    )
    print(f"{'format':<6} {'froid':>8} {'chaud':>8} {'commande':>9} {'taille':>10}")
    worst = 0.0
    for fmt in FORMATS:
        cold, size = _render_once(slug, fmt)
        warm = statistics.median(_render_once(slug, fmt)[0] for _ in range(args.repeat))
        with tempfile.TemporaryDirectory() as directory:
            output = Path(directory) / f"bilan.{fmt}"
            start = time.perf_counter()
            subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
                [
                    sys.executable,
                    str(ROOT / "manage.py"),
                    "bilan",
                    slug,
                    "--type",
                    "annuel",
                    "--year",
                    str(convention.years[0]),
                    "--format",
                    fmt,
                    "-o",
                    str(output),
                ],
                check=True,
                capture_output=True,
                env=os.environ,
            )
            command = time.perf_counter() - start
        worst = max(worst, cold, warm)
        print(f"{fmt:<6} {cold:>7.2f}s {warm:>7.2f}s {command:>8.2f}s {size / 1024:>8.0f} Ko")
    verdict = "atteint" if worst < TARGET_SECONDS else "MANQUÉ"
    print(f"Objectif < {TARGET_SECONDS:.0f} s par format (pire de froid et chaud) : {verdict}")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
