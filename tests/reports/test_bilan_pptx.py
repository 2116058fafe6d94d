"""The COPIL slide deck of a bilan (bilan_pptx), read back with python-pptx.

The decks are built from the demo CTGs' real bilans: the largest (Provence-Alpes-Agglomération,
with decisions of its COPIL added), the final bilan of Tarn-Agout compared with its previous
one, and edge cases made from them (long titles, empty sections, a frozen bilan).
"""

import copy
import datetime
import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu

from pilote.conventions.models import Convention
from pilote.governance.bilans.content import NEVER_UPDATED, STATUS_ORDER, build_bilan
from pilote.governance.enums import BodyKind, DecisionKind, MeetingKind
from pilote.governance.models import Body, Decision, Meeting
from pilote.plans.models import PlanNode
from pilote.reports.bilans.documents import render_bilan
from pilote.reports.bilans.slides.deck import BODY_BOTTOM, LINE_SPACING
from pilote.reports.bilans.slides.document import write_pptx

from .conftest import PAA, TARN_AGOUT

NOW = datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC)
TEXTS = {
    "summary": "Une année d’élan : la crèche « Les Pitchouns » a ouvert à Château-Arnoux.",
    "highlights": "Le relais petite enfance itinérant dessert désormais 12 communes.",
    "difficulties": "Le recrutement d’éducatrices de jeunes enfants reste difficile.",
    "outlook": "Évaluer le schéma d’accueil en 2027 et préparer le bilan intermédiaire.",
}
FONTS = Path("/usr/share/fonts/truetype/liberation")  # Liberation Sans: Arial's metrics
SLIDE_TITLES_PAA = [
    "Bilan annuel 2026",
    "Synthèse et chiffres clés",
    "Répartition des actions par statut",
    "Avancement moyen par axe",
    "Avancement moyen par axe (suite)",
    "Avancement moyen par thématique",
]
CLOSING_TITLES_PAA = [
    "Faits marquants et difficultés",
    "Indicateurs sous la cible",
    "Indicateurs clés",
    "Équipements et couverture",
    "Petite enfance : autorités organisatrices",
    "Petite enfance : schémas et bonus trajectoire",
    "Décisions des instances",
    "Perspectives et prochaines étapes",
]


def demo_content(django_db_blocker, slug: str, **options) -> dict:
    with django_db_blocker.unblock():
        convention = Convention.objects.select_related("departement", "epci").get(slug=slug)
        return build_bilan(convention, now=NOW, **options)


def read(data: bytes):
    return Presentation(io.BytesIO(data))


def titles(deck) -> list[str]:
    return [slide.shapes.title.text for slide in deck.slides]


def notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def tables(slide):
    return [shape.table for shape in slide.shapes if shape.has_table]


def charts(deck, title: str):
    return [
        shape.chart
        for slide in deck.slides
        if slide.shapes.title.text.removesuffix(" (suite)") == title
        for shape in slide.shapes
        if shape.has_chart
    ]


def action_rows(deck) -> list[tuple[str, str, str, str]]:
    """Return (slide title, number, action, status) of every row of the tables of actions."""
    rows = []
    for slide in deck.slides:
        for table in tables(slide):
            if [table.cell(0, c).text for c in range(2)] != ["N°", "Action"]:
                continue
            for r in range(1, len(table.rows)):
                if table.cell(r, 0).span_width > 1:  # a group title
                    continue
                cells = [table.cell(r, c).text for c in range(4)]
                rows.append((slide.shapes.title.text, cells[0], cells[1], cells[3]))
    return rows


def is_shortened_from(shown: str, full: str) -> bool:
    """Return True if `shown` is `full` or its beginning cut with "…" (spaces normalised)."""
    full = " ".join(full.split())
    return shown == full or (shown.endswith("…") and full.startswith(shown[:-1]))


@pytest.fixture(scope="module")
def paa_decisions(demo_loaded, django_db_blocker):
    """Record two decisions of the PAA COPIL in 2026 (rolled back with the demo)."""
    with django_db_blocker.unblock():
        convention = Convention.objects.get(slug=PAA)
        body = Body.objects.create(convention=convention, kind=BodyKind.COPIL, name="COPIL")
        meeting = Meeting.objects.create(
            convention=convention,
            body=body,
            kind=MeetingKind.ANNUAL,
            date=datetime.date(2026, 6, 12),
        )
        node = PlanNode.objects.filter(convention=convention, number="3.7").get()
        Decision.objects.create(
            meeting=meeting,
            node=node,
            kind=DecisionKind.POSTPONE,
            text="Action reportée faute de locaux.",
            postponed_to=2028,
        )
        Decision.objects.create(
            meeting=meeting,
            kind=DecisionKind.VALIDATION,
            text="Le COPIL valide le bilan 2025 et le calendrier des groupes de travail.",
            position=1,
        )
        return node


@pytest.fixture(scope="module")
def paa_deck(paa_decisions, django_db_blocker):
    content = demo_content(django_db_blocker, PAA, kind="annuel", year=2026, texts=TEXTS)
    return content, read(write_pptx(content))


@pytest.fixture(scope="module")
def tarn_final(demo_loaded, django_db_blocker):
    previous = demo_content(django_db_blocker, TARN_AGOUT, kind="annuel", year=2025)
    content = demo_content(
        django_db_blocker, TARN_AGOUT, kind="final", year=2026, previous=previous
    )
    return content, read(write_pptx(content))


# --- The largest demo CTG ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_deck_is_a_16_9_presentation_with_its_sections_in_order(paa_deck):
    content, deck = paa_deck
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 16:9
    assert deck.core_properties.title == content["title"]
    assert deck.core_properties.language == "fr-FR"
    found = titles(deck)
    assert found[: len(SLIDE_TITLES_PAA)] == SLIDE_TITLES_PAA
    assert found[-len(CLOSING_TITLES_PAA) :] == CLOSING_TITLES_PAA
    # In between, the actions axis by axis, in the plan's order; no comparison for a first one.
    axes = found[len(SLIDE_TITLES_PAA) : -len(CLOSING_TITLES_PAA)]
    assert axes[0] == "Axe stratégique 1 – Cohésion territoriale et gouvernance sociale"
    assert "Ce qui a changé depuis le bilan précédent" not in found
    # Every slide but the cover is numbered "n / N" in its footer.
    for number, slide in enumerate(list(deck.slides)[1:], start=2):
        footer = {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}
        assert footer["Numéro de diapositive"] == f"{number} / {len(found)}"
        assert footer["Pied de page"] == f"Bilan annuel 2026 – {content['convention']['name']}"


@pytest.mark.django_db
def test_the_cover_gives_the_ctg_its_period_territory_and_working_status(paa_deck):
    content, deck = paa_deck
    cover = deck.slides[0]
    text = "\n".join(shape.text_frame.text for shape in cover.shapes if shape.has_text_frame)
    assert "Bilan annuel 2026" in text
    assert content["convention"]["name"] in text
    assert "Convention territoriale globale 2026 – 2030" in text
    assert (
        "CA Provence-Alpes-Agglomération · 46 communes · 49\u202f137 habitants "
        "(population municipale 2023)"
    ) in text
    assert "Document de travail – bilan non figé (état au 23 novembre 2026)" in text
    # The blue band lies behind the title, not over it.
    shapes = list(cover.shapes)
    assert shapes.index(cover.shapes.title) > 0
    assert not shapes[0].has_text_frame or not shapes[0].text_frame.text


@pytest.mark.django_db
def test_the_key_figures_are_the_totals_of_the_bilan(paa_deck):
    content, deck = paa_deck
    totals = content["totals"]
    slide = deck.slides[1]
    figures = {
        shape.name: [p.text for p in shape.text_frame.paragraphs]
        for shape in slide.shapes
        if shape.name.startswith("Chiffre clé")
    }
    assert list(figures.values()) == [
        [str(totals["actions"]), "actions suivies"],
        [f"{totals['mean_progress']}\u00a0%", "avancement moyen"],
        [str(totals["done"]), "réalisées"],
        [str(totals["late"]), "en retard"],
        [str(totals["statuses"][NEVER_UPDATED]), "sans point de suivi"],
    ]
    text = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert TEXTS["summary"] in text
    assert "en retard : fin prévue passée" in text
    assert "Méthode : " in notes(slide)


@pytest.mark.django_db
def test_the_status_chart_is_a_native_doughnut_of_the_statuses(paa_deck):
    content, deck = paa_deck
    statuses = content["totals"]["statuses"]
    shown = [status for status in STATUS_ORDER if statuses[status]]
    (chart,) = charts(deck, "Répartition des actions par statut")
    assert chart.chart_type == XL_CHART_TYPE.DOUGHNUT
    assert list(chart.plots[0].categories) == [content["status_labels"][s] for s in shown]
    assert chart.plots[0].series[0].values == tuple(float(statuses[s]) for s in shown)
    slide = deck.slides[2]
    assert "Répartition des actions par statut : En cours : 44" in notes(slide)
    frame = next(shape for shape in slide.shapes if shape.has_chart)
    assert frame._element.nvGraphicFramePr.cNvPr.get("descr").startswith("Répartition")
    # The table beside the ring gives the same figures.
    (legend,) = tables(slide)
    assert [legend.cell(r, 1).text for r in range(1, len(shown) + 1)] == [
        str(statuses[s]) for s in shown
    ]


@pytest.mark.django_db
def test_progress_by_axis_and_thematic_are_native_bar_charts_split_when_long(paa_deck):
    content, deck = paa_deck
    axis_charts = charts(deck, "Avancement moyen par axe")
    assert len(content["axes"]) == 13
    assert [len(chart.plots[0].categories) for chart in axis_charts] == [7, 6]
    categories = [c for chart in axis_charts for c in chart.plots[0].categories]
    values = [v for chart in axis_charts for v in chart.plots[0].series[0].values]
    assert len(categories) == len(content["axes"])
    for category, value, axis in zip(categories, values, content["axes"], strict=True):
        assert is_shortened_from(category, axis["label"])
        assert value == axis["mean_progress"]
    for chart in axis_charts:
        assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
        assert chart.value_axis.maximum_scale == 100
    (thematic,) = charts(deck, "Avancement moyen par thématique")
    assert list(thematic.plots[0].categories) == [t["label"] for t in content["thematics"]]
    assert list(thematic.plots[0].series[0].values) == [
        t["mean_progress"] for t in content["thematics"]
    ]


@pytest.mark.django_db
def test_every_tracked_action_is_in_the_table_of_its_axis(paa_deck):
    content, deck = paa_deck
    rows = action_rows(deck)
    tracked = [row for row in content["plan"] if row["tracked"]]
    assert len(rows) == len(tracked) == content["totals"]["actions"]
    axis_title = {}
    for element in content["plan"]:
        if element["depth"] == 0:
            current = element
        axis_title[element["key"]] = f"{current['level']} {current['number']} – {current['title']}"
    for (slide_title, number, title, status), action in zip(rows, tracked, strict=True):
        assert number == (action["number"] or "–")
        assert is_shortened_from(title, action["title"])
        assert status.startswith(f"● {action['status_label']}")
        assert is_shortened_from(slide_title.removesuffix(" (suite)"), axis_title[action["key"]])
    numbered = {number for _, number, _, _ in rows}
    assert {"1.1", "3.10", "3.11", "6.4"} <= numbered


@pytest.mark.django_db
def test_tables_of_actions_hold_ten_rows_at_most_and_continue_on_suite_slides(paa_deck):
    _, deck = paa_deck
    found = titles(deck)
    # Fiche action 3 has 11 actions: 6 then 5 rather than 10 then 1.
    index = found.index("Fiche action 3 – Petite enfance / Enfance / Jeunesse")
    assert found[index + 1] == "Fiche action 3 – Petite enfance / Enfance / Jeunesse (suite)"
    sizes = [len(tables(deck.slides[i])[0].rows) - 1 for i in (index, index + 1)]
    assert sizes == [6, 5]
    per_slide = Counter(slide_title for slide_title, *_ in action_rows(deck))
    assert max(per_slide.values()) <= 10


@pytest.mark.django_db
def test_highlights_put_the_coordination_first_then_excerpts(paa_deck):
    content, deck = paa_deck
    slide = deck.slides[titles(deck).index("Faits marquants et difficultés")]
    left, right = (
        shape.text_frame.text
        for shape in sorted(slide.shapes, key=lambda s: s.left)
        if shape != slide.shapes.title
        and shape.has_text_frame
        and shape.text_frame.text.startswith(("Faits", "Difficultés"))
    )
    assert left.startswith(f"Faits marquants\n{TEXTS['highlights']}\nExtraits des points de suivi")
    assert right.startswith(f"Difficultés\n{TEXTS['difficulties']}\nExtraits")
    # Every excerpt, whole, in the speaker notes.
    for excerpt in content["highlights"] + content["difficulties"]:
        assert excerpt["text"] in notes(slide)


@pytest.mark.django_db
def test_indicators_off_target_are_tabled_and_the_key_one_charted(paa_deck):
    content, deck = paa_deck
    found = titles(deck)
    slide = deck.slides[found.index("Indicateurs sous la cible")]
    off = [i for i in content["indicators"] if i["off_target"]]
    (table,) = tables(slide)
    assert [table.cell(r, 0).text for r in range(1, len(table.rows))] == [i["name"] for i in off]
    assert table.cell(1, 5).text == "−0,1\u00a0pt"  # 60,5 % measured for a 60,6 % target
    (chart,) = charts(deck, "Indicateurs clés")
    assert chart.chart_type == XL_CHART_TYPE.LINE_MARKERS
    coverage = next(i for i in content["indicators"] if i["name"] == "Taux de couverture global")
    assert list(chart.plots[0].categories) == [str(y) for y in range(2025, 2031)]
    series = {s.name: s.values for s in chart.plots[0].series}
    assert series["Valeur mesurée"] == (None, float(coverage["latest"]), None, None, None, None)
    assert series["Cible"][1:] == tuple(float(v) for _, v in coverage["targets"])
    assert series["Référence"][0] == float(coverage["baseline"])
    # The other indicators are in the notes, with their values.
    assert "Autres indicateurs :" in notes(slide)


@pytest.mark.django_db
def test_facilities_coverage_and_petite_enfance(paa_deck):
    content, deck = paa_deck
    found = titles(deck)
    facilities = content["facilities"]
    slide = deck.slides[found.index("Équipements et couverture")]
    figures = [
        shape.text_frame.paragraphs[0].text
        for shape in slide.shapes
        if shape.name.startswith("Chiffre clé")
    ]
    # The published rate leads (issue 14, item 3): places per 100 children, not a percentage.
    assert figures == [str(facilities["count"]), "0", "46", "58"]
    text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert "Taux publié : 58 places pour 100 enfants (millésime 2025" in text
    assert "Places comptées au registre : 4 pour 100 enfants" in text
    assert "estimation incomplète" in text
    assert "≥" not in text
    assert "%" not in text
    (kinds,) = tables(slide)
    assert kinds.cell(1, 0).text == "Accueil de loisirs sans hébergement (ALSH)"
    assert kinds.cell(1, 1).text == "35"
    assert "Communes sans équipement : Aiglun, Archail" in notes(slide)
    slide = deck.slides[found.index("Petite enfance : autorités organisatrices")]
    (aos,) = tables(slide)
    names = [aos.cell(r, 0).text for r in range(1, len(aos.rows))]
    assert names == [ao["name"] for ao in content["petite_enfance"]["aos"]]
    slide = deck.slides[found.index("Petite enfance : schémas et bonus trajectoire")]
    (schemas,) = tables(slide)
    assert schemas.cell(1, 2).text == "6 / 11"
    assert "Bonus trajectoire : Non calculable" in notes(slide)
    assert "EAJE PSU : actuellement 189 ; 189 / 200 / 200 / 200 / 200" in notes(slide)


@pytest.mark.django_db
def test_decisions_of_the_period_and_next_steps(paa_deck, paa_decisions):
    _, deck = paa_deck
    found = titles(deck)
    (table,) = tables(deck.slides[found.index("Décisions des instances")])
    node = paa_decisions
    assert [table.cell(1, c).text for c in (0, 1, 2, 4)] == [
        "12 juin 2026",
        "COPIL",
        "Report",
        "Action reportée faute de locaux. (reportée à 2028)",
    ]
    assert is_shortened_from(table.cell(1, 3).text, f"3.7 {node.title}")
    assert table.cell(2, 3).text == "–"
    slide = deck.slides[found.index("Perspectives et prochaines étapes")]
    text = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert TEXTS["outlook"] in text
    assert "Points d'attention : actions bloquées ou en retard" in text
    assert "Actions bloquées ou en retard :" in notes(slide)


# --- Fitting: nothing leaves the slide ---------------------------------------------------------


def assert_inside(deck) -> None:
    width, height = deck.slide_width, deck.slide_height
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            where = f"slide {number} ({slide.shapes.title.text}), {shape.name}"
            assert shape.left >= 0, where
            assert shape.top >= 0, where
            assert shape.left + shape.width <= width, where
            assert shape.top + shape.height <= height, where
            if shape.has_table:
                rows = sum(row.height for row in shape.table.rows)
                columns = sum(column.width for column in shape.table.columns)
                assert (shape.height, shape.width) == (rows, columns), where
                assert Emu(shape.top + rows).inches <= BODY_BOTTOM + 0.001, where


def measured_lines(paragraph, width: float) -> tuple[int, float]:
    """Return the lines of a paragraph wrapped at `width` inches with Arial's metrics, its size."""
    image_font = pytest.importorskip("PIL.ImageFont")
    runs = [run for run in paragraph.runs if run.text]
    if not runs:
        return 1, 12
    size = runs[0].font.size.pt
    bold = any(run.font.bold for run in runs)
    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    font = image_font.truetype(str(FONTS / name), 100)
    limit = width * 72 / size * 100  # the width in units of a 100-point font
    marL = paragraph._p.pPr.get("marL") if paragraph._p.pPr is not None else None
    if marL:
        limit -= Emu(int(marL)).inches * 72 / size * 100
    lines, current = 1, ""
    for word in paragraph.text.split(" "):
        attempt = f"{current} {word}" if current else word
        if current and font.getlength(attempt) > limit:
            lines, current = lines + 1, word
        else:
            current = attempt
    return lines, size


def text_height(frame, width: float) -> float:
    total = 0.0
    for paragraph in frame.paragraphs:
        lines, size = measured_lines(paragraph, width)
        total += lines * size * LINE_SPACING / 72
        if paragraph.space_before:
            total += paragraph.space_before.pt / 72
    return total


def assert_text_fits(deck) -> None:
    """Wrap every text with Arial's real widths (Liberation Sans) and check its box holds it."""
    if not FONTS.is_dir():
        pytest.skip("Liberation Sans (Arial's metrics) is not installed")
    for number, slide in enumerate(deck.slides, start=1):
        title = slide.shapes.title
        frame = title.text_frame
        inner = Emu(title.width - frame.margin_left - frame.margin_right).inches
        assert measured_lines(frame.paragraphs[0], inner)[0] == 1, f"slide {number}: title"
        for shape in slide.shapes:
            where = f"slide {number} ({title.text}), {shape.name}"
            if shape.has_table:
                table = shape.table
                for r, row in enumerate(table.rows):
                    for c in range(len(table.columns)):
                        cell = table.cell(r, c)
                        if cell.is_spanned:
                            continue
                        span = range(c, c + cell.span_width)
                        width = sum(table.columns[k].width for k in span)
                        width -= cell.margin_left + cell.margin_right
                        needed = text_height(cell.text_frame, Emu(width).inches)
                        needed += Emu(cell.margin_top + cell.margin_bottom).inches
                        assert needed <= Emu(row.height).inches + 0.001, f"{where} {r},{c}"
            elif shape.has_text_frame and shape.text_frame.text and shape != title:
                frame = shape.text_frame
                inner = Emu(shape.width - frame.margin_left - frame.margin_right).inches
                needed = text_height(frame, inner)
                room = Emu(shape.height - frame.margin_top - frame.margin_bottom).inches
                assert needed <= room + 0.001, where


@pytest.mark.django_db
def test_nothing_lies_outside_the_slides_and_every_text_fits_its_box(paa_deck, tarn_final):
    for _, deck in (paa_deck, tarn_final):
        assert_inside(deck)
        assert_text_fits(deck)


@pytest.mark.django_db
def test_long_titles_and_texts_are_shortened_with_the_full_text_in_the_notes(paa_deck):
    content = copy.deepcopy(paa_deck[0])
    long_axis = "Cohésion territoriale, gouvernance sociale et animation du partenariat " * 3
    long_action = "Mettre à jour le projet social de territoire avec les communes " * 6
    content["plan"][0]["title"] = long_axis.strip()
    content["plan"][1]["title"] = long_action.strip()
    content["convention"]["name"] = "CTG " + "Communauté d'agglomération Provence-Alpes " * 4
    long_text = "La coordination a réuni les partenaires chaque trimestre avec assiduité. " * 15
    content["texts"] = dict.fromkeys(content["texts"], f"{long_text}\n{long_text}")
    for element in content["plan"]:
        element["pilots"] = ["Caf des Alpes-de-Haute-Provence", "Commune de Digne-les-Bains"] * 2
    for indicator in content["indicators"]:
        indicator["name"] += " mesuré chaque trimestre auprès des structures" * 3
    deck = read(write_pptx(content))
    slide = deck.slides[titles(deck).index("Synthèse et chiffres clés") + 5]
    assert slide.shapes.title.text.startswith("Axe stratégique 1 – Cohésion territoriale")
    assert slide.shapes.title.text.endswith("…")
    assert long_axis.strip() in notes(slide)
    (table,) = tables(slide)
    assert table.cell(1, 1).text.endswith("…")
    assert long_action.strip() in notes(slide)
    summary = deck.slides[1]
    assert long_text.strip() in notes(summary)
    assert_inside(deck)
    assert_text_fits(deck)


# --- Other bilans ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_final_bilan_shows_what_changed_since_the_previous_one(tarn_final):
    content, deck = tarn_final
    comparison = content["comparison"]
    found = titles(deck)
    assert found[0] == "Bilan final 2026"
    slide = deck.slides[found.index("Ce qui a changé depuis le bilan précédent")]
    figures = [
        shape.text_frame.paragraphs[0].text
        for shape in slide.shapes
        if shape.name.startswith("Chiffre clé")
    ]
    before, after = comparison["mean_progress_before"], comparison["mean_progress_after"]
    assert figures == [
        f"{before}\u00a0% → {after}\u00a0%",
        f"{comparison['done_before']} → {comparison['done_after']}",
        str(len(comparison["status_changes"])),
        str(len(comparison["progressed"])),
    ]
    assert "Depuis le bilan annuel 2025" in "\n".join(
        shape.text_frame.text for shape in slide.shapes if shape.has_text_frame
    )
    changed = [
        table.cell(r, 0).text
        for slide in deck.slides
        if slide.shapes.title.text.startswith("Changements de statut")
        for table in tables(slide)
        for r in range(1, len(table.rows))
    ]
    assert len(changed) == len(comparison["status_changes"])
    for shown, change in zip(changed, comparison["status_changes"], strict=True):
        assert is_shortened_from(shown, change["action"])
    assert "Actions qui ont progressé" in found
    assert "Indicateurs : nouvelles valeurs" in found
    # Deeper plans: orientations and fiches are group rows above their actions.
    assert len(action_rows(deck)) == content["totals"]["actions"]


@pytest.mark.django_db
def test_a_frozen_bilan_says_when_and_by_whom_on_its_cover(paa_deck):
    content = copy.deepcopy(paa_deck[0])
    content.update(status="clos", closed_at="2026-12-15T18:00:00+01:00", closed_by="Claire Martin")
    deck = read(write_pptx(content))
    text = "\n".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert "Bilan figé le 15 décembre 2026 par Claire Martin" in text
    assert "Document de travail" not in text


@pytest.mark.django_db
def test_empty_sections_say_so_and_pasted_control_characters_are_dropped(paa_deck):
    content = copy.deepcopy(paa_deck[0])
    content["texts"] = {"summary": "Texte collé\x0bde Word\x01.", "highlights": "",
                        "difficulties": "", "outlook": ""}  # fmt: skip
    content["highlights"] = content["difficulties"] = content["decisions"] = []
    content["indicators"] = []
    content["facilities"] = {"count": 0, "planned": 0, "by_kind": [], "coverage": None}
    content["petite_enfance"].update(aos=[], schemas=[], missing=[])
    data = write_pptx(content)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
    deck = read(data)
    found = titles(deck)
    assert "Décisions des instances" not in found
    assert "Indicateurs clés" not in found
    text = "\n".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    for sentence in (
        "Texte collé de Word.",
        "Pas de texte de la coordination.",
        "Aucun indicateur n'a à la fois une mesure et une cible pour la même année.",
        "Aucun équipement n'est enregistré.",
        "Aucune autorité organisatrice de l'accueil du jeune enfant n'est identifiée.",
        "Aucun schéma pluriannuel n'est enregistré.",
        "À compléter par la coordination.",
    ):
        assert sentence in text
    assert_inside(deck)


@pytest.mark.django_db
def test_the_largest_demo_bilan_is_built_and_written_again_with_the_same_slides(
    paa_deck, django_db_blocker
):
    # Its speed (under 3 s) is measured by bench/bilan.py, not asserted here.
    content = demo_content(django_db_blocker, PAA, kind="annuel", year=2026, texts=TEXTS)
    data = render_bilan(content, "pptx")
    assert titles(read(data)) == titles(paa_deck[1])


@pytest.mark.django_db
def test_line_breaks_typed_in_a_form_are_line_breaks_in_the_notes_not_x000d(paa_deck):
    content = copy.deepcopy(paa_deck[0])
    # A textarea sends "\r\n" between lines: python-pptx wrote the "\r" as "_x000D_".
    content["texts"]["outlook"] = "Évaluer le schéma en 2027.\r\nPréparer le bilan intermédiaire."
    content["texts"]["difficulties"] = "Recrutement difficile.\r\nLocaux trop petits.\rRetards."
    data = write_pptx(content)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "".join(
            package.read(name).decode() for name in package.namelist() if name.endswith(".xml")
        )
    assert "_x000D_" not in xml
    deck = read(data)
    closing = next(s for s in deck.slides if s.shapes.title.text.startswith("Perspectives"))
    assert "Évaluer le schéma en 2027.\nPréparer le bilan intermédiaire." in notes(closing)
