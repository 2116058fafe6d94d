"""A plausible governance for the demo CTG of the Pays salonais."""

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

SALON_COPIL = "COPIL CTG Pays salonais"

SALON_COTECH = "Comité technique CTG"

SALON_BODIES = (
    BodySpec(
        BodyKind.COPIL,
        SALON_COPIL,
        "Caf des Bouches-du-Rhône et communes de la CTG, avec le Conseil départemental. Suit le "
        "plan d'action et décide de ses ajustements.",
        (
            member("Caf des Bouches-du-Rhône", "", "Directeur·rice"),
            member("Commune de Salon-de-Provence", "", "Maire"),
            member("Commune de Pélissanne", "", "Maire"),
            member("Commune de Saint-Chamas", "", "Maire"),
            member("Commune de Lançon-Provence", "", "Maire"),
            member("Commune de Velaux", "", "Maire"),
            member("Commune de Rognac", "", "Maire"),
            member("Conseil départemental des Bouches-du-Rhône", "", "Conseiller·e délégué·e"),
            member(
                "Commune de Salon-de-Provence",
                "Inès Garcia",
                "Chargée de coopération CTG",
                "cooperation.salonais",
                voting=False,
            ),
        ),
    ),
    BodySpec(
        BodyKind.COTECH,
        SALON_COTECH,
        "Services enfance-jeunesse des communes, Relais petite enfance et Caf : suivi des "
        "actions entre deux COPIL.",
        (
            member(
                "Commune de Salon-de-Provence",
                "Inès Garcia",
                "Chargée de coopération CTG",
                "cooperation.salonais",
            ),
            member("Caf des Bouches-du-Rhône", "", "Conseiller·e territorial·e"),
            member("Relais petite enfance Salon-de-Provence / Saint-Chamas", "", "Animatrice"),
            member("Commune de Pélissanne", "", "Service enfance-jeunesse"),
        ),
    ),
)

ACTION = "Action"

SALON_MEETINGS = (
    MeetingSpec(
        SALON_COPIL,
        MeetingKind.ANNUAL,
        (0, 12, 11),
        "Point d'étape 2025",
        "Hôtel de ville, Salon-de-Provence",
        "Avancement 2025 du plan d'action\nPriorités 2026",
        minutes="Première année de la CTG : la journée annuelle des acteurs a réuni 80 "
        "participant·es ; la crèche AVIP de Salon-de-Provence n'a pas pu ouvrir en 2025.",
        attendance=(
            PRESENT,
            PRESENT,
            REPRESENTED,
            PRESENT,
            EXCUSED,
            PRESENT,
            ABSENT,
            PRESENT,
            PRESENT,
        ),
        decisions=(
            DecisionSpec(
                DecisionKind.POSTPONE,
                "L'ouverture de la crèche AVIP de 16 places est reportée à 2026 (retard du "
                "chantier).",
                (ACTION, "3"),
                postponed_to=2026,
            ),
            DecisionSpec(
                DecisionKind.VALIDATION,
                "La journée annuelle CTG est reconduite chaque automne.",
                (ACTION, "22"),
            ),
        ),
    ),
    MeetingSpec(
        SALON_COTECH,
        MeetingKind.OTHER,
        (1, 3, 17),
        "Suivi des actions petite enfance",
        "Relais petite enfance, Saint-Chamas",
        "Observatoire de la petite enfance (action 8)\nLAEP itinérant (action 10)",
        attendance=(PRESENT, PRESENT, PRESENT, EXCUSED),
        decisions=(
            DecisionSpec(
                DecisionKind.CHANGE,
                "L'observatoire de la petite enfance s'appuiera sur les données de la Caf "
                "plutôt que sur une enquête propre.",
                (ACTION, "8"),
            ),
        ),
    ),
    MeetingSpec(
        SALON_COPIL,
        MeetingKind.MIDTERM,
        (1, 12, 10),
        "Bilan intermédiaire",
        "Hôtel de ville, Salon-de-Provence",
        "Bilan intermédiaire du plan d'action 2025-2028\nAjustements et avenant éventuel",
    ),
)
