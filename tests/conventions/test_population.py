"""Issue 14, item 2: one population for one territory, with its kind and millésime beside it.

Provence-Alpes-Agglomération's 46 communes sum to 49 137 inhabitants (population municipale
2023). The summary, "en bref", the public page and the bilan's cover all say so; the EPCI's own
figure of an older millésime (48 726, 2022) and the population totale (50 305) appear nowhere.
"""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pilote.conventions.models import Convention
from pilote.governance.bilans.content import build_bilan, population_text
from pilote.reports.bilans.documents import render_bilan
from pilote.territories.models import Commune
from pilote.territories.population import Population, population_from_rows

PAA = "provence-alpes-agglomeration-2026-2030"
PAA_TEXT = "49\u202f137\u00a0hab. (population municipale 2023)"

pytestmark = pytest.mark.django_db


def test_a_population_says_its_kind_and_millesime():
    population = population_from_rows([(10_000, 2023), (73, 2023), (None, None)])
    assert population == Population(10_073, (2023,), commune_count=3, missing=1)
    assert population.text == "10\u202f073\u00a0hab. (population municipale 2023)"
    mixed = population_from_rows([(100, 2022), (200, 2023)])
    assert mixed.millesime is None
    assert mixed.source == "population municipale, millésimes 2022 et 2023"
    assert population_from_rows([(None, None)]).text == ""


def test_every_page_and_the_bilan_show_the_same_population(client, superuser, session_demo_ctgs):
    convention = Convention.objects.select_related("epci", "departement").get(slug=PAA)
    communes = Commune.objects.filter(conventions=convention)
    assert sum(c.population for c in communes) == 49_137
    Convention.objects.filter(pk=convention.pk).update(is_public=True, published_at=timezone.now())
    client.force_login(superuser)
    pages = {
        name: client.get(reverse(url, kwargs={"slug": PAA})).content.decode()
        for name, url in (
            ("summary", "conventions:detail"),
            ("brief", "conventions:brief"),
            ("public", "public:convention"),
        )
    }
    for name, html in pages.items():
        assert PAA_TEXT in html, name
        for other in ("48\u202f726", "50\u202f305"):
            assert other not in html, (name, other)

    content = build_bilan(convention, kind="annuel", year=2026)
    assert content["convention"]["population"] == 49_137
    assert population_text(content["convention"]) == (
        "49\u202f137 habitants (population municipale 2023)"
    )
    pdf = PdfReader(io.BytesIO(render_bilan(content, "pdf")))
    cover = " ".join(pdf.pages[0].extract_text().split())
    assert "49 137 habitants (population municipale 2023)" in cover.replace("\u202f", " ")


def test_a_frozen_bilan_of_before_keeps_its_words():
    assert population_text({"population": 50_305}) == "50\u202f305 habitants"
    assert population_text({"population": None}) == ""
