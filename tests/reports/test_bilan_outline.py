"""The outline of a bilan (bilan_outline): the blocks every document is written from.

Built from the demo CTGs' real content (bilan_data.build_bilan on the demo and its follow-up),
then from variants of that content for the cases the demo does not have (late actions, empty
sections, many measured indicators, a closed bilan). The variants draw stub charts: what is
tested there is the outline, not matplotlib.
"""

import copy
import datetime
import struct
import zlib

import pytest

from pilote.conventions.models import Convention
from pilote.core.formats import french_date, french_number, shorten
from pilote.governance.bilans.content import build_bilan
from pilote.reports.bilans.blocks import (
    Bullets,
    Chart,
    Cover,
    Heading,
    KeyFigures,
    Paragraph,
    Table,
)
from pilote.reports.bilans.outline import common as bilan_outline
from pilote.reports.bilans.outline.common import MAX_INDICATOR_CHARTS
from pilote.reports.bilans.outline.document import build_blocks

from .conftest import PAA, TARN_AGOUT

NOW = datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC)
TEXTS = {
    "summary": "Une année d’élan : la crèche « Les Pitchouns » a ouvert.\n\nSecond paragraphe.",
    "highlights": "Le relais petite enfance itinérant dessert désormais 12 communes.",
    "difficulties": "Le recrutement d’éducatrices de jeunes enfants reste difficile.",
    "outlook": "Évaluer le schéma d’accueil en 2027.",
}
PARTS = [
    "Synthèse",
    "Avancement par axe et par thématique",
    "Faits marquants et difficultés",
    "Tableau des actions",
    "Indicateurs",
    "Décisions des instances",
    "Équipements et couverture",
    "Volet petite enfance pour la CDSF",
    "Budget",
    "Annexes",
]
COMPARISON = "Ce qui a changé depuis le bilan précédent"


def demo_content(django_db_blocker, slug: str, **options) -> dict:
    with django_db_blocker.unblock():
        convention = Convention.objects.select_related("departement", "epci").get(slug=slug)
        return build_bilan(convention, now=NOW, **options)


@pytest.fixture(scope="module")
def paa(demo_loaded, django_db_blocker):
    content = demo_content(django_db_blocker, PAA, kind="annuel", year=2026, texts=TEXTS)
    return content, build_blocks(content)


@pytest.fixture(scope="module")
def tarn_agout_final(demo_loaded, django_db_blocker):
    previous = demo_content(django_db_blocker, TARN_AGOUT, kind="annuel", year=2025)
    content = demo_content(
        django_db_blocker, TARN_AGOUT, kind="final", year=2026, previous=previous
    )
    return content, build_blocks(content)


def tiny_png() -> bytes:
    """Return a valid 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def stub_charts(monkeypatch):
    """Draw every chart as a 1×1 image (the outline's variants need no real charts)."""
    png = tiny_png()
    monkeypatch.setattr(bilan_outline.charts, "status_bar", lambda *args, **kwargs: png)
    monkeypatch.setattr(bilan_outline.charts, "progress_bars", lambda *args, **kwargs: (png, 3))
    monkeypatch.setattr(bilan_outline.charts, "indicator_chart", lambda *args, **kwargs: png)
    monkeypatch.setattr(bilan_outline.charts, "coverage_bars", lambda *args, **kwargs: png)


def parts(blocks) -> list[str]:
    return [block.text for block in blocks if isinstance(block, Heading) and block.level == 1]


def section(blocks, title: str) -> list:
    """Return the blocks of a part, from its heading to the next level-1 heading."""
    start = next(
        index
        for index, block in enumerate(blocks)
        if isinstance(block, Heading) and block.level == 1 and block.text == title
    )
    end = next(
        (
            index
            for index, block in enumerate(blocks[start + 1 :], start + 1)
            if isinstance(block, Heading) and block.level == 1
        ),
        len(blocks),
    )
    return blocks[start:end]


def texts_of(blocks) -> list[str]:
    return [block.text for block in blocks if isinstance(block, Paragraph)]


def actions_table(blocks) -> Table:
    return next(
        block for block in section(blocks, "Tableau des actions") if isinstance(block, Table)
    )


# --- The demo bilans ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_first_bilan_has_every_part_in_order_and_says_there_is_no_comparison(paa):
    _, blocks = paa
    assert isinstance(blocks[0], Cover)
    assert parts(blocks) == PARTS
    assert "Premier bilan : pas de comparaison." in texts_of(section(blocks, "Synthèse"))


@pytest.mark.django_db
def test_the_cover_says_what_when_and_that_the_bilan_is_not_frozen(paa):
    content, blocks = paa
    cover = blocks[0]
    assert cover.title == "Bilan annuel 2026"
    assert cover.subtitle[0] == content["convention"]["name"]
    assert "46 communes" in " ".join(cover.subtitle)
    assert "Période couverte : année 2026" in cover.subtitle
    assert cover.status == "Document de travail – bilan non figé (état au 23 novembre 2026)"


@pytest.mark.django_db
def test_the_synthesis_gives_the_coordination_s_text_and_the_key_figures(paa):
    content, blocks = paa
    synthesis = section(blocks, "Synthèse")
    assert texts_of(synthesis)[:2] == [
        "Une année d’élan : la crèche « Les Pitchouns » a ouvert.",
        "Second paragraphe.",
    ]
    totals = content["totals"]
    figures = {
        label: value
        for block in synthesis
        if isinstance(block, KeyFigures)
        for value, label in block.items
    }
    assert figures == {
        "actions suivies": str(totals["actions"]),
        "avancement moyen": f"{totals['mean_progress']}\u00a0%",
        "réalisées": str(totals["done"]),
        "en retard": str(totals["late"]),
        "sans point de suivi": str(totals["statuses"]["sans_point"]),
    }
    axes_table = next(block for block in synthesis if isinstance(block, Table))
    assert [row[0] for row in axes_table.rows] == [axis["label"] for axis in content["axes"]]


@pytest.mark.django_db
def test_every_chart_has_an_image_of_its_size_and_a_text_alternative_with_its_figures(paa):
    content, blocks = paa
    charts = [block for block in blocks if isinstance(block, Chart)]
    # Status, axes, thematics, and the CTG-wide indicator (the others are measured once).
    assert len(charts) == 4
    for chart in charts:
        assert chart.png.startswith(b"\x89PNG")
        assert 0 < chart.width_cm <= 16
        assert chart.height_cm > 0
        assert chart.alt
        assert chart.caption
    statuses = content["totals"]["statuses"]
    assert f"En cours : {statuses['en_cours']}" in charts[0].alt
    first_axis = content["axes"][0]
    assert f"{first_axis['label']} : {first_axis['mean_progress']}\u00a0%" in charts[1].alt
    assert charts[3].alt.startswith("Indicateur « Taux de couverture global » (%)")
    assert "cibles : 2026 : 60,6\u00a0%" in charts[3].alt


@pytest.mark.django_db
def test_every_plan_element_is_in_the_actions_table_in_plan_order(paa):
    content, blocks = paa
    table = actions_table(blocks)
    plan = content["plan"]
    assert len(table.rows) == len(plan)
    for index, (row, element) in enumerate(zip(table.rows, plan, strict=True)):
        assert row[0] == element["number"]
        assert row[1].startswith(element["title"]) or row[1].endswith(element["title"])
        assert (index in table.emphasis) == (not element["tracked"])
        if element["tracked"]:
            assert row[3].startswith(element["status_label"])
    tracked = [row for row in plan if row["tracked"]]
    assert len(tracked) == content["totals"]["actions"]


@pytest.mark.django_db
def test_the_latest_update_is_quoted_shortened_with_its_period(paa):
    content, blocks = paa
    table = actions_table(blocks)
    for row, element in zip(table.rows, content["plan"], strict=True):
        update = element["update"]
        if element["tracked"] and update is None:
            assert row[5] == "Aucun point de suivi"
        elif element["tracked"] and update["done"]:
            assert row[5].startswith(f"{update['period']} : ")
            assert len(row[5]) <= len(update["period"]) + 3 + bilan_outline.UPDATE_EXCERPT


@pytest.mark.django_db
def test_the_indicators_table_has_every_indicator_and_how_it_stands(paa):
    content, blocks = paa
    part = section(blocks, "Indicateurs")
    table = next(block for block in part if isinstance(block, Table))
    assert len(table.rows) == len(content["indicators"])
    coverage = table.rows[0]
    assert coverage == (
        "Taux de couverture global (%)",
        "Toute la CTG",
        "59,1\u00a0% (2025)",
        "60,6\u00a0%",
        "60,5\u00a0% (2026)",
        "Sous la cible (écart −0,1\u00a0%)",
    )
    # Measured once without target: no chart, and the part says how many are left out.
    left_out = len(content["indicators"]) - 1
    assert any(f"{left_out} autres indicateurs" in text for text in texts_of(part))


@pytest.mark.django_db
def test_highlights_and_difficulties_quote_the_updates_with_action_and_period(paa):
    content, blocks = paa
    part = section(blocks, "Faits marquants et difficultés")
    assert TEXTS["highlights"] in texts_of(part)
    assert TEXTS["difficulties"] in texts_of(part)
    assert TEXTS["outlook"] in texts_of(part)
    highlights, difficulties = [block for block in part if isinstance(block, Table)]
    assert len(highlights.rows) == len(content["highlights"])
    assert len(difficulties.rows) == len(content["difficulties"])
    first = content["difficulties"][0]
    assert difficulties.rows[0] == (first["action"], first["period"], first["text"])


@pytest.mark.django_db
def test_the_petite_enfance_part_has_each_authority_and_each_schema(paa):
    content, blocks = paa
    part = section(blocks, "Volet petite enfance pour la CDSF")
    data = content["petite_enfance"]
    authorities = next(block for block in part if isinstance(block, Table))
    assert [row[0] for row in authorities.rows] == [ao["name"] for ao in data["aos"]]
    headings = [block.text for block in part if isinstance(block, Heading) and block.level == 3]
    assert headings == [f"Schéma de {schema['ao']}" for schema in data["schemas"]]
    stand_in = [text for text in texts_of(part) if "tenir lieu de schéma" in text]
    assert len(stand_in) == len(data["schemas"])
    for sentence, schema in zip(stand_in, data["schemas"], strict=True):
        assert sentence.startswith(
            "La CTG peut tenir lieu" if schema["can_stand_in"] else "La CTG ne peut pas encore"
        )
        assert f" {schema['total']} " in sentence
        if not schema["can_stand_in"]:
            assert f": {schema['covered'] or 'aucun des'} " in sentence
    assert "Aucune obligation manquante n’est relevée." in texts_of(part)


@pytest.mark.django_db
def test_facilities_and_coverage_figures(paa):
    content, blocks = paa
    part = section(blocks, "Équipements et couverture")
    facilities = content["facilities"]
    assert f"{facilities['count']} équipements en service au registre de la CTG." in texts_of(part)
    kinds = next(block for block in part if isinstance(block, Table))
    assert sum(int(row[1]) for row in kinds.rows) == facilities["count"]
    figures = next(block for block in part if isinstance(block, KeyFigures))
    # The published rate leads; the register's places come as an incomplete estimate.
    assert figures.items[0] == ("58", "taux publié du territoire (2025)")
    assert ("4", "places comptées au registre (incomplet)") in figures.items
    without = facilities["coverage"]["communes_without"]
    assert any(
        text.startswith(f"{len(without)} communes sur 46 : Aiglun") for text in texts_of(part)
    )


@pytest.mark.django_db
def test_annexes_list_signatories_without_people_and_the_method(paa):
    content, blocks = paa
    part = section(blocks, "Annexes")
    signatories = next(block for block in part if isinstance(block, Table))
    assert signatories.headers == ("Organisation", "Rôle")
    assert len(signatories.rows) == len(content["convention"]["signatories"])
    notes = [block for block in part if isinstance(block, Bullets)]
    assert any("« en retard »" in item for block in notes for item in block.items)


@pytest.mark.django_db
def test_a_final_bilan_says_what_changed_since_the_previous_one(tarn_agout_final):
    content, blocks = tarn_agout_final
    comparison = content["comparison"]
    assert parts(blocks) == [*PARTS[:2], COMPARISON, *PARTS[2:]]
    part = section(blocks, COMPARISON)
    assert texts_of(part)[0] == f"Bilan de référence : {comparison['previous']['title']}."
    figures = next(block for block in part if isinstance(block, KeyFigures))
    assert figures.items[0] == (
        f"{comparison['mean_progress_before']}\u00a0% → {comparison['mean_progress_after']}\u00a0%",
        "avancement moyen",
    )
    changes, progressed, indicators = [block for block in part if isinstance(block, Table)]
    assert [row[0] for row in changes.rows] == [c["action"] for c in comparison["status_changes"]]
    assert [row[0] for row in progressed.rows] == [c["action"] for c in comparison["progressed"]]
    assert indicators.rows[0] == (
        "Taux de couverture global",
        "60,9\u00a0% (2025)",
        "61,1\u00a0% (2026)",
    )
    assert "Aucune action n’a été ajoutée ni retirée du plan." in texts_of(part)
    synthesis = " ".join(texts_of(section(blocks, "Synthèse")))
    assert "Depuis le bilan précédent" in synthesis
    assert "Premier bilan" not in synthesis
    assert blocks[0].subtitle[-1] == "Période couverte : 2023 – 2026"


# --- Variants of the content -------------------------------------------------------------------


@pytest.mark.django_db
def test_empty_sections_say_so_in_a_sentence(paa, stub_charts):
    content = copy.deepcopy(paa[0])
    content["texts"] = dict.fromkeys(content["texts"], "")
    content["plan"] = []
    content["totals"] = {**content["totals"], "actions": 0, "updated": 0, "mean_progress": None}
    content["axes"] = content["thematics"] = []
    content["highlights"] = content["difficulties"] = []
    content["indicators"] = content["decisions"] = []
    content["facilities"] = {"count": 0, "planned": 0, "by_kind": [], "coverage": None}
    content["petite_enfance"]["schemas"] = []
    content["convention"]["signatories"] = []
    blocks = build_blocks(content)
    assert parts(blocks) == PARTS
    sentences = texts_of(blocks)
    for sentence in (
        "La coordination n’a pas rédigé de synthèse pour ce bilan.",
        "Aucune action n’est suivie dans le plan de la CTG.",
        "Aucune thématique n’est associée aux actions du plan.",
        "Aucun fait marquant n’a été rédigé ni relevé dans les points de suivi de la période.",
        "Aucune difficulté n’a été rédigée ni signalée dans les points de suivi de la période.",
        "Le plan d’actions de la CTG est vide.",
        "Aucun indicateur n’est défini dans le plan de la CTG.",
        "Aucune décision d’instance n’est enregistrée pour la période (année 2026).",
        "Aucun équipement n’est enregistré.",
        "Aucun schéma pluriannuel n’est enregistré.",
        "Aucun budget n’est renseigné dans le plan d’actions.",
        "Aucun signataire n’est enregistré.",
        "Aucun avenant n’a été signé.",
    ):
        assert sentence in sentences
    assert not [block for block in blocks if isinstance(block, Chart)]
    assert "Perspectives" not in [block.text for block in blocks if isinstance(block, Heading)]


@pytest.mark.django_db
def test_late_actions_are_marked_in_words(paa, stub_charts):
    content = copy.deepcopy(paa[0])
    late = next(row for row in content["plan"] if row["tracked"] and row["update"])
    late["late"] = True
    content["totals"]["late"] = 1
    table = actions_table(build_blocks(content))
    row = table.rows[content["plan"].index(late)]
    assert row[3] == f"{late['status_label']}\nen retard"
    assert sum("en retard" in row[3] for row in table.rows) == 1


@pytest.mark.django_db
def test_indicator_charts_are_capped_and_the_rest_counted(paa, stub_charts):
    content = copy.deepcopy(paa[0])
    for indicator in content["indicators"]:
        indicator["values"] = [["2025", 2025, "10.00"], ["2026", 2026, "12.00"]]
    blocks = build_blocks(content)
    part = section(blocks, "Indicateurs")
    assert len([block for block in part if isinstance(block, Chart)]) == MAX_INDICATOR_CHARTS
    left_out = len(content["indicators"]) - MAX_INDICATOR_CHARTS
    assert any(f"{left_out} autres indicateurs" in text for text in texts_of(part))


@pytest.mark.django_db
def test_a_closed_bilan_says_when_and_by_whom_it_was_frozen(paa, stub_charts):
    content = copy.deepcopy(paa[0])
    content.update(status="clos", closed_at="2027-01-01T09:30:00+01:00", closed_by="Claire Martin")
    assert build_blocks(content)[0].status == "Bilan figé le 1ᵉʳ janvier 2027 par Claire Martin"


@pytest.mark.django_db
def test_budget_and_decisions_when_there_are_some(paa, stub_charts):
    content = copy.deepcopy(paa[0])
    content["budget"] = {
        "total": "15000.00",
        "by_funder": [["Caf", "12000.00"], ["Commune", "3000.00"]],
        "by_year": [["2026", "15000.00"]],
    }
    content["decisions"] = [
        {
            "date": "2026-06-12",
            "body": "COPIL",
            "kind": "Report",
            "action": "3.7 Créer une crèche",
            "text": "Action reportée",
            "postponed_to": 2028,
        }
    ]
    blocks = build_blocks(content)
    budget = section(blocks, "Budget")
    assert next(block for block in budget if isinstance(block, KeyFigures)).items == (
        ("15\u202f000\u00a0€", "budget total du plan d’actions"),
    )
    funders = next(block for block in budget if isinstance(block, Table))
    assert funders.rows == (("Caf", "12\u202f000\u00a0€"), ("Commune", "3\u202f000\u00a0€"))
    decisions = next(b for b in section(blocks, "Décisions des instances") if isinstance(b, Table))
    assert decisions.rows == (
        (
            "12 juin 2026",
            "COPIL",
            "Report",
            "3.7 Créer une crèche",
            "Action reportée (reportée à 2028)",
        ),
    )


@pytest.mark.django_db
def test_the_coverage_chart_shows_the_highest_rates_and_says_how_many_are_left_out(
    paa, stub_charts
):
    content = copy.deepcopy(paa[0])
    communes = content["facilities"]["coverage"]["communes"]
    for rank, row in enumerate(communes[:30]):
        row["rate"] = {"value": f"{90 - rank}.5", "lower_bound": False, "reason": ""}
    part = section(build_blocks(content), "Équipements et couverture")
    chart = next(block for block in part if isinstance(block, Chart))
    assert chart.caption == "Taux de couverture calculé par commune (les 25 plus élevés sur 30)"
    assert chart.alt.startswith(
        "Taux de couverture calculé par commune (places pour 100 enfants de moins de 3 ans) : "
        f"{communes[0]['name']} : 90,5, "
    )
    assert communes[25]["name"] not in chart.alt
    assert chart.alt.endswith("Taux publié du territoire : 58.")


# --- Helpers -----------------------------------------------------------------------------------


def test_french_dates_and_shortened_texts():
    assert french_date("2026-03-01") == "1ᵉʳ mars 2026"
    assert french_date("2026-11-23T17:11:13+01:00") == "23 novembre 2026"
    assert french_date(None) == ""
    assert shorten("Un  texte\ncourt", 50) == "Un texte court"
    assert shorten("Réunion du comité de pilotage, puis bilan", 25) == "Réunion du comité de…"
    assert french_number(1500) == "1\u202f500"
