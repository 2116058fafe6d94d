"""A plausible governance for the demo CTG of Tarn-Agout."""

from __future__ import annotations

from pilote.governance.enums import BodyKind, DecisionKind, MeetingKind

from .governance_specs import (
    ABSENT,
    EXCUSED,
    PRESENT,
    REPRESENTED,
    BodySpec,
    DecisionSpec,
    MeetingSpec,
    member,
)

TARN_COPIL = "COPIL CTG Tarn-Agout"

TARN_COTECH = "Comité technique CTG"

TARN_BODIES = (
    BodySpec(
        BodyKind.COPIL,
        TARN_COPIL,
        "Caf du Tarn, communauté de communes Tarn-Agout et représentant·es des communes, avec "
        "le Conseil départemental et la MSA. Valide le plan d'actions et ses ajustements ; se "
        "réunit au moins une fois par an.",
        (
            member("Caf du Tarn", "", "Directeur·rice"),
            member("Communauté de communes Tarn-Agout", "", "Président·e"),
            member("Communauté de communes Tarn-Agout", "", "Vice-président·e enfance-jeunesse"),
            member("Commune de Saint-Sulpice-la-Pointe", "", "Maire"),
            member("Commune de Lavaur", "", "Adjoint·e au maire déléguée à la jeunesse"),
            member("Conseil départemental du Tarn", "", "Conseiller·e départemental·e"),
            member("MSA Midi-Pyrénées Nord", "", "Responsable action sociale", voting=False),
            member(
                "Communauté de communes Tarn-Agout",
                "Julien Roux",
                "Chargé de coopération CTG",
                "cooperation.tarnagout",
                voting=False,
            ),
        ),
    ),
    BodySpec(
        BodyKind.COTECH,
        TARN_COTECH,
        "Pôle enfance, services jeunesse, CCAS, Maison du Département et Caf. Suit les fiches "
        "actions et prépare les COPIL.",
        (
            member(
                "Communauté de communes Tarn-Agout",
                "Julien Roux",
                "Chargé de coopération CTG",
                "cooperation.tarnagout",
            ),
            member("Caf du Tarn", "", "Conseiller·e territorial·e"),
            member("Communauté de communes Tarn-Agout", "", "Pôle enfance"),
            member("Communauté de communes Tarn-Agout", "", "Services jeunesse"),
            member("CCAS de Saint-Sulpice-la-Pointe", "", "Direction"),
        ),
    ),
)

OBJECTIVE = "Objectif opérationnel"

TARN_MEETINGS = (
    MeetingSpec(
        TARN_COPIL,
        MeetingKind.OTHER,
        (0, 9, 21),
        "Validation du plan d'actions 2023-2026",
        "Siège de la communauté de communes, Saint-Sulpice-la-Pointe",
        "Restitution du diagnostic partagé\nPlan d'actions : 4 axes, 9 orientations, 16 fiches "
        "actions\nGouvernance et suivi de la CTG",
        minutes="Le COPIL valide le plan d'actions élaboré avec les groupes projet.",
        attendance=(PRESENT, PRESENT, PRESENT, PRESENT, EXCUSED, PRESENT, PRESENT, PRESENT),
        decisions=(
            DecisionSpec(
                DecisionKind.VALIDATION,
                "Le COPIL valide le plan d'actions 2023-2026 : 4 axes, 9 orientations "
                "stratégiques, 16 fiches actions et 38 objectifs opérationnels.",
            ),
        ),
    ),
    MeetingSpec(
        TARN_COPIL,
        MeetingKind.ANNUAL,
        (1, 12, 12),
        "Point d'étape 2024",
        "Siège de la communauté de communes, Saint-Sulpice-la-Pointe",
        "Avancement 2024 des fiches actions\nPriorités 2025",
        minutes="Bon avancement de l'axe 1 ; l'étude des besoins d'accueil de loisirs du sud du "
        "territoire attend les résultats du questionnaire.",
        attendance=(PRESENT, REPRESENTED, PRESENT, EXCUSED, PRESENT, ABSENT, PRESENT, PRESENT),
        decisions=(
            DecisionSpec(
                DecisionKind.VALIDATION,
                "Le guide du parent en Tarn-Agout sera diffusé au printemps 2025.",
                (OBJECTIVE, "5"),
            ),
            DecisionSpec(
                DecisionKind.POSTPONE,
                "L'étude des besoins d'accueil de loisirs dans le sud du territoire est reportée "
                "à 2025, après le questionnaire aux familles.",
                (OBJECTIVE, "14"),
                postponed_to=2025,
            ),
        ),
    ),
    MeetingSpec(
        TARN_COTECH,
        MeetingKind.OTHER,
        (2, 3, 18),
        "Préparation du bilan intermédiaire",
        "Pôle enfance, Lavaur",
        "Relecture du tableau de suivi partagé\nPlan du bilan intermédiaire",
        attendance=(PRESENT, PRESENT, PRESENT, EXCUSED, PRESENT),
    ),
    MeetingSpec(
        TARN_COPIL,
        MeetingKind.MIDTERM,
        (2, 6, 12),
        "Bilan intermédiaire de la CTG",
        "Siège de la communauté de communes, Saint-Sulpice-la-Pointe",
        "Bilan intermédiaire : réalisations, difficultés, ajustements\nSuites à donner : avenant "
        "éventuel",
        minutes="Le bilan intermédiaire conduit à un avenant n° 1 au plan d'actions (un objectif "
        "ajouté pour les 11-17 ans, un intitulé précisé, un pilote ajouté, un objectif retiré), "
        "signé le 26 juin 2025.",
        attendance=(PRESENT, PRESENT, PRESENT, PRESENT, PRESENT, EXCUSED, PRESENT, PRESENT),
        decisions=(
            DecisionSpec(
                DecisionKind.ABANDON,
                "Le « Vis ma vie » entre partenaires est abandonné : les Petits Déj' Partenaires "
                "répondent au besoin d'interconnaissance.",
                (OBJECTIVE, "32"),
            ),
            DecisionSpec(
                DecisionKind.POSTPONE,
                "La promotion de l'habitat partagé et inclusif est reportée à 2026, faute de "
                "projet identifié.",
                (OBJECTIVE, "37"),
                postponed_to=2026,
            ),
        ),
    ),
    MeetingSpec(
        TARN_COPIL,
        MeetingKind.FINAL,
        (3, 12, 10),
        "Bilan final et préparation du renouvellement",
        "Siège de la communauté de communes, Saint-Sulpice-la-Pointe",
        "Bilan final de la CTG 2023-2026\nÉvaluation de la démarche\nPréparation de la CTG "
        "suivante",
    ),
)
