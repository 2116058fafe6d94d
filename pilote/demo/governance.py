"""The governance of the demo CTGs: bodies, members, meetings, attendance and decisions.

Seed 003 (Provence-Alpes-Agglomération) describes its governance (article 6, annexe 4): a COPIL
co-chaired by the Caf and the agglomération, at parity with the communes, the Conseil
départemental and the SDJES, a comité technique and commissions de travail. The two other demo
CTGs get a plausible generic governance. Dates are fixed from each CTG's first year; meetings
held before `today` have their attendance, minutes and decisions, the later ones only an agenda.
Decisions point at real elements of the plans, found by level and number. Persons are named only
when the convention names them (its signatories) or when they are demo users.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import User
from pilote.conventions.models import Convention
from pilote.governance.bodies.services import (
    BodyData,
    DecisionData,
    MeetingData,
    MemberData,
    add_decision,
    create_body,
    create_meeting,
    record_attendance,
    record_minutes,
    replace_members,
)
from pilote.governance.enums import AttendanceStatus, BodyKind, DecisionKind, MeetingKind
from pilote.governance.models import Body
from pilote.plans.models import PlanNode

PAA = "provence-alpes-agglomeration-2026-2030"
TARN = "tarn-agout-2023-2026"
SALON = "pays-salonais-2025-2028"
MAIL = "demo.pilote-ctg.invalid"

PRESENT, REPRESENTED, EXCUSED, ABSENT = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.REPRESENTED,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)


@dataclass(frozen=True)
class DecisionSpec:
    kind: str
    text: str
    # (level name, number) of the plan element, or None for a general decision.
    node: tuple[str, str] | None = None
    postponed_to: int | None = None


@dataclass(frozen=True)
class MeetingSpec:
    body: str  # the body's name
    kind: str
    # Years after the CTG's first year, month, day.
    when: tuple[int, int, int]
    title: str
    location: str
    agenda: str
    minutes: str = ""
    other_attendees: str = ""
    # One status per member of the body, in order; missing ones are not recorded.
    attendance: tuple[str, ...] = ()
    decisions: tuple[DecisionSpec, ...] = ()


@dataclass(frozen=True)
class BodySpec:
    kind: str
    name: str
    mission: str
    members: tuple[MemberData, ...]


@dataclass
class GovernanceResult:
    convention: Convention
    created: bool
    bodies: int = 0
    meetings: int = 0
    decisions: int = 0
    skipped: list[str] = field(default_factory=list)


def _member(organisation, person="", role="", email="", voting=True) -> MemberData:
    return MemberData(
        organisation=organisation,
        person=person,
        role=role,
        email=f"{email}@{MAIL}" if email else "",
        voting=voting,
    )


# ---------------------------------------------------------------------------------------------
# Provence-Alpes-Agglomération (seed 003)
# ---------------------------------------------------------------------------------------------

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
            _member("Caf des Alpes-de-Haute-Provence", "Sébastien NEFFAH", "Directeur"),
            _member(
                "Caf des Alpes-de-Haute-Provence",
                "Alain PICOZZI",
                "Président du conseil d'administration",
            ),
            _member(
                "Communauté d'agglomération Provence-Alpes-Agglomération",
                "Patricia GRANET-BRUNELLO",
                "Présidente",
                "secretariat.ctg.paa",
            ),
            _member("Commune d'Aiglun", "Michel AUDRAN", "Maire"),
            _member("Commune de Château-Arnoux-Saint-Auban", "René VILLARD", "Maire"),
            _member("Commune de Digne-les-Bains", "", "Adjoint·e au maire délégué·e à la famille"),
            _member("Commune du Brusquet", "Gilbert REINAUDO", "Maire"),
            _member("Commune de L'Escale", "Claude FIAERT", "Maire"),
            _member("Commune de Malijai", "Sonia FONTAINE", "Maire"),
            _member("Commune des Mées", "Frédéric PUECH", "Maire"),
            _member("Commune de Peyruis", "Patrick VIVOS", "Maire"),
            _member("Commune de Seyne", "Laurent PASCAL", "Maire"),
            _member("Commune de Volonne", "Sandrine COSSERAT", "Maire"),
            _member(
                "Conseil départemental des Alpes-de-Haute-Provence",
                "",
                "Conseiller·e départemental·e délégué·e à l'enfance et à la famille",
            ),
            _member(
                "SDJES des Alpes-de-Haute-Provence (DSDEN)",
                "",
                "Chef·fe du service départemental à la jeunesse, à l'engagement et aux sports",
            ),
            _member(
                "Communauté d'agglomération Provence-Alpes-Agglomération",
                "Sarah Fabre",
                "Chargée de coopération CTG",
                "cooperation.paa",
                voting=False,
            ),
            _member(
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
            _member(
                "Communauté d'agglomération Provence-Alpes-Agglomération",
                "Sarah Fabre",
                "Chargée de coopération CTG",
                "cooperation.paa",
            ),
            _member(
                "Caf des Alpes-de-Haute-Provence",
                "Hugo Bernard",
                "Conseiller territorial",
                "caf04",
            ),
            _member(
                "Communauté d'agglomération Provence-Alpes-Agglomération",
                "",
                "Responsable du service petite enfance",
            ),
            _member("Commune de Digne-les-Bains", "", "Direction enfance-jeunesse"),
            _member("Commune de Château-Arnoux-Saint-Auban", "", "Direction du CCAS"),
            _member("Commune des Mées", "", "Coordination enfance-jeunesse"),
            _member(
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
            _member(
                "Communauté d'agglomération Provence-Alpes-Agglomération",
                "",
                "Responsable du service petite enfance",
            ),
            _member("Relais petite enfance de l'agglomération", "", "Animatrice"),
            _member("Gestionnaires d'EAJE du territoire", "", "Directions de crèche (2 sièges)"),
            _member(
                "Conseil départemental des Alpes-de-Haute-Provence",
                "",
                "Protection maternelle et infantile (PMI)",
            ),
            _member(
                "Caf des Alpes-de-Haute-Provence",
                "",
                "Conseillère petite enfance – parentalité",
            ),
            _member(
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


# ---------------------------------------------------------------------------------------------
# Tarn-Agout (seed 001) and Pays salonais (seed 000): generic governance
# ---------------------------------------------------------------------------------------------

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
            _member("Caf du Tarn", "", "Directeur·rice"),
            _member("Communauté de communes Tarn-Agout", "", "Président·e"),
            _member("Communauté de communes Tarn-Agout", "", "Vice-président·e enfance-jeunesse"),
            _member("Commune de Saint-Sulpice-la-Pointe", "", "Maire"),
            _member("Commune de Lavaur", "", "Adjoint·e au maire déléguée à la jeunesse"),
            _member("Conseil départemental du Tarn", "", "Conseiller·e départemental·e"),
            _member("MSA Midi-Pyrénées Nord", "", "Responsable action sociale", voting=False),
            _member(
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
            _member(
                "Communauté de communes Tarn-Agout",
                "Julien Roux",
                "Chargé de coopération CTG",
                "cooperation.tarnagout",
            ),
            _member("Caf du Tarn", "", "Conseiller·e territorial·e"),
            _member("Communauté de communes Tarn-Agout", "", "Pôle enfance"),
            _member("Communauté de communes Tarn-Agout", "", "Services jeunesse"),
            _member("CCAS de Saint-Sulpice-la-Pointe", "", "Direction"),
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

SALON_COPIL = "COPIL CTG Pays salonais"
SALON_COTECH = "Comité technique CTG"

SALON_BODIES = (
    BodySpec(
        BodyKind.COPIL,
        SALON_COPIL,
        "Caf des Bouches-du-Rhône et communes de la CTG, avec le Conseil départemental. Suit le "
        "plan d'action et décide de ses ajustements.",
        (
            _member("Caf des Bouches-du-Rhône", "", "Directeur·rice"),
            _member("Commune de Salon-de-Provence", "", "Maire"),
            _member("Commune de Pélissanne", "", "Maire"),
            _member("Commune de Saint-Chamas", "", "Maire"),
            _member("Commune de Lançon-Provence", "", "Maire"),
            _member("Commune de Velaux", "", "Maire"),
            _member("Commune de Rognac", "", "Maire"),
            _member("Conseil départemental des Bouches-du-Rhône", "", "Conseiller·e délégué·e"),
            _member(
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
            _member(
                "Commune de Salon-de-Provence",
                "Inès Garcia",
                "Chargée de coopération CTG",
                "cooperation.salonais",
            ),
            _member("Caf des Bouches-du-Rhône", "", "Conseiller·e territorial·e"),
            _member("Relais petite enfance Salon-de-Provence / Saint-Chamas", "", "Animatrice"),
            _member("Commune de Pélissanne", "", "Service enfance-jeunesse"),
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

SPECS = {
    PAA: (PAA_BODIES, PAA_MEETINGS),
    TARN: (TARN_BODIES, TARN_MEETINGS),
    SALON: (SALON_BODIES, SALON_MEETINGS),
}


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


def generate_demo_governance(*, today: datetime.date | None = None) -> list[GovernanceResult]:
    """Give each demo CTG its governance (skipped for a CTG that already has bodies)."""
    today = today or timezone.localdate()
    results = []
    for slug, (bodies, meetings) in SPECS.items():
        convention = Convention.objects.filter(slug=slug).first()
        if convention is None:
            continue
        if Body.objects.filter(convention=convention).exists():
            results.append(GovernanceResult(convention, created=False))
            continue
        with transaction.atomic():
            results.append(_generate(convention, bodies, meetings, today))
    return results


def demo_coordinator(convention: Convention) -> User | None:
    """Return the demo coordinator of the CTG, who signs the history (None if absent)."""
    return (
        User.objects.filter(memberships__convention=convention, memberships__role=Role.COORDINATOR)
        .order_by("username")
        .first()
    )


def _find_node(convention: Convention, ref: tuple[str, str] | None) -> PlanNode | None:
    if ref is None:
        return None
    level, number = ref
    return (
        PlanNode.objects.filter(convention=convention, level__name=level, number=number)
        .select_related("level")
        .order_by("pk")
        .first()
    )


def _generate(convention, bodies, meetings, today: datetime.date) -> GovernanceResult:
    result = GovernanceResult(convention, created=True)
    by = demo_coordinator(convention)
    by_name: dict[str, Body] = {}
    for spec in bodies:
        body = create_body(
            convention, BodyData(kind=spec.kind, name=spec.name, mission=spec.mission), by=by
        )
        replace_members(body, list(spec.members), by=by)
        by_name[spec.name] = body
        result.bodies += 1
    first_year = convention.start_date.year
    for spec in meetings:
        offset, month, day = spec.when
        date = datetime.date(first_year + offset, month, day)
        body = by_name[spec.body]
        meeting = create_meeting(
            convention,
            MeetingData(
                body=body,
                kind=spec.kind,
                date=date,
                title=spec.title,
                location=spec.location,
                agenda=spec.agenda,
            ),
            by=by,
        )
        result.meetings += 1
        if date >= today:
            continue  # not held yet: an agenda only
        members = list(body.members.order_by("position", "pk"))
        record_attendance(
            meeting,
            {member.pk: status for member, status in zip(members, spec.attendance, strict=False)},
            other_attendees=spec.other_attendees,
            by=by,
        )
        if spec.minutes:
            record_minutes(meeting, spec.minutes, by=by)
        for decision in spec.decisions:
            node = _find_node(convention, decision.node)
            if decision.node is not None and node is None:
                result.skipped.append(f"{decision.node[0]} {decision.node[1]}")
                continue
            add_decision(
                meeting,
                DecisionData(
                    kind=decision.kind,
                    text=decision.text,
                    node=node,
                    postponed_to=decision.postponed_to,
                ),
                by=by,
            )
            result.decisions += 1
    return result
