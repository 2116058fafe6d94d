"""What a hostile upload costs the server: time and memory of each reader refusing it (issue 13).

    .venv/bin/python bench/hostile_uploads.py [--case NAME]

Each file of tests/hostile_files.py is given to the reader the import pages use: a 224 KB DOCX
of empty paragraphs expanding to 150 MB, another just under the size limit (95 MB), a DOCX whose
part lies about its size, a zip of 5 000 members, a 1.5 KB XLSX with a cell in XFD1048576, XLSX
bombs, an ODS repeating a cell over a million rows, a JSON nested 100 000 levels deep. Each one
runs in a fresh process so that its peak memory is its own:

- time: wall-clock time of the reading, until the French refusal, and its CPU time (what the
  verdict reads: wall-clock time grows with the machine's load, not with the file);
- Python peak: tracemalloc's peak of Python allocations during a second reading;
- RSS growth: peak resident memory of the process minus before the reading (what C and Rust
  libraries, lxml and python-calamine, allocate is there and not in tracemalloc).

Target: every hostile file refused in under 1 s and 200 MB. No database is needed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.0
TARGET_MEGABYTES = 200
# case → (generator in tests/hostile_files.py, file name, reader)
CASES = {
    "docx-bomb": ("docx_bomb", "plan.docx", "document"),
    "docx-bomb-under-limit": ("docx_bomb_under_limit", "plan.docx", "document"),
    "docx-empty-paragraphs": ("docx_empty_paragraphs", "plan.docx", "document"),
    "docx-lying-size": ("docx_lying", "plan.docx", "document"),
    "zip-5000-members": ("zip_of_many_members", "plan.docx", "document"),
    "xlsx-far-cell": ("xlsx_far_cell", "registre.xlsx", "table"),
    "xlsx-bomb": ("xlsx_bomb", "registre.xlsx", "table"),
    "xlsx-bomb-under-limit": ("xlsx_bomb_under_limit", "registre.xlsx", "table"),
    "ods-repeated-cells": ("ods_repeated", "registre.ods", "table"),
    "json-nested": ("nested_json", "ctg.json", "json"),
}


def _rss_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _refusal(read) -> str:
    """Return the French message of the reader's refusal."""
    try:
        read()
    except Exception as error:  # every reader raises its own French error
        return getattr(error, "message", None) or str(error)
    return "ACCEPTÉ (aucun refus)"


def run_case(name: str) -> dict:
    """Read one hostile file in this process and return what it cost."""
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from pilote.core.tabular import read_table
    from pilote.exchange.services import loads
    from pilote.imports.extract import read_document
    from tests import hostile_files

    generator, filename, reader = CASES[name]
    data = getattr(hostile_files, generator)()
    read = {
        "document": lambda: read_document(data, filename),
        "table": lambda: read_table(data, filename),
        "json": lambda: loads(data),
    }[reader]
    before = _rss_megabytes()
    started, cpu = time.perf_counter(), time.process_time()
    message = _refusal(read)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss = _rss_megabytes() - before
    # Again under tracemalloc, which slows Python down tenfold: its peak, not its time.
    tracemalloc.start()
    _refusal(read)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "case": name,
        "size_kb": len(data) / 1024,
        "seconds": seconds,
        "cpu": cpu,
        "python_mb": peak / 1024 / 1024,
        "rss_mb": rss,
        "message": message,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=sorted(CASES), help="one case, in this process")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)))
        return 0
    failures = 0
    print(f"{'cas':24} {'fichier':>9} {'temps':>8} {'CPU':>8} {'Python':>9} {'RSS +':>9}  refus")
    for name in CASES:
        output = subprocess.run(  # noqa: S603 (this very script)
            [sys.executable, __file__, "--case", name],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        if output.returncode != 0:
            failures += 1
            print(f"{name:24} le processus a échoué ({output.returncode}) : {output.stderr[-300:]}")
            continue
        result = json.loads(output.stdout.strip().splitlines()[-1])
        over = (
            result["cpu"] > TARGET_SECONDS
            or max(result["python_mb"], result["rss_mb"]) > TARGET_MEGABYTES
        )
        refused = not result["message"].startswith("ACCEPTÉ")
        failures += over or not refused
        print(
            f"{name:24} {result['size_kb']:7.0f}Ko {result['seconds']:7.3f}s {result['cpu']:7.3f}s "
            f"{result['python_mb']:7.1f}Mo {result['rss_mb']:7.1f}Mo  {result['message'][:70]}"
        )
    verdict = "OK" if not failures else f"{failures} cas hors cible"
    print(f"\ncible : refus en moins de {TARGET_SECONDS:g} s et {TARGET_MEGABYTES} Mo — {verdict}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
