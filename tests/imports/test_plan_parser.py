"""Finding the plan: numbering schemes, labels, nesting, fields, tables, warnings, the seeds."""

import json

import pytest

from pilote.imports.accuracy import compare
from pilote.imports.exceptions import DocumentError
from pilote.imports.proposal import propose_plan

from .builders import DEMO_DIR, SEED_000, SEED_001, SEED_003, docx_bytes, walk


def propose(text: str, filename: str = "plan.txt") -> dict:
    return propose_plan(text.encode("utf-8"), filename).to_dict()


def outline(nodes: list[dict], depth: int = 0) -> list[str]:
    """Return "kind number title" lines indented by depth, to compare whole trees."""
    lines = []
    for node in nodes:
        head = " ".join(part for part in (node["kind"], node["number"]) if part)
        lines.append(f"{'  ' * depth}{head} | {node['title']}")
        lines.extend(outline(node["children"], depth + 1))
    return lines


def find(plan: dict, number: str, kind: str | None = None) -> dict:
    return next(
        node
        for node in walk(plan["plan"])
        if node["number"] == number and (kind is None or node["kind"] == kind)
    )


# ------------------------------------------------------------------ numbering schemes


def test_roman_axes_with_decimal_actions_nest_by_scheme():
    plan = propose(
        "I - Petite enfance\n1. Créer un relais\n2. Ouvrir une crèche\n"
        "II. Jeunesse\n3. Ouvrir un point information jeunesse\n"
    )
    assert outline(plan["plan"]) == [
        "Niveau 1 I | Petite enfance",
        "  Niveau 2 1 | Créer un relais",
        "  Niveau 2 2 | Ouvrir une crèche",
        "Niveau 1 II | Jeunesse",
        "  Niveau 2 3 | Ouvrir un point information jeunesse",
    ]
    assert plan["convention"]["level_names"] == ["Niveau 1", "Niveau 2"]


def test_hierarchical_decimal_numbers_nest_under_their_prefix():
    plan = propose(
        "1. Accès aux droits\n1.1 Informer les familles\n1.1.1 Créer un guide\n"
        "1.2 Former les agents\n2) Parentalité\n2.1 Ouvrir un LAEP\n"
    )
    assert outline(plan["plan"]) == [
        "Niveau 1 1 | Accès aux droits",
        "  Niveau 2 1.1 | Informer les familles",
        "    Niveau 3 1.1.1 | Créer un guide",
        "  Niveau 2 1.2 | Former les agents",
        "Niveau 1 2 | Parentalité",
        "  Niveau 2 2.1 | Ouvrir un LAEP",
    ]


def test_letters_under_labelled_orientations():
    plan = propose(
        "Orientation 1 – Accueil du jeune enfant\nA) Augmenter l'offre collective\n"
        "B) Soutenir les assistants maternels\nOrientation 2 – Jeunesse\na) Créer un conseil\n"
    )
    assert outline(plan["plan"]) == [
        "Orientation 1 | Accueil du jeune enfant",
        "  Niveau 2 A | Augmenter l'offre collective",
        "  Niveau 2 B | Soutenir les assistants maternels",
        "Orientation 2 | Jeunesse",
        "  Niveau 2 a | Créer un conseil",
    ]


@pytest.mark.parametrize(
    ("line", "kind", "number", "title"),
    [
        ("Fiche action N°3 : Créer un LAEP", "Fiche action", "3", "Créer un LAEP"),
        ("FICHE ACTION 1 — COORDINATION", "Fiche action", "1", "COORDINATION"),
        ("FA 3 - Créer un LAEP", "Fiche action", "3", "Créer un LAEP"),
        ("Fiche 3 : Créer un LAEP", "Fiche", "3", "Créer un LAEP"),
        ("Axe 2 : Jeunesse", "Axe", "2", "Jeunesse"),
        ("Axe stratégique II – Jeunesse", "Axe stratégique", "II", "Jeunesse"),
        ("OS 1.2 Favoriser l'accès aux droits", "Objectif stratégique", "1.2", "Favoriser"),
        ("OO 4 : Ouvrir un LAEP", "Objectif opérationnel", "4", "Ouvrir un LAEP"),
        ("OI 2 - Mailler le territoire", "Objectif intermédiaire", "2", "Mailler"),
        ("Objectif opérationnel 3 : Former", "Objectif opérationnel", "3", "Former"),
        ("Action clé 1.1 : Actualiser le projet", "Action clé", "1.1", "Actualiser le projet"),
    ],
)
def test_labelled_elements_take_the_level_name_written_in_the_document(line, kind, number, title):
    (node,) = propose(line)["plan"]
    assert (node["kind"], node["number"]) == (kind, number)
    assert node["title"].startswith(title)


def test_labels_nest_axes_objectives_and_fiches():
    plan = propose(
        "Axe stratégique 1 : Favoriser l'accès aux droits\n"
        "OI 1.1 : Améliorer l'information des familles\n"
        "OO 1.1.1 : Créer un guide des familles\n"
        "Fiche 1 : Guide des familles\n"
        "Fiche 2 : Site internet\n"
        "OO 1.1.2 : Former les agents d'accueil\n"
        "Fiche 3 : Formation des agents\n"
        "Axe stratégique 2 : Soutenir la parentalité\n"
    )
    assert outline(plan["plan"]) == [
        "Axe stratégique 1 | Favoriser l'accès aux droits",
        "  Objectif intermédiaire 1.1 | Améliorer l'information des familles",
        "    Objectif opérationnel 1.1.1 | Créer un guide des familles",
        "      Fiche 1 | Guide des familles",
        "      Fiche 2 | Site internet",
        "    Objectif opérationnel 1.1.2 | Former les agents d'accueil",
        "      Fiche 3 | Formation des agents",
        "Axe stratégique 2 | Soutenir la parentalité",
    ]
    assert plan["convention"]["tracked_levels"] == ["Fiche"]


def test_a_list_announced_by_a_label_takes_its_name_and_its_owner():
    plan = propose(
        "Fiche action 1 — Coordination\n\nActions clés :\n\n"
        "• 1.1 Actualiser le projet social de territoire pour aligner les priorités locales "
        "avec les\n"
        "besoins actuels.\n"
        "• 1.2 Clarifier le rôle des comités techniques.\n\n"
        "Fiche action 2 — Accès aux droits\nActions clés :\n• 2.1 Favoriser l'accès à la culture.\n"
    )
    assert outline(plan["plan"]) == [
        "Fiche action 1 | Coordination",
        "  Action clé 1.1 | Actualiser le projet social de territoire pour aligner les priorités "
        "locales avec les besoins actuels.",
        "  Action clé 1.2 | Clarifier le rôle des comités techniques.",
        "Fiche action 2 | Accès aux droits",
        "  Action clé 2.1 | Favoriser l'accès à la culture.",
    ]


def test_ocr_bullets_and_a_heading_naming_the_levels():
    plan = propose(
        "Axes stratégiques et actions clés\n1. Cohésion territoriale\n"
        "Objectif : Assurer une coordination efficace.\nActions :\n"
        "e Mettre a jour le projet social.\no Créer un observatoire social.\n"
        "2. Accès aux droits\nActions :\no Développer les Maisons France Services.\n"
    )
    assert outline(plan["plan"]) == [
        "Axe stratégique 1 | Cohésion territoriale",
        "  Action | Mettre à jour le projet social.".replace("à", "a"),
        "  Action | Créer un observatoire social.",
        "Axe stratégique 2 | Accès aux droits",
        "  Action | Développer les Maisons France Services.",
    ]
    assert plan["plan"][0]["objective"] == "Assurer une coordination efficace."


# ------------------------------------------------------------------ fields


def test_fields_of_a_fiche_periods_pilots_and_labelled_texts():
    plan = propose(
        "Fiche action 1 : Créer un relais petite enfance\n"
        "Objectif : Informer les familles.\n"
        "Description : Un relais itinérant.\n"
        "Résultat attendu : Des familles mieux informées.\n"
        "Public cible : Parents et assistants maternels\n"
        "Pilote(s) : CCAS, Caf des Alpes-de-Haute-Provence\n"
        "Partenaires associés\n- PMI\n- Réseau REAAP\n"
        "Calendrier : T2 2026 - 2027\n"
        "Indicateurs\n- Nombre de familles reçues\n- Taux de satisfaction\n"
        "Fiche action 2 : Ouvrir un LAEP\nÉchéance : 2026 -2030\n"
        "Fiche action 3 : Former les agents\nPériode : 2025\n"
    )
    first, second, third = plan["plan"]
    assert first["objective"] == "Informer les familles."
    assert first["expected_result"] == "Des familles mieux informées."
    assert first["target_public"] == "Parents et assistants maternels"
    assert first["pilots"] == ["Caf des Alpes-de-Haute-Provence", "CCAS"]
    assert first["partners"] == ["PMI", "Réseau REAAP"]
    assert [i["name"] for i in first["indicators"]] == [
        "Nombre de familles reçues",
        "Taux de satisfaction",
    ]
    assert "Un relais itinérant." in first["description"]
    assert first["period"] == {
        "start_year": 2026,
        "start_quarter": 2,
        "end_year": 2027,
        "end_quarter": None,
    }
    assert (second["period"]["start_year"], second["period"]["end_year"]) == (2026, 2030)
    assert (third["period"]["start_year"], third["period"]["end_year"]) == (2025, 2025)


# ------------------------------------------------------------------ tables


def test_a_word_table_with_groups_numbers_periods_and_pilots():
    data = docx_bytes(
        [
            ["Thématique", "N°", "Actions", "Calendrier", "Pilote(s)"],
            ["Petite enfance", "1", "Créer une micro-crèche", "2026", "Commune de Digne"],
            ["", "2", "Ouvrir un relais petite enfance", "2026-2027", "CA PAA + Caf"],
            ["Logement", "3", "Lutter contre l'habitat indigne", "T2 2027", ""],
        ]
    )
    plan = propose_plan(data, "plan.docx").to_dict()

    assert outline(plan["plan"]) == [
        "Thématique | Petite enfance",
        "  Action 1 | Créer une micro-crèche",
        "  Action 2 | Ouvrir un relais petite enfance",
        "Thématique | Logement",
        "  Action 3 | Lutter contre l'habitat indigne",
    ]
    second = find(plan, "2")
    assert second["pilots"] == ["CA PAA", "Caf"]
    assert (second["period"]["start_year"], second["period"]["end_year"]) == (2026, 2027)
    assert plan["plan"][0]["thematics"] == ["petite-enfance"]


def test_a_table_with_two_levels_in_one_column_bold_fiches_and_plain_objectives():
    data = docx_bytes(
        [
            ["N° Fiche Action", "Actions et Objectifs Opérationnels", "démarrage en"],
            ["**1**", "**Répondre aux besoins des familles**", ""],
            ["1", "Recenser les besoins", "2024"],
            ["2", "Former le personnel", ""],
            ["**2**", "**Promouvoir les métiers**", ""],
            ["3", "Valoriser le métier d'assistante maternelle", "2025"],
        ]
    )
    plan = propose_plan(data, "plan.docx").to_dict()

    assert outline(plan["plan"]) == [
        "Fiche action 1 | Répondre aux besoins des familles",
        "  Objectif opérationnel 1 | Recenser les besoins",
        "  Objectif opérationnel 2 | Former le personnel",
        "Fiche action 2 | Promouvoir les métiers",
        "  Objectif opérationnel 3 | Valoriser le métier d'assistante maternelle",
    ]
    # "démarrage en": a single year is when the objective starts, not its whole span.
    assert find(plan, "1", "Objectif opérationnel")["period"]["end_year"] is None


# ------------------------------------------------------------------ what is left aside


def test_articles_tables_of_contents_and_page_numbers_are_not_plan_elements():
    plan = propose(
        "Sommaire\n1. Préambule ........ 2\n2. Plan d'actions ....... 4\n"
        "ARTICLE 1 - OBJET DE LA CONVENTION\n1. Le suivi continu du plan d'action\n"
        "ANNEXE 1 - DIAGNOSTIC PARTAGÉ\n2.1. Démographie\n12\n"
        "ANNEXE 3 - PLAN D'ACTIONS\n1. Cohésion territoriale\n2. Accès aux droits\n"
        "ANNEXE 4 - MODALITÉS DE PILOTAGE\n1. Le comité de pilotage\n"
    )
    assert outline(plan["plan"]) == [
        "Niveau 1 1 | Cohésion territoriale",
        "Niveau 1 2 | Accès aux droits",
    ]
    assert plan["warnings"][0].startswith("3 ligne(s) numérotée(s) hors des parties du plan")


def test_a_document_without_a_plan_is_refused_in_french():
    with pytest.raises(DocumentError, match="Aucun plan d'actions n'a été trouvé"):
        propose("La présente convention est conclue pour cinq ans.\nElle peut être modifiée.\n")


# ------------------------------------------------------------------ warnings


def test_a_numbering_gap_and_a_duplicated_number_are_warned():
    plan = propose("1. Créer un relais\n2. Ouvrir un LAEP\n4. Former\n4. Informer les familles\n")
    warnings = " ".join(plan["warnings"])
    assert "pas d'élément « Niveau 1 » n° 3 (entre 1 et 4)" in warnings
    assert "le n° 4 au même endroit du plan" in warnings


def test_numbers_inferred_from_a_continuous_numbering_are_warned():
    plan = propose(
        "Axe 1 : Petite enfance\nOrientations :\n1. Accueillir\n2. Informer\n"
        "Axe 2 : Jeunesse\nOrientations :\n- Mobiliser les jeunes\n4. Soutenir les projets\n"
    )
    # The bullet "Mobiliser les jeunes" sits between orientations 2 and 4: it is the 3rd.
    assert find(plan, "3")["title"] == "Mobiliser les jeunes"
    assert any("Numéros déduits de l'ordre" in warning for warning in plan["warnings"])


# ------------------------------------------------------------------ the seeds


@pytest.mark.parametrize(
    ("seed", "slug"),
    [
        (SEED_000, "pays-salonais-2025-2028"),
        (SEED_001, "tarn-agout-2023-2026"),
        (SEED_003, "provence-alpes-agglomeration-2026-2030"),
    ],
)
def test_the_seeds_give_their_demo_plans_as_the_accuracy_bench_measures(seed, slug):
    if not seed.exists():
        pytest.skip(f"seed absente : {seed}")
    truth = json.loads((DEMO_DIR / f"{slug}.json").read_text(encoding="utf-8"))
    proposal = propose_plan(seed.read_bytes(), seed.name).to_dict()

    result = compare(truth, proposal)

    assert result["found"] / result["expected"] >= 0.95, result["misses"]
    assert proposal["convention"]["level_names"] == truth["convention"]["level_names"]
    assert proposal["convention"]["tracked_levels"] == truth["convention"]["tracked_levels"]


def test_seed_003_fiches_carry_their_fields_and_leave_the_convention_aside():
    if not SEED_003.exists():
        pytest.skip("seed 003 absente")
    proposal = propose_plan(SEED_003.read_bytes(), SEED_003.name).to_dict()
    coordination = find(proposal, "1", "Fiche action")

    assert coordination["objective"].startswith("Renforcer la cohérence et la lisibilité")
    assert coordination["expected_result"].startswith("Une organisation territoriale plus claire")
    assert coordination["target_public"].startswith("L'ensemble des acteurs institutionnels")
    assert "Territoire concerné : PAA" in coordination["description"]
    assert "Réseau REAAP" in coordination["partners"]
    assert len(coordination["indicators"]) == 5
    assert (proposal["convention"]["start_date"], proposal["convention"]["end_date"]) == (
        "2026-01-01",
        "2030-12-31",
    )
    titles = [node["title"] for node in walk(proposal["plan"])]
    assert not any(
        title.startswith(("Contexte et présentation", "Le suivi continu")) for title in titles
    )


def test_seed_000_merged_table_cells_are_realigned_with_a_warning():
    if not SEED_000.exists():
        pytest.skip("seed 000 absente")
    proposal = propose_plan(SEED_000.read_bytes(), SEED_000.name).to_dict()
    groups = {node["title"]: [c["number"] for c in node["children"]] for node in proposal["plan"]}

    assert groups["Enfance - Jeunesse"] == ["12", "13", "14", "15", "16", "17"]
    assert groups["Handicap"] == ["18", "19"]
    assert any("« Handicap » a été rattaché" in warning for warning in proposal["warnings"])
    # The action without a year in the row of years keeps no period.
    assert find(proposal, "11")["period"]["start_year"] is None
    assert find(proposal, "10")["period"]["start_year"] == 2026


def test_a_fiche_titled_by_an_intitule_field_and_a_fiche_named_without_number():
    plan = propose(
        "FICHE ACTION N°4\n"
        "Intitulé : Développer l'accueil des enfants en situation de handicap\n"
        "Partenaires : CAF, PMI\n\n"
        "Fiche action : Créer un LAEP itinérant\n"
        "Objectif : Rompre l'isolement des parents.\n"
    )
    assert outline(plan["plan"]) == [
        "Fiche action 4 | Développer l'accueil des enfants en situation de handicap",
        "Fiche action | Créer un LAEP itinérant",
    ]
    assert plan["plan"][0]["partners"] == ["CAF", "PMI"]
    assert plan["plan"][1]["objective"] == "Rompre l'isolement des parents."


def test_a_table_of_fiches_one_row_each_fills_their_fields():
    data = docx_bytes(
        [
            ["N°", "Intitulé de l'action", "Objectifs", "Pilote", "Partenaires", "Indicateurs"],
            ["1", "Créer une micro-crèche", "Augmenter l'offre", "Commune", "Caf, PMI", "Places"],
            ["2", "Ouvrir un RPE", "Informer les familles", "CA PAA", "Caf", "Familles reçues"],
        ]
    )
    plan = propose_plan(data, "plan.docx").to_dict()

    assert outline(plan["plan"]) == [
        "Action 1 | Créer une micro-crèche",
        "Action 2 | Ouvrir un RPE",
    ]
    first = plan["plan"][0]
    assert first["objective"] == "Augmenter l'offre"
    assert (first["pilots"], first["partners"]) == (["Commune"], ["Caf", "PMI"])
    assert [indicator["name"] for indicator in first["indicators"]] == ["Places"]


def test_fiches_whose_header_names_their_axe_are_placed_under_it():
    plan = propose(
        "FICHE ACTION N°1\nAxe 1 : Petite enfance\nIntitulé : Créer un relais petite enfance\n\n"
        "FICHE ACTION N°2\nAxe 2 : Jeunesse\nIntitulé : Ouvrir un point information jeunesse\n\n"
        "FICHE ACTION N°3\nAxe 1 : Petite enfance\nIntitulé : Former les assistants maternels\n"
        "Axe stratégique : Accueil du jeune enfant\n"
    )
    assert outline(plan["plan"]) == [
        "Axe 1 | Petite enfance",
        "  Fiche action 1 | Créer un relais petite enfance",
        "  Fiche action 3 | Former les assistants maternels",
        "Axe 2 | Jeunesse",
        "  Fiche action 2 | Ouvrir un point information jeunesse",
    ]
    assert "Axe stratégique : Accueil du jeune enfant" in find(plan, "3")["description"]


def test_a_skipped_line_that_looks_like_a_title_is_warned():
    plan = propose("1. Créer un relais\nPETITE ENFANCE\n2. Ouvrir un LAEP\n")
    assert plan["warnings"] == [
        "1 ligne(s) ressemblant à des titres n'ont pas été reprises dans le plan : "
        "ligne 2 « PETITE ENFANCE »."
    ]


def test_an_annex_titled_on_its_next_line_and_fiches_in_an_annex_of_another_name():
    plan = propose(
        "ARTICLE 3 - ENGAGEMENTS\n1. La Caf s'engage à financer.\n"
        "ANNEXE 3 -\nPLAN D'ACTIONS\n1. Cohésion territoriale\n"
        "ANNEXE 4 - ENGAGEMENTS DES PARTENAIRES\n"
        "Fiche action 1 : Coordination\nActions clés :\n1.1 Actualiser le projet social\n"
    )
    assert outline(plan["plan"]) == [
        "Niveau 1 1 | Cohésion territoriale",
        "Fiche action 1 | Coordination",
        "  Action clé 1.1 | Actualiser le projet social",
    ]


def test_a_table_that_is_not_a_plan_is_left_aside_with_a_warning():
    data = docx_bytes(
        "1. Petite enfance",
        [["Gestionnaire", "Nom", "Type"], ["Commune de Digne", "Les Petits Pas", "EAJE"]],
        "2. Jeunesse",
    )
    plan = propose_plan(data, "plan.docx").to_dict()

    assert outline(plan["plan"]) == ["Niveau 1 1 | Petite enfance", "Niveau 1 2 | Jeunesse"]
    assert plan["warnings"] == [
        "Tableau (ligne 2) non repris : il ne contient ni numéros, ni éléments nommés (axe, "
        "action…), ni colonne d'actions."
    ]
