"""The columns of the plan spreadsheet: header, synonyms and help, as the template writes them."""

from __future__ import annotations

from pilote.core.tabular import Column, Columns

COLUMNS = [
    Column(
        "kind",
        "Niveau",
        ("Type", "Type d'élément", "Niveau du plan", "Niveau de l'élément"),
        "Obligatoire (ou « Chemin des niveaux »). Le nom du niveau de l'élément : Axe, "
        "Orientation, Fiche action, Action… Les niveaux se lisent de haut en bas dans l'ordre où "
        "ils apparaissent pour la première fois.",
    ),
    Column(
        "path",
        "Chemin des niveaux",
        ("Chemin", "Niveaux", "Arborescence"),
        "À la place de « Niveau » : les noms des niveaux du plus haut à celui de l'élément, "
        "séparés par « > » (Axe > Fiche action > Action).",
    ),
    Column(
        "number",
        "Numéro",
        ("N°", "No", "Num", "Numéro de l'élément", "Référence", "Réf"),
        "Conseillé : c'est par son niveau et son numéro qu'un élément est retrouvé quand le "
        "fichier est importé de nouveau (1, 1.2, 1.2.3, A, IV…).",
    ),
    Column(
        "parent",
        "Parent",
        ("Numéro du parent", "Élément parent", "Rattachement", "Rattaché à"),
        "Facultatif : le numéro de l'élément dont celui-ci dépend, ou « racine » pour le placer "
        "au premier niveau du plan. Sans lui, le parent est l'élément de niveau supérieur le "
        "plus proche au-dessus.",
    ),
    Column(
        "title",
        "Titre",
        ("Intitulé", "Libellé", "Nom", "Titre de l'action", "Intitulé de l'action"),
        "Obligatoire.",
    ),
    Column(
        "objective",
        "Objectif",
        ("Objectifs", "Objectif global", "Objectif général", "Objectifs de l'action"),
        "Texte libre.",
    ),
    Column(
        "description",
        "Description",
        (
            "Descriptif",
            "Contenu",
            "Modalités",
            "Description de l'action",
            "Modalités de mise en œuvre",
        ),
        "Texte libre.",
    ),
    Column(
        "expected_result",
        "Résultat attendu",
        ("Résultats attendus", "Résultats"),
        "Texte libre.",
    ),
    Column(
        "target_public",
        "Public",
        ("Public cible", "Publics", "Public visé", "Publics cibles", "Bénéficiaires"),
        "Texte libre.",
    ),
    Column(
        "pilots",
        "Pilotes",
        ("Pilote", "Pilote(s)", "Porteur", "Porteurs", "Responsable", "Responsables"),
        "Organisations séparées par « ; » ou des retours à la ligne.",
    ),
    Column(
        "partners",
        "Partenaires",
        ("Partenaire", "Partenaires associés", "Partenaires mobilisés"),
        "Organisations séparées par « ; » ou des retours à la ligne.",
    ),
    Column(
        "thematics",
        "Thématiques",
        ("Thématique", "Champ", "Champs", "Champ d'intervention", "Champs d'intervention"),
        "Séparées par « ; » : petite enfance, enfance, jeunesse, parentalité, accès aux droits, "
        "inclusion numérique, animation de la vie sociale, logement, handicap, accompagnement "
        "social, ou une thématique propre à la CTG (elle est alors créée).",
    ),
    Column(
        "start",
        "Début",
        ("Date de début", "Démarrage", "Année de début", "Début prévu"),
        "Une année (2026), un trimestre (T2 2026) ou une date.",
    ),
    Column(
        "end",
        "Fin",
        ("Date de fin", "Échéance", "Année de fin", "Fin prévue"),
        "Une année (2028), un trimestre (T4 2028) ou une date.",
    ),
    Column(
        "period",
        "Période",
        ("Calendrier", "Échéancier", "Années", "Période de réalisation"),
        "À la place de « Début » et « Fin » : 2025-2026, T1 2026 - T4 2027…",
    ),
    Column("priority", "Priorité", ("Priorite", "Niveau de priorité"), "Haute, moyenne ou basse."),
    Column(
        "origin",
        "Origine",
        ("Action existante ou nouvelle", "Statut de l'action", "Nature de l'action"),
        "Existant, à renforcer ou nouveau.",
    ),
    Column(
        "budget",
        "Budget",
        ("Financement", "Financements", "Budget prévisionnel", "Plan de financement", "Coût"),
        "Une ligne par financeur, séparées par « ; » : « Financeur année : montant » (l'année "
        "est facultative), par exemple « Caf 2026 : 15 000 ; Commune de Digne : 2 500 ».",
    ),
    Column(
        "indicators",
        "Indicateurs",
        ("Indicateur", "Indicateurs d'évaluation", "Critères d'évaluation", "Indicateurs de suivi"),
        "Intitulés séparés par « ; » ou des retours à la ligne.",
    ),
]
PLAN_COLUMNS = Columns(COLUMNS)
COLUMN_BY_FIELD = PLAN_COLUMNS.by_field
TEXT_FIELDS = ("objective", "description", "expected_result", "target_public")
# Proposal fields each column gives (a column absent from a re-imported file changes nothing).
GIVES = {
    "title": ["title"],
    "objective": ["objective"],
    "description": ["description"],
    "expected_result": ["expected_result"],
    "target_public": ["target_public"],
    "pilots": ["pilots"],
    "partners": ["partners"],
    "thematics": ["thematics"],
    "start": ["period"],
    "end": ["period"],
    "period": ["period"],
    "priority": ["priority"],
    "origin": ["origin"],
    "budget": ["budget_lines"],
    "indicators": ["indicators"],
}
