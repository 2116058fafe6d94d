"""What the corpus plans say: realistic CTG titles, fields and noise, and the plan trees.

Used by build_corpus.py. Everything is drawn from seeded random generators, so that running the
builder again writes the same documents.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

THEMES = {
    "Petite enfance": [
        ("Développer", "l'offre d'accueil collectif du jeune enfant"),
        ("Soutenir", "les assistants maternels dans leur pratique professionnelle"),
        ("Créer", "un relais petite enfance itinérant"),
        ("Favoriser", "l'accueil des enfants en situation de handicap en EAJE"),
        ("Accompagner", "les projets de micro-crèches et de MAM"),
        ("Renforcer", "l'attractivité des métiers de la petite enfance"),
        ("Informer", "les familles sur les modes d'accueil disponibles"),
        ("Adapter", "les horaires d'accueil aux besoins des parents en horaires atypiques"),
        ("Mettre en place", "un guichet unique des demandes d'accueil"),
        ("Structurer", "la formation continue des professionnels de crèche"),
        ("Développer", "les passerelles entre crèche et école maternelle"),
        ("Réaliser", "un schéma pluriannuel de maintien et de développement de l'offre"),
    ],
    "Enfance": [
        ("Harmoniser", "l'offre d'accueil de loisirs sans hébergement"),
        ("Élaborer", "un projet éducatif de territoire intercommunal"),
        ("Favoriser", "la mixité sociale dans les accueils périscolaires"),
        ("Développer", "les séjours et mini-camps pendant les vacances"),
        ("Renforcer", "la qualité éducative des temps périscolaires"),
        ("Soutenir", "le recrutement et la formation des animateurs BAFA"),
        ("Créer", "un accueil de loisirs dans le sud du territoire"),
        ("Améliorer", "l'accueil des enfants à besoins particuliers en ALSH"),
        ("Coordonner", "les acteurs éducatifs autour du parcours de l'enfant"),
        ("Développer", "l'accompagnement à la scolarité (CLAS)"),
        ("Proposer", "des activités culturelles et sportives de proximité"),
    ],
    "Jeunesse": [
        ("Créer", "un point information jeunesse"),
        ("Développer", "les promeneurs du net sur le territoire"),
        ("Favoriser", "l'engagement citoyen des jeunes"),
        ("Accompagner", "les projets portés par les jeunes"),
        ("Ouvrir", "un accueil de jeunes pour les 12-17 ans"),
        ("Soutenir", "l'accès des jeunes au logement autonome"),
        ("Prévenir", "le décrochage scolaire des collégiens"),
        ("Renforcer", "l'aller-vers auprès des jeunes isolés"),
        ("Mettre en place", "un conseil intercommunal des jeunes"),
        ("Faciliter", "la mobilité des jeunes vers l'emploi et la formation"),
        ("Développer", "une prestation de service jeunes"),
        ("Promouvoir", "le BAFA auprès des jeunes du territoire"),
    ],
    "Parentalité": [
        ("Ouvrir", "un lieu d'accueil enfants-parents"),
        ("Développer", "les actions collectives de soutien à la parentalité"),
        ("Créer", "un réseau d'écoute, d'appui et d'accompagnement des parents"),
        ("Organiser", "une semaine de la parentalité"),
        ("Soutenir", "les familles monoparentales"),
        ("Proposer", "des ateliers parents-enfants dans les centres sociaux"),
        ("Rendre visible", "l'offre de médiation familiale"),
        ("Accompagner", "les parents d'adolescents"),
        ("Développer", "les espaces rencontre parents-enfants"),
        ("Former", "les professionnels au soutien à la parentalité"),
    ],
    "Accès aux droits": [
        ("Renforcer", "la coordination entre les acteurs de l'accès aux droits"),
        ("Déployer", "des permanences France Services itinérantes"),
        ("Lutter", "contre le non-recours aux prestations"),
        ("Développer", "l'inclusion numérique des publics fragiles"),
        ("Former", "les agents d'accueil aux démarches en ligne"),
        ("Créer", "un annuaire partagé des services aux familles"),
        ("Accompagner", "les familles vulnérables dans leurs démarches"),
        ("Organiser", "des rendez-vous des droits dans les communes"),
        ("Mettre en place", "des conseillers numériques dans les mairies"),
    ],
    "Animation de la vie sociale": [
        ("Soutenir", "la création d'un espace de vie sociale"),
        ("Accompagner", "le renouvellement du projet du centre social"),
        ("Développer", "le bénévolat et la participation des habitants"),
        ("Favoriser", "le lien intergénérationnel"),
        ("Créer", "des tiers-lieux dans les bourgs-centres"),
        ("Lutter", "contre l'isolement des personnes âgées"),
        ("Animer", "un réseau des acteurs de la vie sociale"),
        ("Organiser", "des fêtes de quartier et des événements fédérateurs"),
    ],
    "Logement et cadre de vie": [
        ("Lutter", "contre l'habitat indigne"),
        ("Prévenir", "les expulsions locatives"),
        ("Accompagner", "les familles dans la rénovation énergétique"),
        ("Développer", "l'offre de logements adaptés aux jeunes"),
        ("Améliorer", "l'information sur les aides au logement"),
        ("Soutenir", "l'accueil des gens du voyage"),
    ],
    "Handicap": [
        ("Favoriser", "l'inclusion des enfants en situation de handicap"),
        ("Créer", "un pôle ressources handicap"),
        ("Former", "les équipes d'animation à l'accueil du handicap"),
        ("Soutenir", "les aidants familiaux"),
        ("Développer", "le répit parental"),
    ],
}
COMPLEMENTS = [
    "",
    "",
    "",
    " sur l'ensemble du territoire",
    " dans les communes rurales",
    " en lien avec les partenaires locaux",
    " dans les quartiers prioritaires",
    " à l'échelle intercommunale",
    " en direction des publics les plus éloignés",
]
AXES = [
    "Garantir une offre de services adaptée à l'évolution des besoins des familles",
    "Consolider les organisations et l'offre dans le champ éducatif",
    "Favoriser un cadre de vie solidaire et inclusif",
    "Accroître les coopérations territoriales et la visibilité de l'offre",
    "Accompagner les familles à chaque étape de la vie",
    "Faire de la jeunesse une priorité du territoire",
    "Renforcer l'accès aux droits et aux services",
    "Animer la vie sociale et le lien entre les habitants",
    "Soutenir la fonction parentale",
    "Piloter et évaluer la démarche CTG",
]
OBJECTIVES = [
    "Adapter l'offre aux besoins des familles",
    "Améliorer la lisibilité de l'offre existante",
    "Renforcer la qualité de l'accueil",
    "Développer les partenariats",
    "Soutenir les professionnels",
    "Faciliter l'accès de tous aux services",
    "Favoriser la participation des habitants",
    "Mieux connaître les besoins du territoire",
    "Prévenir les ruptures de parcours",
    "Coordonner les acteurs locaux",
    "Agir au plus près des publics",
    "Valoriser les initiatives locales",
    "Structurer une politique intercommunale",
    "Lutter contre les inégalités territoriales",
]
PILOTS = [
    "Communauté de communes",
    "Caf",
    "CCAS",
    "Service enfance jeunesse",
    "Pôle petite enfance",
    "Centre social",
    "Chargée de coopération CTG",
    "Conseil départemental",
    "MSA",
    "Mission locale",
    "Commune de Saint-Martin",
]
PARTNERS = [
    "Caf",
    "PMI",
    "Éducation nationale",
    "MSA",
    "Associations familiales",
    "RPE",
    "EAJE du territoire",
    "Centres sociaux",
    "France Services",
    "SDJES",
    "UDAF",
    "Mission locale",
    "CCAS des communes",
]
INDICATORS = [
    "Nombre de familles accompagnées",
    "Nombre de places créées",
    "Taux de satisfaction des familles",
    "Nombre de partenaires impliqués",
    "Nombre de réunions du groupe de travail",
    "Nombre de jeunes participants",
    "Taux de fréquentation",
    "Nombre de professionnels formés",
]
DESCRIPTIONS = [
    "Le diagnostic partagé a mis en évidence un besoin important des familles sur ce sujet.",
    "L'action s'appuie sur les dispositifs existants et les renforce.",
    "Un groupe de travail réunissant les partenaires sera constitué dès la première année.",
    "Les modalités seront précisées en comité technique et présentées au COPIL.",
    "Cette action répond à une attente forte exprimée lors des ateliers avec les habitants.",
    "Elle prolonge les actions engagées dans le cadre du précédent contrat enfance jeunesse.",
]


@dataclass
class Node:
    kind: str
    number: str
    title: str
    children: list[Node] = field(default_factory=list)
    pilots: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    period: str = ""
    indicators: list[str] = field(default_factory=list)
    description: str = ""

    def walk(self):
        for child in self.children:
            yield child
            yield from child.walk()

    def gold(self) -> dict:
        return {
            "kind": self.kind,
            "number": self.number or None,
            "title": self.title,
            "children": [child.gold() for child in self.children],
        }


class Titles:
    """Draw titles without repeating one inside a document."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def action(self, theme: str | None = None) -> str:
        for _ in range(200):
            name = theme or self.rng.choice(list(THEMES))
            verb, obj = self.rng.choice(THEMES[name])
            title = f"{verb} {obj}{self.rng.choice(COMPLEMENTS)}"
            if title not in self.used:
                self.used.add(title)
                return title
        raise RuntimeError("not enough titles")

    def pick(self, pool: list[str]) -> str:
        choices = [title for title in pool if title not in self.used]
        if not choices:
            choices = [f"{title} ({len(self.used)})" for title in pool]
        title = self.rng.choice(choices)
        self.used.add(title)
        return title


def fill_fiche(node: Node, rng: random.Random, years: tuple[int, int]) -> None:
    node.pilots = rng.sample(PILOTS, rng.randint(1, 2))
    node.partners = rng.sample(PARTNERS, rng.randint(2, 4))
    start = rng.randint(years[0], years[1] - 1)
    end = rng.randint(start, years[1])
    node.period = str(start) if start == end else f"{start}-{end}"
    node.indicators = rng.sample(INDICATORS, 2)
    node.description = " ".join(rng.sample(DESCRIPTIONS, 2))


@dataclass
class Level:
    """One level of a plan: its name and how its elements are numbered.

    numbering: "path" (1, 1.1, 1.1.1), "restart" (1, 2 under each parent), "continuous"
    (1…N across the plan), "roman", "upper" (A, B), "none".
    """

    kind: str
    count: tuple[int, int]
    numbering: str
    pool: str = "action"  # "axe", "objective", "action", "theme"


def build_tree(
    levels: list[Level], rng: random.Random, years=(2025, 2029), *, titles=None, theme=None
) -> list[Node]:
    titles = titles or Titles(rng)
    counters: dict[int, int] = {}
    themes = list(THEMES)

    def make(depth: int, parent: Node | None, index: int, theme: str | None) -> Node:
        level = levels[depth]
        counters[depth] = counters.get(depth, 0) + 1
        number = _number(level.numbering, parent, index, counters[depth])
        if level.pool == "theme":
            title = themes[(counters[depth] - 1) % len(themes)]
            theme = title
        elif level.pool == "axe":
            title = titles.pick(AXES)
        elif level.pool == "objective":
            title = titles.pick(OBJECTIVES)
        else:
            title = titles.action(theme)
        node = Node(level.kind, number, title)
        if depth + 1 < len(levels):
            for child in range(rng.randint(*levels[depth + 1].count)):
                node.children.append(make(depth + 1, node, child + 1, theme))
        else:
            fill_fiche(node, rng, years)
        return node

    return [make(0, None, index + 1, theme) for index in range(rng.randint(*levels[0].count))]


def _number(numbering: str, parent: Node | None, index: int, running: int) -> str:
    if numbering == "path":
        return f"{parent.number}.{index}" if parent is not None and parent.number else str(index)
    if numbering == "restart":
        return str(index)
    if numbering == "continuous":
        return str(running)
    if numbering == "roman":
        return ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][index - 1]
    if numbering == "upper":
        return "ABCDEFGHIJ"[index - 1]
    return ""


# ---------------------------------------------------------------------------- noise

CONVENTION_ARTICLES = [
    (
        "Objet de la convention",
        "La présente convention a pour objet de définir le projet "
        "social du territoire et les modalités de coopération entre les signataires.",
    ),
    (
        "Les champs d'intervention",
        "Les signataires s'engagent sur les champs de la petite "
        "enfance, de l'enfance, de la jeunesse, de la parentalité et de l'accès aux droits.",
    ),
    (
        "Les engagements des partenaires",
        "La Caf s'engage à accompagner la collectivité dans "
        "la mise en œuvre du plan d'actions. La collectivité s'engage à mobiliser ses services.",
    ),
    (
        "Le pilotage et le suivi",
        "Un comité de pilotage se réunit au moins une fois par an, "
        "co-présidé par la Caf et la communauté de communes.",
    ),
    (
        "L'évaluation",
        "Un bilan à mi-parcours et un bilan final seront réalisés à partir des "
        "indicateurs définis dans les fiches actions.",
    ),
    (
        "Durée de la convention",
        "La présente convention est conclue pour une durée de cinq ans à compter du 1er janvier.",
    ),
]
FINDINGS = [
    "Une natalité en baisse depuis 2015, mais une forte demande d'accueil",
    "Des familles monoparentales plus nombreuses que la moyenne départementale",
    "Une offre d'accueil de loisirs inégalement répartie",
    "Des jeunes de 16-25 ans peu visibles et éloignés des dispositifs",
    "Un taux de couverture petite enfance de 54 places pour 100 enfants",
    "Un non-recours aux droits important dans les communes rurales",
]
ANNEXES = [
    "Annexe 1 : Diagnostic partagé du territoire",
    "Annexe 2 : Liste des équipements et services soutenus",
    "Annexe 3 : Plan d'actions et fiches actions",
    "Annexe 4 : Modalités de gouvernance",
]
SIGNATURES = [
    "Fait à Digne-les-Bains, le 15 mars 2025, en trois exemplaires.",
    "Pour la Caisse d'allocations familiales,",
    "La Présidente du conseil d'administration",
    "Le Directeur",
    "Pour la Communauté de communes,",
    "Le Président",
]
