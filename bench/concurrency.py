"""Concurrent writers against gunicorn: no error and no lost write, on SQLite and PostgreSQL.

    .venv/bin/python bench/concurrency.py                   # SQLite (fresh file under /tmp)
    .venv/bin/python bench/concurrency.py --database-url postgres://postgres@127.0.0.1:5432/pilote_12c2

Builds a fresh database (migrate, COG, the demo CTGs and their follow-up), serves the app with
gunicorn in production mode (DEBUG=0, --workers sync workers) on the loopback, and runs --writers
logged-in clients (threads, one session and CSRF token each) for --seconds on the CTG with the
most tracked actions: plan element edits, moves to another parent, up/down reorders, whole-plan
renumbering, follow-up points and follow-up points with an attachment. Every acknowledged write
(a redirect after the POST) carries a unique marker; once the server is stopped, the database is
read back: every acknowledged edit is in the element's history and the last one is its current
text, every moved element sits under the parent of its last acknowledged move, every follow-up
point and attachment (file included, byte for byte) is there, and positions stay dense. Prints
requests, answers by status, lost writes and p50 / p95 per kind; exits 1 on an error or a lost
write. See bench/README.md.
"""

from __future__ import annotations

import argparse
import html.parser
import http.client
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ensure_postgres_database, free_port, manage, production_env, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
USERNAME = "conseiller.caf"  # the demo Caf adviser: edits the three demo CTGs
# Kind of write → weight in each writer's random choice.
KINDS = {
    "edit": 30,
    "move": 10,
    "shift": 20,
    "renumber": 5,
    "followup": 20,
    "attachment": 15,
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/pilote_concurrency.sqlite3")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--mix",
        default="",
        help="weights of the kinds of write, e.g. renumber=40,move=30,shift=30 (default: "
        + ",".join(f"{kind}={weight}" for kind, weight in KINDS.items())
        + ")",
    )
    args = parser.parse_args()
    if args.mix:
        try:
            mix = {k: int(w) for k, w in (part.split("=") for part in args.mix.split(","))}
        except ValueError:
            parser.error("--mix: kind=weight pairs separated by commas")
        if set(mix) - KINDS.keys() or not any(mix.values()):
            parser.error(f"--mix: kinds among {', '.join(KINDS)}, one weight at least above 0")
        KINDS.update({kind: mix.get(kind, 0) for kind in KINDS})
    if not 1 <= args.seconds <= 600:
        parser.error("--seconds must be between 1 and 600")
    if not 1 <= args.writers <= 32:
        parser.error("--writers must be between 1 and 32")
    return args


# ------------------------------------------------------------------------------ database


def fresh_database(database_url: str, env: dict[str, str]) -> None:
    """Drop and rebuild the bench database: migrations, COG, demo CTGs and their follow-up."""
    url = urlparse(database_url)
    if url.scheme.startswith("postgres"):
        import psycopg

        name = url.path.lstrip("/")
        admin = url._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        ensure_postgres_database(database_url)
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(url.path + suffix).unlink(missing_ok=True)
    for command in (
        ("migrate", "--noinput"),
        ("collectstatic", "--noinput"),
        ("load_territories",),
        ("load_demo", "--force"),
        ("generate_demo_activity", "--force"),
    ):
        manage(env, *command)


@dataclass
class Target:
    """The CTG under load and the elements each writer owns."""

    slug: str
    edits: list[list[int]]  # per writer: elements only this writer edits
    moves: list[list[int]]  # per writer: elements only this writer moves
    parents: list[int]  # the parents moved elements go to and fro between
    actions: list[int]  # tracked actions (follow-up points), shared by all writers
    shifts: list[int]  # elements moved up and down, shared by all writers


def choose_target(writers: int) -> Target:
    """Return the demo CTG with the most tracked actions and share its elements out."""
    from django.db.models import Count

    from pilote.conventions.models import Convention
    from pilote.plans.models import PlanNode

    convention = (
        Convention.objects.annotate(
            actions=Count("plan_nodes", filter=models_q_tracked()),
        )
        .order_by("-actions")
        .first()
    )
    nodes = list(
        PlanNode.objects.filter(convention=convention)
        .select_related("level")
        .order_by("pk")
        .only("pk", "parent_id", "level__tracked", "level__position")
    )
    leaves = [n for n in nodes if n.level.tracked and n.parent_id]
    by_parent: dict[int, list[int]] = defaultdict(list)
    for node in leaves:
        by_parent[node.parent_id].append(node.pk)
    # Moved elements go between the two largest groups of actions (same level, shared parents).
    parents = sorted(by_parent, key=lambda pk: -len(by_parent[pk]))[:2]
    movable = [pk for parent in parents for pk in by_parent[parent]]
    others = [n.pk for n in leaves if n.pk not in set(movable)]
    return Target(
        slug=convention.slug,
        edits=[others[i::writers] for i in range(writers)],
        moves=[movable[i::writers] for i in range(writers)],
        parents=parents,
        actions=[n.pk for n in leaves],
        shifts=[pk for parent in parents for pk in by_parent[parent]]
        + [n.pk for n in nodes if not n.level.tracked],
    )


def models_q_tracked():
    from django.db.models import Q

    return Q(plan_nodes__level__tracked=True)


def session_cookies(count: int) -> list[str]:
    """Return the session keys of `count` sessions of the demo Caf adviser."""
    from django.test import Client

    from pilote.accounts.models import User

    user = User.objects.get(username=USERNAME)
    cookies = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


# ------------------------------------------------------------------------------ HTTP


class FormParser(html.parser.HTMLParser):
    """Collect the POST forms of a page: action and fields as a browser would send them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: list | None = None
        self._select: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form["fields"].append([name, attrs.get("value") or default])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and name:
            self._select = [name, None, [], "multiple" in attrs]  # first option, selected ones
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in attrs:
                self._select[2].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, first, selected, multiple = self._select
            if not selected and not multiple and first is not None:
                selected = [first]
            self._form["fields"] += [[name, value] for value in selected]
            self._select = None
        elif tag == "form":
            self._form = None


def post_form(page: str, field_suffix: str) -> dict:
    """Return the first POST form of the page with a field named ...field_suffix."""
    parser = FormParser()
    parser.feed(page)
    for form in parser.forms:
        if any(name.endswith(field_suffix) for name, _ in form["fields"]):
            return form
    raise LookupError(f"no POST form with a field named …{field_suffix}")


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]):
    boundary = "----pilote" + uuid.uuid4().hex
    lines: list[bytes] = []
    for name, value in fields:
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"'.encode(),
            b"",
            value.encode(),
        ]
    for name, filename, content in files:
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'.encode(),
            b"Content-Type: application/octet-stream",
            b"",
            content,
        ]
    lines += [f"--{boundary}--".encode(), b""]
    return b"\r\n".join(lines), f"multipart/form-data; boundary={boundary}"


class Client:
    """One logged-in user on one keep-alive connection."""

    def __init__(self, port: int, session: str) -> None:
        self.port = port
        self.cookies = {"sessionid": session}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = ""):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = content_type
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed a keep-alive connection: a new one, once.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def submit(self, path: str, form: dict, changes: dict, files=()) -> int:
        fields = [(n, v) for n, v in form["fields"] if n not in changes]
        fields += [(n, v) for n, v in changes.items() if v is not None]
        if files:
            body, content_type = multipart(fields, list(files))
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        status, _text = self.request("POST", form["action"] or path, body, content_type)
        return status


# ------------------------------------------------------------------------------ writers


@dataclass
class Results:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    edits: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    moves: dict[int, int] = field(default_factory=dict)
    followups: list[str] = field(default_factory=list)
    attachments: dict[str, bytes] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Writer(threading.Thread):
    def __init__(self, index, target, client, results, deadline, seed):
        super().__init__(name=f"writer-{index}", daemon=True)
        self.index, self.target, self.client = index, target, client
        self.results, self.deadline = results, deadline
        self.random = random.Random(seed + index)
        self.serial = 0
        self.base = f"/ctg/{target.slug}"

    def run(self) -> None:
        kinds, weights = zip(*KINDS.items(), strict=True)
        while time.monotonic() < self.deadline:
            kind = self.random.choices(kinds, weights)[0]
            self.serial += 1
            start = time.perf_counter()
            try:
                status, acknowledge = getattr(self, kind)()
            except Exception as error:
                status, acknowledge = f"exception {type(error).__name__}", None
                with self.results.lock:
                    self.results.failures.append(f"{kind}: {error!r}")
            elapsed = (time.perf_counter() - start) * 1000
            with self.results.lock:
                self.results.timings[kind].append(elapsed)
                self.results.statuses[kind][status] += 1
                if status == 302 and acknowledge is not None:
                    acknowledge()

    def marker(self, kind: str) -> str:
        return f"bench-{kind}-{self.index}-{self.serial}-{secrets.token_hex(4)}"

    def get_form(self, path: str, field_suffix: str):
        status, page = self.client.request("GET", path)
        if status != 200:
            return status, None
        return status, post_form(page, field_suffix)

    def edit(self):
        pk = self.random.choice(self.target.edits[self.index])
        path = f"{self.base}/plan/{pk}/modifier/"
        status, form = self.get_form(path, "description")
        if form is None:
            return status, None
        marker = self.marker("edit")
        field_name = next(n for n, _ in form["fields"] if n.endswith("description"))
        status = self.client.submit(path, form, {field_name: marker})
        return status, lambda: self.results.edits[pk].append(marker)

    def move(self):
        pk = self.random.choice(self.target.moves[self.index])
        path = f"{self.base}/plan/{pk}/deplacer/"
        status, form = self.get_form(path, "level_mode")
        if form is None:
            return status, None
        current = self.results.moves.get(pk)
        parents = [p for p in self.target.parents if p != current] or self.target.parents
        parent = self.random.choice(parents)
        changes = {"parent": str(parent), "position": "last", "level_mode": "keep"}
        status = self.client.submit(path, form, changes)
        return status, lambda: self.results.moves.__setitem__(pk, parent)

    def shift(self):
        pk = self.random.choice(self.target.shifts)
        direction = self.random.choice(["monter", "descendre"])
        status, _ = self.client.request(
            "POST", f"{self.base}/plan/{pk}/{direction}/", b"", "application/x-www-form-urlencoded"
        )
        return status, None

    def renumber(self):
        path = f"{self.base}/plan/renumeroter/"
        status, form = self.get_form(path, "mode")
        if form is None:
            return status, None
        return self.client.submit(path, form, {"confirm": "1"}), None

    def followup(self, with_file: bool = False):
        pk = self.random.choice(self.target.actions)
        path = f"{self.base}/suivi/{pk}/mettre-a-jour/"
        status, form = self.get_form(path, f"maj-{pk}-done")
        if form is None:
            return status, None
        marker = self.marker("followup")
        prefix = f"maj-{pk}-"
        files = []
        content = b""
        if with_file:
            content = f"Compte rendu {marker}\n".encode() + secrets.token_hex(256).encode()
            files = [(prefix + "attachments", f"{marker}.txt", content)]
        status = self.client.submit(path, form, {prefix + "done": marker}, files)

        def acknowledge():
            self.results.followups.append(marker)
            if with_file:
                self.results.attachments[marker] = content

        return status, acknowledge

    def attachment(self):
        return self.followup(with_file=True)


# ------------------------------------------------------------------------------ checks


def lost_writes(results: Results, target: Target) -> dict[str, int]:
    """Return, per kind, how many acknowledged writes the database does not hold."""
    from django.core.files.storage import default_storage

    from pilote.monitoring.models import ActionUpdate, UpdateAttachment
    from pilote.plans.models import PlanNode

    lost = Counter()
    history = set(
        PlanNode.history.filter(description__startswith="bench-edit-").values_list(
            "description", flat=True
        )
    )
    current = dict(
        PlanNode.objects.filter(pk__in=list(results.edits)).values_list("pk", "description")
    )
    for pk, markers in results.edits.items():
        lost["edit"] += sum(1 for marker in markers if marker not in history)
        lost["edit (last value)"] += current.get(pk) != markers[-1]
    parents = dict(
        PlanNode.objects.filter(pk__in=list(results.moves)).values_list("pk", "parent_id")
    )
    lost["move"] = sum(1 for pk, parent in results.moves.items() if parents.get(pk) != parent)
    done = set(
        ActionUpdate.objects.filter(done__startswith="bench-").values_list("done", flat=True)
    )
    lost["followup"] = sum(1 for marker in results.followups if marker not in done)
    for marker, content in results.attachments.items():
        attachment = UpdateAttachment.objects.filter(update__done=marker).first()
        if attachment is None or not default_storage.exists(attachment.file.name):
            lost["attachment"] += 1
            continue
        with default_storage.open(attachment.file.name, "rb") as handle:
            lost["attachment"] += handle.read() != content
    positions: dict[int | None, list[int]] = defaultdict(list)
    for parent_id, position in PlanNode.objects.filter(convention__slug=target.slug).values_list(
        "parent_id", "position"
    ):
        positions[parent_id].append(position)
    lost["positions (groups with a duplicate)"] = sum(
        1 for values in positions.values() if len(set(values)) != len(values)
    )
    return dict(lost)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(fraction * len(ordered)) - 1)]


def report(backend: str, results: Results, lost: dict[str, int], seconds: float) -> int:
    total = sum(sum(c.values()) for c in results.statuses.values())
    errors = conflicts = 0
    print(f"\n[{backend}] {total} writes in {seconds:.0f} s ({total / seconds:.1f}/s)")
    print(f"  {'kind':<11} {'requests':>8}  {'p50 ms':>8} {'p95 ms':>8}  answers")
    for kind in KINDS:
        timings = results.timings.get(kind) or [0.0]
        statuses = results.statuses.get(kind, Counter())
        # 409: the French conflict page of a stale edit (someone renumbered or moved the element
        # since the form was read): nothing overwritten, what was typed kept; not an error.
        conflicts += statuses.get(409, 0)
        errors += sum(n for status, n in statuses.items() if status not in (302, 409))
        answers = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items(), key=str))
        print(
            f"  {kind:<11} {sum(statuses.values()):>8}  {statistics.median(timings):>8.0f} "
            f"{percentile(timings, 0.95):>8.0f}  {answers}"
        )
    print(f"  conflicts shown (409, stale edit refused, nothing overwritten): {conflicts}")
    print(f"  errors (answers other than 302 and 409): {errors}")
    print(
        f"  lost writes: {sum(lost.values())}  ({', '.join(f'{k}: {v}' for k, v in lost.items())})"
    )
    for failure in results.failures[:10]:
        print(f"  client failure: {failure}")
    return 1 if errors or sum(lost.values()) else 0


# ------------------------------------------------------------------------------ main


def main() -> int:
    args = parse_args()
    backend = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    media = Path(tempfile.mkdtemp(prefix="pilote-concurrency-media-"))
    env = {**production_env(args.database_url), "MEDIA_ROOT": str(media), "LOG_LEVEL": "ERROR"}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    print(f"[{backend}] fresh database: migrate, COG, demo CTGs and follow-up…", flush=True)
    fresh_database(args.database_url, env)

    import django

    django.setup()
    target = choose_target(args.writers)
    cookies = session_cookies(args.writers)
    port = args.port or free_port()
    log = Path(tempfile.gettempdir()) / f"pilote-concurrency-{backend}.log"
    server = start_gunicorn(env, port, args.workers, log=log)
    results = Results()
    print(
        f"[{backend}] CTG {target.slug}: {args.writers} writers for {args.seconds:.0f} s "
        f"against gunicorn -w {args.workers} (log: {log})",
        flush=True,
    )
    try:
        deadline = time.monotonic() + args.seconds
        writers = []
        for index, cookie in enumerate(cookies):
            client = Client(port, cookie)
            client.request("GET", f"/ctg/{target.slug}/plan/")  # the CSRF cookie
            writers.append(Writer(index, target, client, results, deadline, args.seed))
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    from django.db import connection

    connection.close()
    lost = lost_writes(results, target)
    code = report(backend, results, lost, args.seconds)
    shutil.rmtree(media, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
