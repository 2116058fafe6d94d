"""Benchmark of issue 16's budgets on the national data set, served by gunicorn (2 workers).

    .venv/bin/python bench/national.py                      # every section
    .venv/bin/python bench/national.py --only ctg,lists --requests 30

Reads the national data set (manage.py generate_national_dataset) in PostgreSQL, adds two bench
CTGs to it with bench/run.py's builder (ctg-bench-500 and ctg-bench-2000), serves the app with
gunicorn in production mode on the loopback and measures, with a bounded local client:

- ctg: every page of one CTG, for the two bench CTGs and a typical national CTG;
- lists: a Caf adviser's CTG list and département view (the adviser of the largest Caf);
- national: what a national (superuser) account reads over the 1,255 CTGs;
- api: the list endpoints of /api/v1/ with a Caf adviser's token and a coopération token;
- throughput: 16 clients on the read pages of the 500-action CTG for 20 s;
- browser: Chromium, navigation start to the plan tree or the follow-up table visible.

Prints p50 / p95 / p99 against the budgets and writes bench/results/national-<label>.json.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from national_load import browser_loads, throughput
from run import (
    ROOT,
    analyze,
    build_ctg,
    free_port,
    manage,
    measure,
    production_env,
    session_cookie,
    start_gunicorn,
)

SECTIONS = ("ctg", "lists", "national", "api", "throughput", "browser")
BENCH_SIZES = (500, 2000)  # actions of the bench CTGs, ctg-bench-<size>
UPDATES = 20  # quarterly updates per action in the bench CTGs
NATIONAL_USERNAME = "bench.national"  # a superuser: what a national account reads
CTG_PAGES = {
    "summary": "/ctg/{slug}/",
    "plan": "/ctg/{slug}/plan/",
    "followup": "/ctg/{slug}/suivi/",
    "dashboard": "/ctg/{slug}/tableau-de-bord/",
    "calendar": "/ctg/{slug}/calendrier/",
    "action": "/ctg/{slug}/plan/{action}/",
    "facilities": "/ctg/{slug}/equipements/",
    "governance": "/ctg/{slug}/gouvernance/",
    "history": "/ctg/{slug}/historique/",
}
# The read pages the throughput clients cycle through.
READ_PAGES = ("summary", "plan", "followup", "dashboard", "calendar", "action")
API_ENDPOINTS = (
    "conventions",
    "plan-nodes",
    "follow-up-points",
    "indicators",
    "measurements",
    "facilities",
    "territory-figures",
    "meetings",
    "decisions",
    "plan-nodes?tracked=true&page_size=200",
)
BUDGETS_MS = {
    "ctg-500": 100,
    "ctg-2000": 250,
    "ctg-typical": 100,
    "lists": 150,
    "national": 1000,
    "api": 50,
    "browser": 400,
}
THROUGHPUT_TARGET = 150  # requests per second


@dataclass
class Target:
    """A CTG measured page by page, read by one of its coordinators."""

    key: str  # "500", "2000", "typical"
    slug: str
    action: int  # pk of a tracked element, for the action page
    cookie: str
    actions: int

    def paths(self) -> dict[str, str]:
        return {
            page: pattern.format(slug=self.slug, action=self.action)
            for page, pattern in CTG_PAGES.items()
        }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/pilote_national"
    )
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"among {', '.join(SECTIONS)}")
    parser.add_argument("--requests", type=int, default=50, help="per page (after the warm-up)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16, help="throughput clients")
    parser.add_argument("--duration", type=float, default=20.0, help="throughput seconds")
    parser.add_argument(
        "--throughput-actions",
        type=int,
        default=1,
        help="how many actions' pages the throughput clients read (1: always the same one)",
    )
    parser.add_argument("--loads", type=int, default=10, help="browser loads per page")
    parser.add_argument("--label", default="postgresql", help="the name of the JSON results")
    args = parser.parse_args()
    unknown = set(args.only.split(",")) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    if not 1 <= args.requests <= 1000:
        parser.error("--requests must be between 1 and 1000")
    if not 1 <= args.clients <= 64 or not 1 <= args.duration <= 300:
        parser.error("--clients must be within 1-64 and --duration within 1-300 s")
    return args


# ------------------------------------------------------------------------------ data


def prepare(env: dict[str, str]) -> dict:
    """Migrate, add the bench CTGs and return the accounts and CTGs the sections read."""
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")  # the database cache of production (API throttling)
    manage(env, "collectstatic", "--noinput")
    import django

    django.setup()
    from pilote.conventions.models import Convention

    if Convention.objects.count() < 1000:
        raise SystemExit(
            "The national data set is missing: manage.py generate_national_dataset --seed 2026"
        )
    targets = []
    for size in BENCH_SIZES:
        started = time.perf_counter()
        convention, user = build_ctg(
            size,
            UPDATES,
            rebuild=False,
            slug=f"ctg-bench-{size}",
            username=f"bench.cooperation.{size}",
        )
        print(f"CTG {convention.slug} ready in {time.perf_counter() - started:.1f} s", flush=True)
        targets.append(_target(str(size), convention, user))
    analyze()
    targets.append(_typical_target())
    return {"targets": targets, **_accounts()}


def _target(key: str, convention, user) -> Target:
    from pilote.plans.models import PlanNode

    tracked = PlanNode.objects.filter(convention=convention, level__tracked=True).order_by("pk")
    count = tracked.count()
    middle = tracked[count // 2]  # an action in the middle of the plan
    return Target(key, convention.slug, middle.pk, session_cookie(user), count)


def _typical_target() -> Target:
    """Return the national CTG of median size (tracked actions), read by its coordinator."""
    from django.db.models import Count, Q

    from pilote.accounts.enums import Role
    from pilote.conventions.models import Convention

    conventions = list(
        Convention.objects.exclude(slug__startswith="ctg-bench")
        .filter(memberships__role=Role.COORDINATOR)
        .annotate(actions=Count("plan_nodes", filter=Q(plan_nodes__level__tracked=True)))
        .order_by("actions", "slug")
    )
    typical = conventions[len(conventions) // 2]
    coordinator = typical.memberships.filter(role=Role.COORDINATOR).first().user
    return _target("typical", typical, coordinator)


def _accounts() -> dict:
    """Return the Caf adviser of the largest Caf, a national account and the API tokens."""
    from django.db.models import Count

    from pilote.accounts.api_tokens import create_token, revoke_token
    from pilote.accounts.enums import Role
    from pilote.accounts.models import ApiToken, Membership, User
    from pilote.conventions.models import Convention

    largest = (
        Convention.objects.values("departement_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "departement_id")
        .first()["departement_id"]
    )
    adviser = (
        Membership.objects.filter(role=Role.CAF_ADVISER, departement_id=largest)
        .select_related("user")
        .order_by("user__username")
        .first()
        .user
    )
    national, _ = User.objects.get_or_create(
        username=NATIONAL_USERNAME,
        defaults={"first_name": "Mesure", "last_name": "nationale", "is_superuser": True},
    )
    coordinator = User.objects.get(username="bench.cooperation.500")
    for user in (adviser, coordinator):  # the earlier runs' tokens, within the 10 allowed
        for token in ApiToken.objects.usable().filter(user=user, name="Mesure"):
            revoke_token(user, token.pk)
    return {
        "last_page": -(-Convention.objects.count() // 25),  # conventions.views.PAGE_SIZE
        "departement": largest,
        "adviser": adviser.username,
        "adviser_cookie": session_cookie(adviser),
        "national_cookie": session_cookie(national),
        "tokens": {
            f"caf ({adviser.username})": create_token(adviser, name="Mesure", days=30)[1],
            f"coopération ({coordinator.username})": create_token(
                coordinator, name="Mesure", days=30
            )[1],
        },
    }


# ------------------------------------------------------------------------------ sections


def report(results: dict, name: str, path: str, figures: dict, budget: float) -> None:
    """Print one measured line against its budget (p95) and keep it in the results."""
    verdict = "OK" if figures["p95_ms"] <= budget else "ABOVE BUDGET"
    print(
        f"{name:<34} p50 {figures['p50_ms']:>7.1f}  p95 {figures['p95_ms']:>7.1f}  "
        f"p99 {figures['p99_ms']:>7.1f} ms  {figures['requests_per_s']:>6.1f} req/s  "
        f"{figures['bytes'] // 1024:>5} Kio  {verdict} (p95 ≤ {budget} ms)  {path}",
        flush=True,
    )
    results[name] = {"path": path, "budget_p95_ms": budget, **figures}


def section_ctg(port: int, data: dict, args, results: dict) -> None:
    for target in data["targets"]:
        budget = BUDGETS_MS[f"ctg-{target.key}"]
        print(f"-- CTG {target.slug} ({target.actions} actions)", flush=True)
        for page, path in target.paths().items():
            figures = measure(port, path, target.cookie, args.warmup, args.requests)
            report(results, f"ctg-{target.key} {page}", path, figures, budget)


def section_lists(port: int, data: dict, args, results: dict) -> None:
    cookie, budget = data["adviser_cookie"], BUDGETS_MS["lists"]
    print(f"-- Caf adviser {data['adviser']} (département {data['departement']})", flush=True)
    for name, path in (
        ("adviser CTG list", "/ctg/"),
        ("adviser CTG list, page 2", "/ctg/?page=2"),
        ("adviser département view", f"/departements/{data['departement']}/"),
    ):
        report(results, name, path, measure(port, path, cookie, args.warmup, args.requests), budget)


def section_national(port: int, data: dict, args, results: dict) -> None:
    cookie, budget = data["national_cookie"], BUDGETS_MS["national"]
    count = min(args.requests, 10)  # pages of about a second: fewer requests keep it short
    print("-- national account (superuser, every CTG)", flush=True)
    for name, path in (
        ("national view (every département)", "/vue-nationale/"),
        ("national CTG list", "/ctg/"),
        ("national CTG list, last page", f"/ctg/?page={data['last_page']}"),
        ("national département view", f"/departements/{data['departement']}/"),
    ):
        report(results, name, path, measure(port, path, cookie, 1, count), budget)


def section_api(port: int, data: dict, args, results: dict) -> None:
    budget = BUDGETS_MS["api"]
    for who, token in data["tokens"].items():
        print(f"-- API, token of the {who}", flush=True)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        for endpoint in API_ENDPOINTS:
            name, _, query = endpoint.partition("?")
            path = f"/api/v1/{name}/" + (f"?{query}" if query else "")
            figures = measure(port, path, "", args.warmup, args.requests, headers)
            report(results, f"api {who.split()[0]} {endpoint}", path, figures, budget)


def section_throughput(port: int, data: dict, args, results: dict) -> None:
    target = data["targets"][0]
    paths = [target.paths()[page] for page in READ_PAGES]
    actions = _spread_actions(target, args.throughput_actions)
    if len(actions) > 1:
        # The pages in turn, the action page each time another action's: the first reading
        # of each action (its page not yet cached) is in the measure.
        others = [path for page, path in zip(READ_PAGES, paths, strict=True) if page != "action"]
        pattern = CTG_PAGES["action"]
        paths = [
            path
            for action in actions
            for path in (*others, pattern.format(slug=target.slug, action=action))
        ]
    print(
        f"-- throughput: {args.clients} clients, {args.duration:.0f} s, "
        f"{', '.join(READ_PAGES)} of {target.slug}"
        + (f" ({len(actions)} different actions)" if len(actions) > 1 else ""),
        flush=True,
    )
    figures = throughput(port, paths, target.cookie, args.clients, args.duration)
    verdict = "OK" if figures["requests_per_s"] >= THROUGHPUT_TARGET else "BELOW TARGET"
    print(
        f"{'throughput':<34} {figures['requests_per_s']:>6.1f} req/s  p50 "
        f"{figures['p50_ms']:>7.1f}  p95 {figures['p95_ms']:>7.1f}  p99 {figures['p99_ms']:>7.1f} "
        f"ms  {figures['requests']} requests, {figures['errors']} errors  {verdict} "
        f"(≥ {THROUGHPUT_TARGET} req/s)",
        flush=True,
    )
    results["throughput"] = {"pages": paths[:12], "actions": len(actions), **figures}


def _spread_actions(target: Target, wanted: int) -> list[int]:
    """Return up to `wanted` tracked actions of the target, spread over its plan."""
    if wanted <= 1:
        return [target.action]
    from pilote.plans.models import PlanNode

    pks = list(
        PlanNode.objects.filter(convention__slug=target.slug, level__tracked=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    step = max(1, len(pks) // wanted)
    return pks[::step][:wanted]


def section_browser(port: int, data: dict, args, results: dict) -> None:
    budget = BUDGETS_MS["browser"]
    for target in data["targets"]:
        print(f"-- Chromium, CTG {target.slug}", flush=True)
        for page, selector in (("plan", ".plan-tree"), ("followup", "table")):
            path = target.paths()[page]
            figures = browser_loads(port, path, selector, target.cookie, args.loads)
            verdict = "OK" if figures["p95_ms"] <= budget else "ABOVE BUDGET"
            print(
                f"{'browser ' + target.key + ' ' + page:<34} p50 {figures['p50_ms']:>7.1f}  "
                f"p95 {figures['p95_ms']:>7.1f} ms to the table visible (DOM ready p50 "
                f"{figures['dom_ready_p50_ms']:.0f} ms)  {verdict} (p95 ≤ {budget} ms)  {path}",
                flush=True,
            )
            results[f"browser-{target.key} {page}"] = {"path": path, **figures}


def stop(server) -> None:
    """Stop gunicorn, killing it if a worker is still busy with a long request."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


RUNNERS = {
    "ctg": section_ctg,
    "lists": section_lists,
    "national": section_national,
    "api": section_api,
    "throughput": section_throughput,
    "browser": section_browser,
}


def main() -> None:
    args = parse_args()
    env = production_env(args.database_url)
    # The measure sends more requests in a minute than a token may (settings.API_RATE_PER_TOKEN).
    env["API_RATE_PER_TOKEN"] = "100000/minute"  # noqa: S105 - a rate, not a secret
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    print("migrate, static files, bench CTGs…", flush=True)
    data = prepare(env)
    port = free_port()
    log = ROOT / "bench" / "results" / f"national-{args.label}-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    server = start_gunicorn(env, port, args.workers, log=log)
    results: dict = {"label": args.label, "load_before": os.getloadavg()}
    try:
        for section in args.only.split(","):
            RUNNERS[section](port, data, args, results)
    finally:
        stop(server)
    results["load_after"] = os.getloadavg()
    out = ROOT / "bench" / "results" / f"national-{args.label}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"results: {out.relative_to(ROOT)}  (load average {results['load_after'][0]:.2f})")


if __name__ == "__main__":
    main()
