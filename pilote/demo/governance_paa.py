"""The governance of Provence-Alpes-Agglomération, as its convention describes it (annexe 4)."""

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

PAA_COPIL = "Comité de pilotage CTG"

PAA_COTECH = "Comité technique CTG"

PAA_COMMISSION = "Commission petite enfance – parentalité"

PAA_BODIES = (
    BodySpec(
        BodyKind.COPIL,
        PAA_COPIL,
        "Composé à parité de représentants de la Caf, de la communauté d'agglomération, des "
        "communes, du Conseil départemental et de la DSDEN, représentée par le SDJES (article 6). "
        "Copiloté par la Caf et la communauté d'agglomération ; secrétariat permanent assuré par "
        "la communauté d'agglomération. Chargé de l'impulsion et de la prise de décision, garant "
        "du suivi du plan d'actions et de l'évaluation de la convention ; se réunit une à deux "
        "fois par an (annexe 4). Des personnes ressources peuvent y participer à titre "
        "consultatif.",
        (
            member("Caf des Alpes-de-Haute-Provence", "Sébastien NEFFAH", "Directeur"),
            member(
                "Caf des Alpes-de-Haute-Provence",
                "Alain PICOZZI",
                "Président du conseil d'administration",
            ),
            member(
                "Communauté d'agglomération Provence-Alpes-Agglomération",
                "Patricia GRANET-BRUNELLO",
                "Présidente",
                "secretariat.ctg.paa",
            ),
            member("Commune d'Aiglun", "Michel AUDRAN", "Maire"),
            member("Commune de Château-Arnoux-Saint-Auban", "René VILLARD", "Maire"),
            member("Commune de Digne-les-Bains", "", "Adjoint·e au maire délégué·e à la famille"),
            member("Commune du Brusquet", "Gilbert REINAUDO", "Maire"),
            member("Commune de L'Escale", "Claude FIAERT", "Maire"),
            member("Commune de Malijai", "Sonia FONTAINE", "Maire"),
            member("Commune des Mées", "Frédéric PUECH", "Maire"),
            member("Commune de Peyruis", "Patrick VIVOS", "Maire"),
            member("Commune de Seyne", "Laurent PASCAL", "Maire"),
            member("Commune de Volonne", "Sandrine COSSERAT", "Maire"),
            member(
                "Conseil départemental des Alpes-de-Haute-Provence",
                "",
                "Conseiller·e départemental·e délégué·e à l'enfance et à la famille",
            ),
            member(
                "SDJES des Alpes-de-Haute-Provence (DSDEN)",
                "",
                "Chef·fe du service départemental à la jeunesse, à l'engagement et aux sports",
            ),
            member(
                "Communauté d'agglomération Provence-Alpes-Agglomération",
                "Sarah Fabre",
                "Chargée de coopération CTG",
                "cooperation.paa",
                voting=False,
            ),
            member(
                "Caf des Alpes-de-Haute-Provence",
                "Hugo Bernard",
                "Conseiller territorial",
                "caf04",
                voting=False,
            ),
        ),
    ),
    BodySpec(
        BodyKind.COTECH,
        PAA_COTECH,
        "Réunit les chargé·es de coopération, les services enfance-jeunesse et vie sociale de "
        "l'agglomération et des communes et la Caf. Prépare les COPIL, suit le tableau de suivi "
        "partagé et fait le lien avec les commissions thématiques (action 1.2 : clarifier le "
        "rôle et la composition des comités techniques). Se réunit chaque trimestre.",
        (
            member(
                "Communauté d'agglomération Provence-Alpes-Agglomération",
                "Sarah Fabre",
                "Chargée de coopération CTG",
                "cooperation.paa",
            ),
            member(
                "Caf des Alpes-de-Haute-Provence",
                "Hugo Bernard",
                "Conseiller territorial",
                "caf04",
            ),
            member(
                "Communauté d'agglomération Provence-Alpes-Agglomération",
                "",
                "Responsable du service petite enfance",
            ),
            member("Commune de Digne-les-Bains", "", "Direction enfance-jeunesse"),
            member("Commune de Château-Arnoux-Saint-Auban", "", "Direction du CCAS"),
            member("Commune des Mées", "", "Coordination enfance-jeunesse"),
            member(
                "Conseil départemental des Alpes-de-Haute-Provence",
                "",
                "Maison départementale des solidarités de Digne",
                voting=False,
            ),
        ),
    ),
    BodySpec(
        BodyKind.COMMISSION,
        PAA_COMMISSION,
        "Commission de travail de l'axe 3 et de la fiche action 4 (annexe 4) : développe "
        "l'expertise petite enfance et parentalité et planifie les actions du secteur (places "
        "d'accueil, guichet unique, LAEP, réseau parentalité). Composée des acteurs locaux et des "
        "gestionnaires, à un niveau technique.",
        (
            member(
                "Communauté d'agglomération Provence-Alpes-Agglomération",
                "",
                "Responsable du service petite enfance",
            ),
            member("Relais petite enfance de l'agglomération", "", "Animatrice"),
            member("Gestionnaires d'EAJE du territoire", "", "Directions de crèche (2 sièges)"),
            member(
                "Conseil départemental des Alpes-de-Haute-Provence",
                "",
                "Protection maternelle et infantile (PMI)",
            ),
            member(
                "Caf des Alpes-de-Haute-Provence",
                "",
                "Conseillère petite enfance – parentalité",
            ),
            member(
                "Communauté d'agglomération Provence-Alpes-Agglomération",
                "Sarah Fabre",
                "Chargée de coopération CTG",
                "cooperation.paa",
                voting=False,
            ),
        ),
    ),
)

PAA_MEETINGS = (
    MeetingSpec(
        PAA_COTECH,
        MeetingKind.OTHER,
        (0, 4, 14),
        "Préparation du COPIL d'installation",
        "Hôtel d'agglomération, Digne-les-Bains",
        "Composition des instances de la CTG\nTableau de suivi partagé : présentation et "
        "désignation des référent·es\nCalendrier 2026 du plan d'actions",
        minutes="Le comité technique relit la composition des instances proposée par "
        "l'agglomération et la Caf. Chaque commune désigne un·e référent·e pour le tableau de "
        "suivi partagé, mis à jour chaque trimestre.",
        attendance=(PRESENT, PRESENT, PRESENT, PRESENT, EXCUSED, PRESENT, PRESENT),
        decisions=(
            DecisionSpec(
                DecisionKind.VALIDATION,
                "Le comité technique valide le tableau de suivi partagé et le principe d'une mise "
                "à jour trimestrielle par les référent·es des communes.",
                ("Action clé", "1.1"),
            ),
        ),
    ),
    MeetingSpec(
        PAA_COPIL,
        MeetingKind.OTHER,
        (0, 6, 11),
        "COPIL d'installation de la CTG 2026-2030",
        "Hôtel d'agglomération, Digne-les-Bains",
        "Installation du comité de pilotage et des instances de la CTG\nPriorités et "
        "calendrier 2026-2027 du plan d'actions\nPetite enfance : offre d'accueil et "
        "schéma pluriannuel\nQuestions diverses",
        minutes="Le COPIL est installé sous la coprésidence de la Caf et de la communauté "
        "d'agglomération. La chargée de coopération présente le plan d'actions (7 axes, 6 "
        "fiches actions) et le calendrier proposé : 2026 structuration et gouvernance, 2027 "
        "lancement opérationnel, 2028 montée en puissance et évaluation intermédiaire.\n"
        "Les communes soulignent le besoin de places d'accueil à horaires décalés, mais le local "
        "envisagé à Château-Arnoux-Saint-Auban ne sera pas disponible avant la fin des travaux.",
        other_attendees="Mutualité sociale agricole Provence-Azur (invitée)\n"
        "Centre social La Ruche, Digne-les-Bains (invité)",
        attendance=(
            PRESENT,
            REPRESENTED,
            PRESENT,
            EXCUSED,
            PRESENT,
            PRESENT,
            PRESENT,
            ABSENT,
            PRESENT,
            PRESENT,
            REPRESENTED,
            EXCUSED,
            PRESENT,
            PRESENT,
            EXCUSED,
            PRESENT,
            PRESENT,
        ),
        decisions=(
            DecisionSpec(
                DecisionKind.VALIDATION,
                "Le COPIL valide la composition des instances de la CTG : comité de pilotage, "
                "comité technique trimestriel et commissions de travail thématiques.",
                ("Action clé", "1.2"),
            ),
            DecisionSpec(
                DecisionKind.POSTPONE,
                "L'ouverture de nouvelles places AVIP et de l'accueil à horaires décalés est "
                "reportée à 2028 : le local de Château-Arnoux-Saint-Auban ne sera disponible "
                "qu'à la fin des travaux.",
                ("Action clé", "3.7"),
                postponed_to=2028,
            ),
            DecisionSpec(
                DecisionKind.CHANGE,
                "Le pilotage du guichet unique d'accueil petite enfance est confié au service "
                "petite enfance de l'agglomération ; la commission d'attribution des places "
                "démarrera en 2027.",
                ("Action clé", "4.3"),
            ),
            DecisionSpec(
                DecisionKind.OTHER,
                "Le prochain COPIL, en décembre, présentera le premier point d'étape annuel du "
                "plan d'actions.",
            ),
        ),
    ),
    MeetingSpec(
        PAA_COMMISSION,
        MeetingKind.OTHER,
        (0, 9, 22),
        "Diagnostic des besoins d'accueil du jeune enfant",
        "Relais petite enfance, Château-Arnoux-Saint-Auban",
        "Méthode du diagnostic territorial des besoins d'accueil (action 3.4)\nLAEP : "
        "fréquentation et projets de nouveaux lieux (action 4.5)",
        minutes="La commission arrête la méthode du diagnostic : questionnaire aux familles "
        "diffusé par les crèches, le RPE et les mairies, et données de la Caf sur les "
        "demandes d'accueil.",
        attendance=(PRESENT, PRESENT, REPRESENTED, PRESENT, PRESENT, PRESENT),
        decisions=(
            DecisionSpec(
                DecisionKind.VALIDATION,
                "La commission valide la méthode du diagnostic des besoins d'accueil : résultats "
                "attendus pour le COPIL de 2027.",
                ("Action clé", "3.4"),
            ),
            DecisionSpec(
                DecisionKind.NEW_ACTION,
                "Une permanence itinérante du LAEP sera expérimentée à Seyne et au Brusquet, "
                "à proposer au COPIL.",
                ("Action clé", "4.5"),
            ),
        ),
    ),
    MeetingSpec(
        PAA_COPIL,
        MeetingKind.ANNUAL,
        (0, 12, 10),
        "Point d'étape annuel 2026",
        "Hôtel d'agglomération, Digne-les-Bains",
        "Point d'étape 2026 du plan d'actions : avancement par axe, actions en retard\n"
        "Retour de la commission petite enfance – parentalité\nIndicateurs 2026 et "
        "taux de couverture\nCalendrier 2027",
    ),
)
