"""Accuracy of the document importer on the shared seeds and the corpus (see bench/README.md).

    .venv/bin/python bench/import_accuracy.py [--details] [--min 95] [--corpus DIR]

For each seed, the proposed plan is compared with the demo export that transcribes it
(pilote/demo/data/*.json, the ground truth) by pilote.imports.accuracy.compare, whose docstring
states the rules: a numbered element (a node of the ground truth with a number) is recovered
with the same number, the same title (normalized, or difflib ratio ≥ 0.9) and the same parent.
The level names found are compared with the ground truth's level_names (case-insensitive).

The corpus (tests/data/plans, written by tests/data/plans/build_corpus.py; --corpus for another
directory of <name>.<ext> + <name>.gold.json) is scored the same way, per document: recall
(found / expected), precision (found / proposed numbered elements), right parent (found / found
by number and title), levels found. --min applies to the seeds and to the corpus totals.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from pilote.imports.accuracy import compare, corpus_score  # noqa: E402
from pilote.imports.exceptions import DocumentError  # noqa: E402
from pilote.imports.proposal import propose_plan  # noqa: E402

_SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
SEEDS_DIR = Path(
    os.environ.get(
        "PILOTE_SEEDS_DIR",
        _SHARED_SEEDS if _SHARED_SEEDS.exists() else ROOT / "tests" / "data" / "seeds",
    )
)
DEMO_DIR = ROOT / "pilote" / "demo" / "data"
CORPUS_DIR = ROOT / "tests" / "data" / "plans"
SEEDS = [
    ("000_0c289fa766b5db35.txt", "pays-salonais-2025-2028"),
    ("001_66ef9667b532b547.txt", "tarn-agout-2023-2026"),
    ("003_fb72c8bfd925f632.txt", "provence-alpes-agglomeration-2026-2030"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list the elements missed")
    parser.add_argument("--min", type=float, default=0, help="exit 1 below this percentage")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="corpus directory")
    args = parser.parse_args()
    rows, failed = [], False
    for filename, slug in SEEDS:
        path = SEEDS_DIR / filename
        if not path.exists():
            print(f"Seed absente : {path} (PILOTE_SEEDS_DIR)", file=sys.stderr)
            return 2
        truth = json.loads((DEMO_DIR / f"{slug}.json").read_text(encoding="utf-8"))
        data = path.read_bytes()
        started = time.perf_counter()
        proposal = propose_plan(data, filename).to_dict()
        seconds = time.perf_counter() - started
        result = compare(truth, proposal)
        result.update(seed=filename[:3], slug=slug, seconds=seconds)
        rows.append(result)
        share = 100 * result["found"] / result["expected"] if result["expected"] else 100
        result["share"] = share
        failed = failed or share < args.min

    print("Précision de l'import de plans sur les seeds partagées")
    print()
    header = (
        f"{'seed':<5} {'CTG (vérité terrain)':<40} {'attendus':>8} {'retrouvés':>9} "
        f"{'%':>7} {'en trop':>7} {'niveaux':>8} {'temps':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        levels = f"{row['levels_ok']}/{len(row['expected_levels'])}"
        print(
            f"{row['seed']:<5} {row['slug']:<40} {row['expected']:>8} {row['found']:>9} "
            f"{row['share']:>6.1f}% {row['extra']:>7} {levels:>8} {row['seconds']:>7.3f}s"
        )
    print()
    for row in rows:
        print(f"{row['seed']} niveaux attendus : {' › '.join(row['expected_levels'])}")
        print(f"{row['seed']} niveaux trouvés  : {' › '.join(row['found_levels'])}")
    if args.details:
        for row in rows:
            for node, parent, reason in row["misses"]:
                where = f"sous {parent.get('number') or parent['title'][:30]}" if parent else ""
                title = node["title"][:70]
                print(f"{row['seed']} manqué ({reason}) : {node['number']} {title} {where}")
    if args.corpus.exists():
        totals = corpus_report(args.corpus, details=args.details)
        failed = failed or min(totals) * 100 < args.min
    return 1 if failed else 0


def score_corpus(directory: Path) -> list[dict]:
    """Return one result (corpus_score plus name, layout, seconds) per document."""
    rows = []
    for gold_path in sorted(directory.glob("*.gold.json")):
        name = gold_path.name[: -len(".gold.json")]
        documents = [p for p in directory.glob(f"{name}.*") if p != gold_path]
        if not documents:
            continue
        truth = json.loads(gold_path.read_text(encoding="utf-8"))
        started = time.perf_counter()
        try:
            proposal = propose_plan(documents[0].read_bytes(), documents[0].name).to_dict()
        except DocumentError:
            proposal = {"plan": [], "convention": {"level_names": []}}
        result = corpus_score(truth, proposal)
        result.update(
            name=documents[0].name,
            layout=truth.get("layout", ""),
            seconds=time.perf_counter() - started,
        )
        rows.append(result)
    return rows


def corpus_report(directory: Path, *, details: bool = False) -> tuple[float, float]:
    """Print the corpus table; return the overall (recall, precision)."""
    rows = score_corpus(directory)
    print()
    print(f"Corpus {directory.name} : {len(rows)} documents")
    print()
    header = (
        f"{'document':<42} {'éléments':>8} {'rappel':>7} {'précision':>9} {'parent':>7} "
        f"{'niveaux':>8} {'temps':>7}  disposition"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        levels = f"{row['levels_ok']}/{len(row['expected_levels'])}"
        print(
            f"{row['name'][:42]:<42} {row['expected']:>8} {row['recall']:>7.2f} "
            f"{row['precision']:>9.2f} {row['right_parent']:>7.2f} {levels:>8} "
            f"{row['seconds']:>6.3f}s  {row['layout']}"
        )
    expected = sum(row["expected"] for row in rows)
    found = sum(row["found"] for row in rows)
    proposed = sum(row["proposed"] for row in rows)
    recall = found / expected if expected else 1.0
    precision = found / proposed if proposed else 0.0
    print("-" * len(header))
    print(f"{'total':<42} {expected:>8} {recall:>7.2f} {precision:>9.2f}")
    if details:
        for row in rows:
            for node, parent, reason in row["misses"]:
                where = f"sous {parent.get('number') or parent['title'][:30]}" if parent else ""
                print(
                    f"{row['name'][:20]} manqué ({reason}) : {node['number']} "
                    f"{node['title'][:60]} {where}"
                )
    return recall, precision


if __name__ == "__main__":
    sys.exit(main())
