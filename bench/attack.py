"""A bounded set of attacks against a local server; prints what got through (nothing, or exit 1).

    .venv/bin/python bench/attack.py                     # SQLite (fresh file under /tmp)
    .venv/bin/python bench/attack.py --database-url postgres://postgres@127.0.0.1:5432/pilote_attack

Builds a fresh database (migrations, COG, the demo CTGs with their follow-up, governance and
bilans), serves the app with gunicorn in production mode (DEBUG=0) on the loopback, and runs, as
the demo users would:

- idor: the coordinator of Tarn-Agout asks for every route of the URL configuration with the
  slug and the objects of Provence-Alpes-Agglomération (PAA), by GET and by POST (with a valid
  CSRF token), and with his own slug and PAA's objects; then PAA's data must be unchanged;
- csrf: the coordinator of PAA POSTs to every route of PAA without a CSRF token: 403 expected;
- xss: the coordinator of PAA fills every text field of every edit form of PAA with a payload
  that is both HTML (an <img onerror>) and a spreadsheet formula (=HYPERLINK…), then every page
  of PAA (and its public page) is read back: the payload must only come back escaped;
- formulas: every CSV, XLSX and ODS export of PAA (and the open data of every CTG) is read cell
  by cell: no text cell may start with = + - @ tab or CR unprotected;
- uploads: hostile files (bench/hostile_uploads.py: decompression bombs, nested JSON, damaged,
  encrypted, wrongly encoded and oversized files) go to every import: each must be refused in
  French, in under 1 s, without the server growing by 200 MB, and write nothing;
- login: 25 wrong passwords for a demo account, then the right one: it must stay locked out.

See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from attack_http import FormParser, Session, route_table
from concurrency import fresh_database
from run import free_port, production_env, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
PAA = "provence-alpes-agglomeration-2026-2030"
TARN = "tarn-agout-2023-2026"
PASSWORD = "demo-pilote-ctg"  # noqa: S105 - the demo password, public in the README
XSS = "<img src=x onerror=alert(1)>"
PAYLOAD = '=HYPERLINK("http://pirate.example","x")' + XSS
ERROR_SHOWN = re.compile(r"fr-error-text|fr-alert--error|fr-message--error")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# Edit forms that the xss round does not submit: they delete, rebuild or freeze, and the next
# rounds need the CTG whole.
NOT_SUBMITTED = re.compile(
    r"delete|renumber|renew|freeze|close|import|undo|save|split|levels|territory|move|"
    r"publication|upload|archive|corbeille|trash|restore|purge|supprimer"
)


SUBMITTED = re.compile(
    r"edit|add|create|members|attendance|minutes|settings|transfers|lines|checklist|"
    r"signatories|amendments|update|measurement"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/pilote_attack.sqlite3")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--skip-build", action="store_true", help="reuse the database as it is")
    return parser.parse_args()


class Report:
    """What each family of attacks tried, and what got through."""

    def __init__(self) -> None:
        self.tries: dict[str, int] = defaultdict(int)
        self.through: dict[str, list[str]] = defaultdict(list)

    def tried(self, family: str, count: int = 1) -> None:
        self.tries[family] += count

    def got_through(self, family: str, what: str) -> None:
        self.through[family].append(what)

    def print(self) -> int:
        print(f"{'attaque':<10} {'essais':>7} {'passées':>8}")
        for family in ("idor", "csrf", "xss", "formulas", "uploads", "login"):
            print(f"{family:<10} {self.tries[family]:>7} {len(self.through[family]):>8}")
        for family, items in self.through.items():
            for item in items[:20]:
                print(f"  PASSÉE {family}: {item}")
            if len(items) > 20:
                print(f"  … et {len(items) - 20} autres ({family})")
        return 1 if any(self.through.values()) else 0


# ------------------------------------------------------------------------------ attacks


def fingerprint(slug: str) -> tuple:
    """Return counts and latest history ids of a CTG's data: any write changes them."""
    from django.apps import apps

    from pilote.conventions.models import Convention

    convention = Convention.objects.get(slug=slug)
    values = [convention.updated_at.isoformat() if hasattr(convention, "updated_at") else ""]
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if model.__name__.startswith("Historical") and "convention" in names:
            latest = model.objects.filter(convention_id=convention.pk).order_by("-pk").first()
            values.append((model.__name__, latest.pk if latest else None))
        elif "convention" in names and not model._meta.auto_created:
            values.append((model.__name__, model.objects.filter(convention=convention).count()))
    return tuple(values)


def idor(port: int, report: Report) -> None:
    stranger = Session.logged_in(port, "cooperation.tarnagout")
    before = fingerprint(PAA)
    for name, paa_url, own_url in route_table(PAA, TARN):
        # His own CTG's pages are his (own_url is None); with PAA's objects in them, not.
        for url in filter(None, (paa_url, own_url)):
            report.tried("idor", 2)
            status = stranger.get(url).status
            if status == 200:
                report.got_through("idor", f"GET {url} ({name}) → 200")
            status = stranger.post(url, {}).status
            if status in (200, 201, 204):
                report.got_through("idor", f"POST {url} ({name}) → {status}")
    if fingerprint(PAA) != before:
        report.got_through("idor", "les données de PAA ont changé pendant l'attaque")


def csrf(port: int, report: Report) -> None:
    coordinator = Session.logged_in(port, "cooperation.paa")
    before = fingerprint(PAA)
    for name, url, _own in route_table(PAA, TARN):
        report.tried("csrf")
        status = coordinator.post(url, {"titre": "x"}, csrf=False).status
        if status not in (403, 405):
            report.got_through("csrf", f"POST {url} ({name}) sans jeton → {status}")
    if fingerprint(PAA) != before:
        report.got_through("csrf", "les données de PAA ont changé sans jeton CSRF")


def xss(port: int, report: Report) -> None:
    coordinator = Session.logged_in(port, "cooperation.paa")
    accepted = 0
    for name, url, _own in route_table(PAA, TARN):
        if NOT_SUBMITTED.search(name) or not SUBMITTED.search(name):
            continue
        page = coordinator.get(url)
        if page.status != 200:
            continue
        parser = FormParser()
        parser.feed(page.text)
        for form in parser.forms:
            changes = {field: PAYLOAD for field in form["text_fields"] if not field.endswith("-id")}
            if not changes:
                continue
            report.tried("xss")
            response = coordinator.submit(url, form, changes)
            accepted += response.status in (200, 302)
    publication = f"/ctg/{PAA}/publication/"
    for form in FormParser.forms_of(coordinator.get(publication).text):
        coordinator.submit(publication, form, {})  # publish: the public page is read back too
    pages = [url for name, url, _own in route_table(PAA, TARN, read_only=True)]
    pages += [f"/public/{PAA}/", "/public/", "/ctg/", f"/departements/{PAA_DEPARTEMENT}/"]
    for url in pages:
        response = coordinator.get(url)
        report.tried("xss")
        if response.is_html and XSS in response.text:
            report.got_through("xss", f"{url} rend la charge sans l'échapper")
    print(f"xss : {accepted} formulaires soumis avec la charge")


PAA_DEPARTEMENT = "04"


def formulas(port: int, report: Report) -> None:
    coordinator = Session.logged_in(port, "cooperation.paa")
    downloads = [
        url
        for name, url, _own in route_table(PAA, TARN, read_only=True)
        if re.search(r"\.(csv|xlsx|ods)$", url)
    ]
    downloads.append("/exports/donnees-ouvertes.csv")
    for url in downloads:
        response = coordinator.get(url)
        if response.status != 200:
            continue
        for where, cell in cells(url, response.body):
            report.tried("formulas")
            if isinstance(cell, str) and cell.startswith(FORMULA_START) and not _number(cell):
                report.got_through("formulas", f"{url} {where} : {cell[:40]!r}")


def cells(url: str, body: bytes):
    """Yield (position, value) of every cell of a CSV, XLSX or ODS file."""
    if url.endswith(".csv"):
        text = body.decode("utf-8-sig", "replace")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        for r, row in enumerate(csv.reader(io.StringIO(text), dialect)):
            for c, value in enumerate(row):
                yield f"L{r + 1}C{c + 1}", value
        return
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(body))
    for sheet_name in workbook.sheet_names:
        for r, row in enumerate(workbook.get_sheet_by_name(sheet_name).to_python()):
            for c, value in enumerate(row):
                yield f"{sheet_name}!L{r + 1}C{c + 1}", value


def _number(text: str) -> bool:
    try:
        float(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        return False
    return True


# Where each kind of hostile file goes (bench/hostile_uploads.py names the kinds), and who sends it.
UPLOAD_TARGETS = {
    "document": (f"/ctg/{PAA}/importer-un-plan/", "cooperation.paa"),
    "table": (f"/ctg/{PAA}/equipements/importer/", "cooperation.paa"),
    "json": ("/ctg/importer/", "conseiller.caf"),
}


def hostile_uploads() -> list[tuple[str, str, bytes]]:
    """Return (kind, file name, content) of every hostile file: the bench's, and a few more."""
    from hostile_uploads import CASES

    from tests import hostile_files

    files = [
        (kind, name, getattr(hostile_files, generator)())
        for generator, name, kind in CASES.values()
    ]
    ole = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(4096)  # an encrypted Office file
    files += [
        ("table", "chiffre.xlsx", ole),
        ("document", "chiffre.docx", ole),
        ("table", "registre.csv", "Nom;Capacité\nCrèche;12\n".encode("utf-16-be")),
        ("document", "plan.pdf", b"%PDF-1.7\n" + bytes(200)),
        ("document", "plan.docx", bytes(21 * 1024 * 1024)),  # over the size limit
    ]
    return files


def uploads(port: int, report: Report, server) -> None:
    sessions = {user: Session.logged_in(port, user) for _target, user in UPLOAD_TARGETS.values()}
    before = fingerprint(PAA)
    for kind, filename, content in hostile_uploads():
        target, user = UPLOAD_TARGETS[kind]
        session = sessions[user]
        report.tried("uploads")
        form = next(
            (f for f in FormParser.forms_of(session.get(target).text) if f["file_fields"]), None
        )
        if form is None:
            report.got_through("uploads", f"{target} : formulaire d'import introuvable")
            continue
        peak = server.peak_rss()
        start = time.perf_counter()
        response = session.submit(
            target, form, {}, files=[(form["file_fields"][0], filename, content)]
        )
        elapsed = time.perf_counter() - start
        grown = server.peak_rss() - peak
        label = f"{filename} ({len(content) // 1024} Ko) → {target}"
        print(f"  {label} : {response.status}, {elapsed:.2f} s, +{grown // 2**20} Mo")
        if response.status >= 500:
            report.got_through("uploads", f"{label} : erreur {response.status}")
        elif elapsed > 1.0 and len(content) < 10 * 1024 * 1024:
            report.got_through("uploads", f"{label} : {elapsed:.1f} s")
        elif grown > 200 * 1024 * 1024:
            report.got_through("uploads", f"{label} : +{grown // 2**20} Mo de mémoire")
        elif response.status == 200 and not ERROR_SHOWN.search(response.text):
            report.got_through("uploads", f"{label} : aucun message d'erreur")
    if fingerprint(PAA) != before:
        report.got_through("uploads", "un import refusé a écrit dans PAA")


def login(port: int, report: Report) -> None:
    guesser = Session(port)
    for attempt in range(25):
        report.tried("login")
        guesser.login("lecteur.paa", f"mauvais-{attempt}")
    response = guesser.login("lecteur.paa", PASSWORD)
    if guesser.get("/ctg/").status == 200:
        report.got_through("login", f"connecté après 25 échecs (réponse {response.status})")


# ------------------------------------------------------------------------------ main


def main() -> int:
    args = parse_args()
    env = production_env(args.database_url)
    env["AXES_ENABLED"] = env.get("AXES_ENABLED", "1")
    os.environ.update({k: v for k, v in env.items() if k != "LOG_LEVEL"})
    if not args.skip_build:
        print("base neuve : migrations, COG, démonstration…")
        fresh_database(args.database_url, env)  # governance and bilans come with the activity
    import django

    django.setup()
    port = args.port or free_port()
    log = Path(tempfile.gettempdir()) / "pilote_attack_gunicorn.log"
    server = Server(start_gunicorn(env, port, workers=1, log=log))
    print(f"journal du serveur : {log}")
    report = Report()
    try:
        for attack in (idor, csrf, xss, formulas, login):
            started = time.perf_counter()
            attack(port, report)
            print(f"{attack.__name__} : {time.perf_counter() - started:.0f} s")
        uploads(port, report, server)
    finally:
        server.stop()
    return report.print()


class Server:
    """The gunicorn under attack: its peak memory, read from /proc, and its stop."""

    def __init__(self, process) -> None:
        self.process = process

    def peak_rss(self) -> int:
        total = 0
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            ppid = re.search(r"PPid:\s+(\d+)", text)
            if ppid and int(ppid.group(1)) == self.process.pid:
                peak = re.search(r"VmHWM:\s+(\d+) kB", text)
                total += int(peak.group(1)) * 1024 if peak else 0
        return total

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
