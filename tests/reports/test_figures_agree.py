"""Issue 14, item 1: a frozen bilan says of an indicator what the pages say of it.

On the demo CTG of Provence-Alpes-Agglomération, "Taux de couverture global" has a provisional
yearly value for 2026 (entered in the autumn, below its 2026 target); then T4 2026 = 61,2 is
recorded, above the target. The indicator page, the dashboard, "en bref", the frozen bilan's
snapshot, its PDF text, its chart and its slide deck must all report 61,2 and "cible atteinte".
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pptx import Presentation
from pypdf import PdfReader

from pilote.demo.activity import GLOBAL_INDICATOR
from pilote.governance.bilans.services import ReviewData, close_review, create_review
from pilote.monitoring.dashboard import build_dashboard, convention_series
from pilote.monitoring.models import Measurement
from pilote.monitoring.periods import Quarter
from pilote.monitoring.standing import Point, Standing, indicator_standing
from pilote.pages.brief import build_brief
from pilote.plans.models import Indicator

pytestmark = pytest.mark.django_db


def _download(client, review, fmt: str) -> bytes:
    url = reverse(
        "governance:review_download",
        kwargs={"slug": review.convention.slug, "pk": review.pk, "fmt": fmt},
    )
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def coverage(paa):
    indicator = Indicator.objects.get(convention=paa, node=None, name=GLOBAL_INDICATOR)
    target = indicator.targets.get(year=2026).value
    provisional = indicator.measurements.get(year=2026, quarter=None)
    # The demo's provisional 2026 value, moved below the target whatever the seed drew.
    provisional.value = target - Decimal("0.1")
    provisional.save(update_fields=["value"])
    Measurement.objects.create(
        indicator=indicator, year=2026, quarter=4, value=target + Decimal("0.6")
    )
    return indicator


def test_the_latest_value_is_the_latest_entered_for_the_end_of_the_year():
    """A yearly value counts as T4: between the two, the one entered last is the latest."""
    early, late = "2026-10-01T10:00:00+00:00", "2026-12-01T10:00:00+00:00"
    yearly = Point(
        2026, None, Decimal("60.5"), created_at=datetime.datetime.fromisoformat(early), pk=1
    )
    fourth = Point(2026, 4, Decimal("61.2"), created_at=datetime.datetime.fromisoformat(late), pk=2)
    standing = indicator_standing([fourth, yearly], {2026: Decimal("60.6")})
    assert (standing.value, standing.period_label, standing.status) == (
        Decimal("61.2"),
        "T4 2026",
        Standing.MET,
    )
    earlier = Point(
        2026, 4, Decimal("61.2"), created_at=datetime.datetime.fromisoformat(early), pk=3
    )
    later = Point(
        2026, None, Decimal("60.5"), created_at=datetime.datetime.fromisoformat(late), pk=4
    )
    standing = indicator_standing([earlier, later], {2026: Decimal("60.6")})
    assert (standing.value, standing.label) == (Decimal("60.5"), "Sous la cible")
    assert standing.gap == Decimal("-0.1")


def test_a_value_is_judged_against_the_target_of_its_own_year_only():
    points = [Point(2026, None, Decimal(50)), Point(2027, 2, Decimal(10))]
    standing = indicator_standing(points, {2026: Decimal(60)})
    assert (standing.status, standing.label, standing.off_target) == (
        Standing.NO_TARGET,
        "Pas de cible 2027",
        False,
    )
    assert indicator_standing([], {2026: Decimal(60)}).label == "Pas de mesure"


def test_pages_bilan_pdf_chart_and_deck_agree_on_an_indicator(client, paa, coverage, demo_user):
    target = coverage.targets.get(year=2026).value
    value = target + Decimal("0.6")
    written = f"{value.normalize()}".replace(".", ",")
    user = demo_user("cooperation.paa")
    client.force_login(user)

    # The pages.
    series = next(
        s for s in convention_series(paa, include_internal=True) if s.indicator.pk == coverage.pk
    )
    assert (series.standing.value, series.standing.status) == (value, Standing.MET)
    board = build_dashboard(paa, now=Quarter(2026, 4), include_internal=True)
    assert coverage.pk not in [item.pk for item in board.off_target]
    key = next(
        k for k in build_brief(paa, include_internal=True).indicators if k.name == GLOBAL_INDICATOR
    )
    assert (key.value, key.value_period, key.off_target) == (value, "T4 2026", False)
    page = client.get(reverse("monitoring:indicators", kwargs={"slug": paa.slug})).content.decode()
    row = page[page.index(GLOBAL_INDICATOR) :].split("</tr>")[0]
    assert written in row
    assert "Cible atteinte" in row
    assert "Sous la cible" not in row

    # The frozen bilan: its snapshot, its PDF, its chart's data and its deck.
    review = create_review(paa, by=user, data=ReviewData(kind="annuel", year=2026))
    review = close_review(review, by=user)
    snapshot = next(i for i in review.snapshot["indicators"] if i["key"] == coverage.pk)
    assert (Decimal(snapshot["latest"]), snapshot["latest_period"]) == (value, "T4 2026")
    assert snapshot["off_target"] is False
    assert Decimal(snapshot["values"][-1][2]) == value  # the chart's line ends on it

    pdf = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(_download(client, review, "pdf"))).pages
    )
    line = pdf[pdf.index(GLOBAL_INDICATOR) :][:300]
    assert f"{written} %" in line.replace("\u202f", " ").replace("\u00a0", " ")
    assert "Cible atteinte" in line
    assert "Sous la cible" not in line

    deck = Presentation(io.BytesIO(_download(client, review, "pptx")))
    off_rows = [
        shape.table.cell(r, 0).text
        for slide in deck.slides
        if slide.shapes.title.text.startswith("Indicateurs sous la cible")
        for shape in slide.shapes
        if shape.has_table
        for r in range(1, len(shape.table.rows))
    ]
    assert not any(text.startswith("Taux de couverture global") for text in off_rows)
