"""The PDF of a bilan (bilan_pdf), read back with pypdf.

The demo CTG with the largest plan (Provence-Alpes-Agglomération) is rendered once for the
module and its text checked against the content it was built from: title, parts, every tracked
action, key figures, French typography, page numbers, charts. Hand-made blocks cover what the
demo does not: no cover, oversized cells and charts, empty tables.
"""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from pilote.conventions.models import Convention
from pilote.governance.bilans.content import build_bilan
from pilote.reports.bilans.blocks import (
    Bullets,
    Chart,
    Cover,
    Heading,
    KeyFigures,
    PageBreak,
    Paragraph,
    Table,
)
from pilote.reports.bilans.outline.document import build_blocks
from pilote.reports.bilans.pdf_writer import SUBJECT, write_pdf

from .conftest import PAA, TARN_AGOUT
from .test_bilan_outline import tiny_png

NOW = datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC)
TEXTS = {
    "summary": (
        "Une année d’élan : la crèche « Les Pitchouns » a ouvert au cœur du bourg — "
        "12\u202f000 € → 2027."
    ),
    "highlights": "Le relais petite enfance itinérant dessert désormais 12 communes.",
    "difficulties": "Le recrutement d’éducatrices de jeunes enfants reste difficile.",
    "outlook": "Évaluer le schéma d’accueil en 2027.",
}


def squeeze(text: str) -> str:
    """Return the text without any whitespace or soft hyphen, to compare across line breaks."""
    return re.sub(r"[\s\u00ad]+", "", text)


def read(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [page.extract_text() for page in reader.pages]


def demo_content(django_db_blocker, slug: str, **options) -> dict:
    with django_db_blocker.unblock():
        convention = Convention.objects.select_related("departement", "epci").get(slug=slug)
        return build_bilan(convention, now=NOW, **options)


@pytest.fixture(scope="module")
def paa(demo_loaded, django_db_blocker):
    """The largest demo bilan, its blocks, its PDF and the text of each page."""
    content = demo_content(django_db_blocker, PAA, kind="annuel", year=2026, texts=TEXTS)
    blocks = build_blocks(content)
    data = write_pdf(blocks, title=content["title"])
    reader, pages = read(data)
    return content, blocks, reader, pages


def parts(blocks) -> list[str]:
    return [block.text for block in blocks if isinstance(block, Heading) and block.level == 1]


def page_of(pages: list[str], heading: str) -> int:
    """Return the index of the page that starts with this heading."""
    return next(index for index, text in enumerate(pages) if text.lstrip().startswith(heading))


# --- The demo bilan ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pdf_has_the_bilan_s_title_author_and_subject(paa):
    content, _, reader, _ = paa
    assert reader.metadata.title == content["title"]
    assert reader.metadata.author == "Pilote CTG"
    assert reader.metadata.subject == SUBJECT


@pytest.mark.django_db
def test_the_first_page_is_the_cover_without_footer(paa):
    content, blocks, _, pages = paa
    cover = squeeze(pages[0])
    assert squeeze("Bilan annuel 2026") in cover
    assert squeeze(content["convention"]["name"]) in cover
    assert squeeze(blocks[0].status) in cover
    assert "page" not in pages[0]


@pytest.mark.django_db
def test_each_part_starts_a_new_page_in_order_and_is_in_the_pdf_outline(paa):
    _, blocks, reader, pages = paa
    starts = [page_of(pages, title) for title in parts(blocks)]
    assert starts == sorted(starts)
    assert starts[0] == 1
    top_level = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top_level == parts(blocks)


@pytest.mark.django_db
def test_every_page_after_the_cover_is_numbered_with_the_bilan_s_title(paa):
    _, _, reader, pages = paa
    total = len(reader.pages)
    assert total > 10
    for number, text in enumerate(pages[1:], 2):
        assert f"page {number} / {total}" in text
        assert "Bilan annuel 2026 – CTG Provence" in text


@pytest.mark.django_db
def test_every_tracked_action_is_in_the_actions_table_with_its_number_and_title(paa):
    content, _, _, pages = paa
    start, end = page_of(pages, "Tableau des actions"), page_of(pages, "Indicateurs")
    table_text = squeeze(" ".join(pages[start:end]))
    tracked = [row for row in content["plan"] if row["tracked"]]
    assert len(tracked) == content["totals"]["actions"] == 59
    for row in tracked:
        assert squeeze(f"{row['number']} {row['title'][:40]}") in table_text, row["title"]
        assert squeeze(row["status_label"]) in table_text
    # The header row is repeated on every page the table runs over.
    assert end - start >= 3
    for text in pages[start:end]:
        assert squeeze("Dernier point de suivi") in squeeze(text)


@pytest.mark.django_db
def test_the_synthesis_shows_the_key_figures_and_the_coordination_s_text(paa):
    content, _, _, pages = paa
    synthesis = pages[page_of(pages, "Synthèse")]
    totals = content["totals"]
    squeezed = squeeze(synthesis)
    assert squeeze(f"{totals['actions']} actions suivies") in squeezed
    assert squeeze(f"{totals['mean_progress']} % avancement moyen") in squeezed
    assert squeeze(f"{totals['done']} réalisées") in squeezed
    assert squeeze(f"{totals['statuses']['sans_point']} sans point de suivi") in squeezed
    assert "Premier bilan : pas de comparaison." in synthesis


@pytest.mark.django_db
def test_french_typography_is_printed_as_typed(paa):
    _, _, _, pages = paa
    synthesis = pages[page_of(pages, "Synthèse")]
    for text in ("Une année d’élan", "« Les Pitchouns »", "cœur du bourg —", "€ → 2027"):
        assert text in synthesis
    assert squeeze("12\u202f000") in squeeze(synthesis)


@pytest.mark.django_db
def test_indicators_coverage_and_petite_enfance_figures_are_printed(paa):
    content, _, _, pages = paa
    indicators = squeeze(" ".join(pages[page_of(pages, "Indicateurs") :]))
    for indicator in content["indicators"]:
        assert squeeze(indicator["name"][:40]) in indicators
    assert squeeze("Sous la cible (écart −0,1 %)") in indicators
    facilities = squeeze(pages[page_of(pages, "Équipements et couverture")])
    assert squeeze(f"{content['facilities']['count']} équipements en service") in facilities
    petite_enfance = squeeze(" ".join(pages[page_of(pages, "Volet petite enfance pour la CDSF") :]))
    for schema in content["petite_enfance"]["schemas"]:
        assert squeeze(f"Schéma de {schema['ao']}") in petite_enfance


@pytest.mark.django_db
def test_each_chart_is_an_image_in_the_pdf(paa):
    _, blocks, reader, _ = paa
    charts = [block for block in blocks if isinstance(block, Chart)]
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == len(charts)
    for image in images:
        assert image.image.mode == "RGB"


@pytest.mark.django_db
def test_a_final_bilan_prints_what_changed_since_the_previous_one(demo_loaded, django_db_blocker):
    previous = demo_content(django_db_blocker, TARN_AGOUT, kind="annuel", year=2025)
    content = demo_content(
        django_db_blocker, TARN_AGOUT, kind="final", year=2026, previous=previous
    )
    _, pages = read(write_pdf(build_blocks(content), title=content["title"]))
    comparison = content["comparison"]
    start = page_of(pages, "Ce qui a changé depuis le bilan précédent")
    text = squeeze(" ".join(pages[start : page_of(pages, "Faits marquants et difficultés")]))
    assert (
        squeeze(f"{comparison['mean_progress_before']} % → {comparison['mean_progress_after']} %")
        in text
    )
    for change in comparison["status_changes"]:
        assert squeeze(change["action"][:40]) in text


# --- Hand-made blocks --------------------------------------------------------------------------


def test_blocks_without_cover_are_numbered_from_the_first_page():
    blocks = [Heading("Synthèse", 1), Paragraph("Un seul paragraphe.")]
    reader, pages = read(write_pdf(blocks, title="Essai", author="Coordination CTG"))
    assert len(pages) == 1
    assert "page 1 / 1" in pages[0]
    assert reader.metadata.author == "Coordination CTG"


def test_oversized_cells_and_charts_are_fitted_to_the_page():
    long_text = " ".join(["Accompagnement des familles monoparentales du territoire"] * 60)
    blocks = [
        Cover("Bilan annuel 2026", ("CTG d’essai",), "Document de travail"),
        Heading("Tableau", 1),
        Heading("Un niveau sauté", 3),
        Table(
            headers=("N°", "Action", "Statut"),
            rows=(("1", long_text, "En cours"), ("2", "Courte", ""), ("3",)),
            widths=(1, 12, 2),
            emphasis=frozenset({1}),
            numeric=frozenset({0}),
            caption="Un tableau aux cellules longues",
        ),
        Table(headers=("Vide",), rows=()),
        KeyFigures(tuple((str(number), f"chiffre {number}") for number in range(7))),
        Bullets(("premier", "second")),
        Chart(png=tiny_png(), width_cm=40, height_cm=60, alt="Un graphique trop grand."),
        PageBreak(),
        PageBreak(),
        Heading("Fin", 1),
    ]
    reader, pages = read(write_pdf(blocks, title="Essai"))
    text = squeeze(" ".join(pages))
    assert squeeze(long_text[:200]) in text
    assert squeeze("Un graphique trop grand.") in text
    assert "chiffre6" in text
    # One break between parts, however many are asked in a row.
    assert pages[-1].lstrip().startswith("Fin")
    assert f"page {len(pages)} / {len(pages)}" in pages[-1]
    # The skipped level is brought back under its part in the PDF outline.
    assert [
        item.title if not isinstance(item, list) else [i.title for i in item]
        for item in reader.outline
    ] == [
        "Tableau",
        ["Un niveau sauté"],
        "Fin",
    ]
