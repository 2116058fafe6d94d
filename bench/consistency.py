"""Do the pages and the documents of each demo CTG give the same figures? (issue 14)

    .venv/bin/python bench/consistency.py [--database-url URL] [--slug SLUG]

Prepares a scratch database (SQLite /tmp/pilote_consistency.sqlite3 unless --database-url):
migrate, load_territories, load_demo, generate_demo_activity (each only when missing). Then, for
each demo CTG, inside a transaction rolled back at the end (the database is left as it was):

1. reads its pages with Django's test client, as a superuser: the summary, "en bref", the public
   page (the CTG is published for the time of the run), the dashboard, the indicators, the
   coverage;
2. freezes its annual bilan of the current year (or of its last year; the demo's own when it has
   one, frozen now if it is a draft) and downloads the PDF, the DOCX and the PPTX, whose text
   is read back with pypdf, python-docx and python-pptx;
3. extracts from each the same figures: the population (and its millésime), the published
   coverage rate (and its millésime), the number of indicators below their target, the number
   of actions of each status;
4. prints each figure with the value every source gives, and every disagreement.

Exit status 1 if any figure disagrees, or is missing where it should be.
"""

from __future__ import annotations

import argparse
import datetime
import html
import io
import os
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "sqlite:////tmp/pilote_consistency.sqlite3"

SPACES = re.compile(r"[\s\u00a0\u202f]+")
NUMBER = r"\d{1,3}(?: \d{3})*(?:,\d+)?"
POPULATION = re.compile(rf"({NUMBER}) (?:hab\.|habitants?) \(population municipale (\d{{4}})[,)]")


def flat(text: str) -> str:
    """Return text on one line, every kind of space made a plain one, entities unescaped."""
    return SPACES.sub(" ", html.unescape(text)).strip()


def tags_off(markup: str) -> str:
    return flat(re.sub(r"<[^>]+>", " ", markup))


# --- Setup ------------------------------------------------------------------------------------


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from pilote.conventions.models import Convention
    from pilote.monitoring.models import ActionUpdate
    from pilote.territories.models import Commune

    setup_test_environment()  # the test client's host, a local mailbox
    call_command("migrate", verbosity=0)
    if not Commune.objects.exists():
        call_command("load_territories", verbosity=0)
    if Convention.objects.count() < 3:
        call_command("load_demo", verbosity=0)
    if not ActionUpdate.objects.exists():
        call_command("generate_demo_activity", verbosity=0)


# --- Reading the pages ------------------------------------------------------------------------


def page_figures(client, slug: str) -> dict[str, dict[str, object]]:
    """Return {figure: {source: value}} read from the CTG's pages."""
    from django.urls import reverse

    def get(name: str, **kwargs) -> str:
        response = client.get(reverse(name, kwargs={"slug": slug, **kwargs}))
        if response.status_code != 200:
            raise RuntimeError(f"{name} answered {response.status_code}")
        return response.content.decode()

    figures: dict[str, dict[str, object]] = defaultdict(dict)
    summary = get("conventions:detail")
    territory = summary[summary.index('id="territoire"') :]
    figures["population"]["fiche de la CTG"] = populations(tags_off(territory))[:1]
    figures["population"]["en bref"] = populations(tags_off(get("conventions:brief")))
    figures["population"]["page publique"] = populations(tags_off(get("public:convention")))

    coverage = get("facilities:coverage")
    match = re.search(r'id="taux-publie">(.*?)</p>\s*<p[^>]*>(.*?)</p>', coverage, re.S)
    if match and re.search(r"\d", match.group(1)):
        year = re.search(r"millésime (\d{4})", tags_off(match.group(2)))
        figures["taux de couverture publié"]["page couverture"] = (
            tags_off(match.group(1)),
            year.group(1) if year else "?",
        )

    dashboard = get("monitoring:dashboard")
    match = re.search(
        r'mon-kpi__value">(\d+)</span>\s*<span class="mon-kpi__label">indicateurs? sous la cible',
        dashboard,
    )
    figures["indicateurs sous la cible"]["tableau de bord"] = match.group(1) if match else None
    indicators = get("monitoring:indicators")
    figures["indicateurs sous la cible"]["page indicateurs"] = str(
        indicators.count('fr-badge--error">Sous la cible')
    )
    statuses = {
        flat(label).lower(): int(count)
        for count, label in re.findall(
            r'aria-label="(\d+) actions? : ([^"(]+?) \(ouvrir le tableau de suivi filtré\)"',
            dashboard,
        )
        if int(count)
    }
    figures["actions par statut"]["tableau de bord"] = statuses
    return figures


def populations(text: str) -> tuple:
    """Return the distinct (population, millésime) pairs written in a text, in order."""
    return tuple(dict.fromkeys(POPULATION.findall(text)))


# --- Reading the documents --------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return flat(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def docx_text(data: bytes) -> tuple[str, str]:
    """Return the text of a DOCX (paragraphs and tables) and the alternative texts of images."""
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    alts = " ".join(re.findall(r'descr="([^"]*)"', xml))
    return flat(" ".join(parts)), flat(alts)


def pptx_content(data: bytes) -> tuple[str, dict[str, int]]:
    """Return the text of a deck (one shape a line) and the doughnut of the statuses."""
    from pptx import Presentation
    from pptx.enum.chart import XL_CHART_TYPE

    deck = Presentation(io.BytesIO(data))
    lines, statuses = [], {}
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines += [flat(p.text) for p in shape.text_frame.paragraphs]
            if shape.has_table:
                lines += [flat(c.text) for row in shape.table.rows for c in row.cells]
            if shape.has_chart and shape.chart.chart_type == XL_CHART_TYPE.DOUGHNUT:
                plot = shape.chart.plots[0]
                values = plot.series[0].values
                statuses = {
                    flat(c).lower(): int(v) for c, v in zip(plot.categories, values, strict=True)
                }
    return "\n".join(lines), statuses


def statuses_from_alt(text: str) -> dict[str, int]:
    match = re.search(r"Répartition des [\d ]+ actions par statut : (.*?)\.", text)
    if not match:
        return {}
    pairs = (part.rsplit(" : ", 1) for part in match.group(1).split(" ; "))
    return {label.lower(): int(count.replace(" ", "")) for label, count in pairs}


def document_figures(client, convention, user) -> dict[str, dict[str, object]]:
    """Freeze the CTG's annual bilan and return {figure: {source: value}} read from its files."""
    from django.urls import reverse

    from pilote.governance.bilans.services import ReviewData, close_review, create_review
    from pilote.governance.models import Review

    year = min(datetime.date.today().year, convention.end_date.year)
    review = Review.objects.filter(convention=convention, kind="annuel", year=year).first()
    if review is None:
        review = create_review(convention, by=user, data=ReviewData(kind="annuel", year=year))
    if not review.is_closed:
        review = close_review(review, by=user)

    def download(fmt: str) -> bytes:
        url = reverse(
            "governance:review_download",
            kwargs={"slug": convention.slug, "pk": review.pk, "fmt": fmt},
        )
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"bilan.{fmt} answered {response.status_code}")
        return b"".join(response.streaming_content) if response.streaming else response.content

    figures: dict[str, dict[str, object]] = defaultdict(dict)
    pdf = pdf_text(download("pdf"))
    docx, docx_alts = docx_text(download("docx"))
    pptx, doughnut = pptx_content(download("pptx"))
    for source, text in (("bilan PDF", pdf), ("bilan DOCX", docx), ("bilan PPTX", flat(pptx))):
        figures["population"][source] = populations(text)
        match = re.search(rf"({NUMBER}) taux publié du territoire \((\d{{4}})\)", text)
        match = match or re.search(
            rf"Taux publié : ({NUMBER}) places pour 100 enfants \(millésime (\d{{4}})", text
        )
        if match:
            figures["taux de couverture publié"][source] = match.groups()
        match = re.search(r"mesurés (\d+) sous la cible", text)
        if match:
            figures["indicateurs sous la cible"][source] = match.group(1)
    match = re.search(r"(\d+)\nsous la cible", pptx)
    figures["indicateurs sous la cible"]["bilan PPTX"] = match.group(1) if match else None
    figures["actions par statut"]["bilan DOCX (graphique)"] = statuses_from_alt(docx_alts)
    figures["actions par statut"]["bilan PPTX (graphique)"] = doughnut
    return figures


# --- Comparing --------------------------------------------------------------------------------


def show(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in sorted(value.items())) or "(rien)"
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return " / ".join(f"{v} ({y})" for v, y in value)
    if isinstance(value, tuple) and len(value) == 2:
        return f"{value[0]} ({value[1]})"
    return "(introuvable)" if value in (None, (), "") else str(value)


def compare(slug: str, figures: dict[str, dict[str, object]]) -> int:
    """Print each figure by source; return the number of disagreements."""
    problems = 0
    print(f"\n== {slug}")
    for name, by_source in figures.items():
        values = {show(value) for value in by_source.values()}
        bad = (
            len(values) > 1
            or "(introuvable)" in values
            or any(
                isinstance(v, tuple) and v and isinstance(v[0], tuple) and len(v) > 1
                for v in by_source.values()
            )
        )
        problems += bad
        print(f"  {'DÉSACCORD' if bad else 'ok':9} {name}")
        for source, value in by_source.items():
            print(f"              {source:28} {show(value)}")
    return problems


def run(slugs: list[str] | None) -> int:
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from pilote.accounts.models import User
    from pilote.conventions.models import Convention

    problems = 0
    with transaction.atomic():
        user = User.objects.create(
            username="bench.consistency", is_superuser=True, is_staff=True, first_name="Bench"
        )
        client = Client()
        client.force_login(user)
        conventions = Convention.objects.select_related("departement", "epci").order_by("slug")
        if slugs:
            conventions = conventions.filter(slug__in=slugs)
        for convention in conventions:
            Convention.objects.filter(pk=convention.pk).update(
                is_public=True, published_at=timezone.now()
            )
            figures = page_figures(client, convention.slug)
            for name, by_source in document_figures(client, convention, user).items():
                figures[name].update(by_source)
            problems += compare(convention.slug, figures)
        transaction.set_rollback(True)  # the database is left as it was
    print(f"\n{problems} désaccord(s).")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--slug", action="append", help="une CTG (répétable) ; toutes sinon")
    args = parser.parse_args()
    setup(args.database_url)
    sys.exit(1 if run(args.slug) else 0)


if __name__ == "__main__":
    main()
