"""The importer on the corpus of plans (tests/data/plans): recall and precision, the lines it
did not place, and the layouts the corpus taught it (one test per generalisation)."""

import json
from pathlib import Path

import pytest

from pilote.imports.accuracy import corpus_score
from pilote.imports.exceptions import DocumentError
from pilote.imports.proposal import propose_plan

from .builders import docx_bytes, walk

CORPUS = Path(__file__).resolve().parents[1] / "data" / "plans"
# Written apart from the parser, in layouts the corpus does not have (build_unseen.py).
UNSEEN = CORPUS / "unseen"


def corpus_documents(folder: Path = CORPUS) -> list[tuple[Path, dict]]:
    documents = []
    for gold in sorted(folder.glob("*.gold.json")):
        name = gold.name.removesuffix(".gold.json")
        (path,) = [p for p in folder.glob(f"{name}.*") if p != gold]
        documents.append((path, json.loads(gold.read_text(encoding="utf-8"))))
    return documents


def propose(text: str, filename: str = "plan.txt") -> dict:
    return propose_plan(text.encode("utf-8"), filename).to_dict()


@pytest.mark.parametrize(
    ("folder", "count", "formats", "elements"),
    [
        (CORPUS, 20, {".docx", ".pdf", ".txt", ".md"}, 500),
        (UNSEEN, 8, {".docx", ".odt", ".pdf", ".txt", ".md"}, 200),
    ],
    ids=["corpus", "unseen"],
)
def test_the_corpus_is_read_with_recall_and_precision_of_at_least_95_percent(
    folder, count, formats, elements
):
    documents = corpus_documents(folder)
    assert len(documents) >= count
    assert {path.suffix for path, _ in documents} == formats
    expected = found = proposed = 0
    worst = []
    for path, truth in documents:
        try:
            proposal = propose_plan(path.read_bytes(), path.name).to_dict()
        except DocumentError:
            proposal = {"plan": [], "convention": {"level_names": []}}
        result = corpus_score(truth, proposal)
        expected += result["expected"]
        found += result["found"]
        proposed += result["proposed"]
        worst.append((round(result["recall"], 2), round(result["precision"], 2), path.name))
    assert expected > elements
    assert found / expected >= 0.95, sorted(worst)[:5]
    assert found / proposed >= 0.95, sorted(worst, key=lambda row: row[1])[:5]


# ------------------------------------------------------------------ lines not placed


def test_numbered_lines_off_the_plan_are_listed_as_unplaced_with_their_line():
    proposal = propose_plan(
        "LES PRINCIPAUX CONSTATS DU DIAGNOSTIC\n"
        "1. Une natalité en baisse depuis 2015\n"
        "2. Des familles monoparentales nombreuses\n"
        "PLAN D'ACTIONS\n"
        "1. Petite enfance\n1.1 Créer un relais petite enfance\n".encode(),
        "plan.txt",
    )
    assert [(n["number"], n["title"]) for n in walk(proposal.to_dict()["plan"])] == [
        ("1", "Petite enfance"),
        ("1.1", "Créer un relais petite enfance"),
    ]
    assert [(line.line_no, line.number, line.reason) for line in proposal.unplaced] == [
        (2, "1", "hors du plan d'actions"),
        (3, "2", "hors du plan d'actions"),
    ]
    data = proposal.to_dict()["unplaced"][0]
    assert data["text"] == "1. Une natalité en baisse depuis 2015"
    assert data["parent_path"] == []
    assert data["parent_key"] is None
    assert proposal.to_dict()["dropped_levels"] == []


def test_a_title_like_line_left_out_is_unplaced_under_the_element_above():
    proposal = propose_plan(
        "Axe 1 : Petite enfance\n1. Créer un relais\nPETITE ENFANCE\n2. Ouvrir un LAEP\n".encode(),
        "plan.txt",
    )
    (line,) = proposal.unplaced
    assert (line.text, line.line_no, line.reason) == (
        "PETITE ENFANCE",
        3,
        "ligne ressemblant à un titre",
    )
    assert line.suggested_parent_key == "Niveau 2 1"
    assert line.suggested_parent_path == (0, 0)


# ------------------------------------------------------------------ generalisations


def test_a_fiche_page_whose_fields_are_a_two_column_table_is_one_fiche():
    data = docx_bytes(
        ("bold", "FICHE ACTION N°4"),
        [
            ["Axe", "Axe 2 : Soutenir la fonction parentale"],
            ["Intitulé", "Ouvrir un lieu d'accueil enfants-parents"],
            ["Pilote", "CCAS, Caf"],
            ["Calendrier", "2026-2027"],
        ],
    )
    plan = propose_plan(data, "fiches.docx").to_dict()
    (axe,) = plan["plan"]
    assert (axe["kind"], axe["number"], axe["title"]) == (
        "Axe",
        "2",
        "Soutenir la fonction parentale",
    )
    (fiche,) = axe["children"]
    assert (fiche["kind"], fiche["number"]) == ("Fiche action", "4")
    assert fiche["title"] == "Ouvrir un lieu d'accueil enfants-parents"
    assert fiche["pilots"] == ["Caf", "CCAS"]
    assert fiche["period"]["start_year"] == 2026
    assert fiche["period"]["end_year"] == 2027


def test_a_word_paragraph_after_a_long_title_is_not_glued_to_it():
    data = docx_bytes(
        ("Heading 2", "Axe 1 – Accompagner les familles"),
        "1.1 Soutenir le recrutement et la formation des animateurs BAFA dans les communes",
        "Les modalités seront précisées en comité technique",
    )
    plan = propose_plan(data, "plan.docx").to_dict()
    action = plan["plan"][0]["children"][0]
    assert action["title"] == (
        "Soutenir le recrutement et la formation des animateurs BAFA dans les communes"
    )


def test_thematic_parts_restart_the_numbering_and_become_the_top_level():
    plan = propose(
        "PARTIE 1 – PETITE ENFANCE\nAxe 1 : Adapter l'offre\nFiche action 1 : Créer un RPE\n"
        "PARTIE 2 – JEUNESSE\nAxe 1 : Adapter l'offre\nFiche action 1 : Ouvrir un PIJ\n"
    )
    assert [(n["kind"], n["number"], n["title"]) for n in plan["plan"]] == [
        ("Partie", "1", "PETITE ENFANCE"),
        ("Partie", "2", "JEUNESSE"),
    ]
    jeunesse = plan["plan"][1]["children"][0]
    assert (jeunesse["number"], jeunesse["children"][0]["title"]) == ("1", "Ouvrir un PIJ")


def test_capital_lines_above_a_numbering_are_unnumbered_groups():
    plan = propose(
        "PETITE ENFANCE\n1. Créer un relais (2025)\n2. Ouvrir une crèche (2026-2027)\n"
        "JEUNESSE\n3. Ouvrir un point information jeunesse\n"
    )
    assert [(n["title"], [c["number"] for c in n["children"]]) for n in plan["plan"]] == [
        ("PETITE ENFANCE", ["1", "2"]),
        ("JEUNESSE", ["3"]),
    ]
    first = plan["plan"][0]["children"][0]
    assert first["title"] == "Créer un relais"
    assert (first["period"]["start_year"], first["period"]["end_year"]) == (2025, 2025)


def test_a_list_of_annexes_does_not_cut_the_document_into_sections():
    plan = propose(
        "1. Petite enfance\n1.1 Créer un relais\n\nListe des annexes\n"
        "Annexe 1 : Diagnostic partagé\nAnnexe 2 : Plan d'actions\n"
    )
    assert [n["number"] for n in walk(plan["plan"])] == ["1", "1.1"]


@pytest.mark.parametrize(
    "line",
    ["Orientation : Orientation 2 – Jeunesse", "Orientation : Orientation 2 : Jeunesse"],
)
def test_a_field_naming_the_element_with_its_number_gives_the_number(line):
    plan = propose(f"{line}\nFiche action 3 : Ouvrir un PIJ\n")
    assert (plan["plan"][0]["number"], plan["plan"][0]["title"]) == ("2", "Jeunesse")


def test_markdown_parts_each_with_its_table_keep_their_restarting_numbers_apart():
    row = "| Axe 1 : Adapter l'offre | 1.1 Mieux connaître les besoins | {n} | {title} | Caf |"
    header = "| Axe | Objectif | N° | Fiche action | Pilote |\n|---|---|---|---|---|"
    plan = propose(
        "# Projet global de territoire 2024-2027\n\n## Petite enfance\n\n"
        f"{header}\n{row.format(n=1, title='Réaliser une enquête')}\n\n## Jeunesse\n\n"
        f"{header}\n{row.format(n=1, title='Mener un diagnostic jeunesse')}\n",
        "pgt.md",
    )
    assert [(n["title"], n["kind"]) for n in plan["plan"]] == [
        ("Petite enfance", "Thématique"),
        ("Jeunesse", "Thématique"),
    ]
    fiches = [part["children"][0]["children"][0]["children"][0] for part in plan["plan"]]
    assert [(f["number"], f["title"]) for f in fiches] == [
        ("1", "Réaliser une enquête"),
        ("1", "Mener un diagnostic jeunesse"),
    ]


def test_numbered_headings_of_the_diagnostic_and_the_governance_are_not_the_plan():
    plan = propose(
        "## 1. Les constats du diagnostic\n1. Une natalité en baisse\n"
        "## 2. Le plan d'actions\n### Axe 1 – Petite enfance\n1.1 Créer un RPE\n"
        "## 3. Gouvernance\n1. Le comité de pilotage\n",
        "ctg.md",
    )
    assert [(n["number"], n["title"]) for n in walk(plan["plan"])] == [
        ("1", "Petite enfance"),
        ("1.1", "Créer un RPE"),
    ]


def test_a_table_of_contents_without_dot_leaders_gives_no_titles_with_page_numbers():
    fiches = "".join(
        f"\nFICHE ACTION N°{n}\nIntitulé : {title}\nPilote : CCAS\n"
        for n, title in enumerate(["Créer un RPE", "Ouvrir une MAM", "Ouvrir un PIJ"], 1)
    )
    plan = propose(
        "Fiche action n°1 – Créer un RPE 4\nFiche action n°2 – Ouvrir une MAM 5\n"
        f"Fiche action n°3 – Ouvrir un PIJ 6\n{fiches}"
    )
    assert [(n["number"], n["title"], n["pilots"]) for n in plan["plan"]] == [
        ("1", "Créer un RPE", ["CCAS"]),
        ("2", "Ouvrir une MAM", ["CCAS"]),
        ("3", "Ouvrir un PIJ", ["CCAS"]),
    ]


def test_a_level_named_only_inside_the_fiches_is_a_dropped_level_with_a_warning():
    proposal = propose_plan(
        "Fiche action 1 : Créer un RPE\nPilote : CCAS\nAxe stratégique : Parentalité\n"
        "Fiche action 2 : Ouvrir un PIJ\n".encode(),
        "fiches.txt",
    )
    assert proposal.dropped_levels == ["Axe stratégique"]
    assert proposal.to_dict()["dropped_levels"] == ["Axe stratégique"]
    assert any("« Axe stratégique »" in warning for warning in proposal.warnings)
    assert proposal.roots[0].description == ["Axe stratégique : Parentalité"]


def test_numbered_headings_dissolved_as_parts_of_the_document_are_warned():
    plan = propose("# 1. Nos priorités\nAxe 1 : Petite enfance\nAxe 2 : Jeunesse\n", "ctg.md")
    assert [n["title"] for n in plan["plan"]] == ["Petite enfance", "Jeunesse"]
    assert any("« 1 Nos priorités »" in warning for warning in plan["warnings"])
