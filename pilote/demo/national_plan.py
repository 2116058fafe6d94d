"""Plans of the national data set, shaped like the three real plans of pilote/demo/data.

A shape is what a seed's plan says of itself: its level names, which levels are followed each
quarter, and the tree of its top-level elements (each element reduced to its level). A generated
plan takes one seed's shape: its top-level subtrees, each kept or not, in the seed's order, and
the runs of followed elements scaled so that the plan has about `target` of them. The seeds hold
25 to 59 followed actions; the issue's national figure (about 150,000 actions for 1,255 CTGs) is
about 120 per CTG, so the runs of actions are longer than the seeds' while levels, depth and the
upper structure stay theirs. Titles come from a small French vocabulary per thematic.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from functools import cache

from pilote.plans.enums import Origin, Priority

from .services import DATA_DIR, DEMO_SLUGS


@dataclass(frozen=True)
class SeedNode:
    level: str
    children: tuple[SeedNode, ...] = ()


@dataclass(frozen=True)
class Shape:
    """The levels of a seed's plan and the trees of its top-level elements."""

    slug: str
    level_names: tuple[str, ...]
    tracked: frozenset[str]
    roots: tuple[SeedNode, ...]

    @property
    def tracked_count(self) -> int:
        return sum(_count_tracked(root, self.tracked) for root in self.roots)


@dataclass
class NodeSpec:
    """One element of a generated plan, before it is written."""

    level: str
    number: str
    title: str
    tracked: bool
    thematics: list[str]
    priority: str = ""
    origin: str = ""
    start_year: int | None = None
    end_year: int | None = None
    communes: list[str] = field(default_factory=list)
    children: list[NodeSpec] = field(default_factory=list)


def _count_tracked(node: SeedNode, tracked: frozenset[str]) -> int:
    own = 1 if node.level in tracked else 0
    return own + sum(_count_tracked(child, tracked) for child in node.children)


def _seed_node(item: dict) -> SeedNode:
    return SeedNode(item["kind"], tuple(_seed_node(c) for c in item.get("children", [])))


@cache
def seed_shapes() -> tuple[Shape, ...]:
    """Return the shapes of the demo plans (the seeds), read once."""
    shapes = []
    for slug in DEMO_SLUGS:
        data = json.loads((DATA_DIR / f"{slug}.json").read_text(encoding="utf-8"))
        meta = data["convention"]
        shapes.append(
            Shape(
                slug=slug,
                level_names=tuple(meta["level_names"]),
                tracked=frozenset(meta["tracked_levels"]),
                roots=tuple(_seed_node(item) for item in data["plan"]),
            )
        )
    return tuple(shapes)


THEMES: dict[str, tuple[str, list[str]]] = {
    "petite-enfance": (
        "Développer et adapter l’offre d’accueil du jeune enfant",
        [
            "l’offre d’accueil collectif en EAJE",
            "le relais petite enfance",
            "l’accueil en horaires atypiques",
            "l’information des familles sur les modes d’accueil",
            "la formation des assistants maternels",
            "les places en micro-crèche",
        ],
    ),
    "enfance": (
        "Structurer l’offre de loisirs des enfants",
        [
            "les accueils de loisirs du mercredi",
            "le projet éducatif de territoire",
            "les accueils périscolaires",
            "les séjours d’été",
        ],
    ),
    "jeunesse": (
        "Accompagner les jeunes vers l’autonomie",
        [
            "un point information jeunesse",
            "les projets portés par les jeunes",
            "l’accueil de jeunes le vendredi soir",
            "les chantiers loisirs",
            "la prévention auprès des adolescents",
        ],
    ),
    "parentalite": (
        "Soutenir les parents dans leur rôle",
        [
            "un lieu d’accueil enfants-parents",
            "les ateliers parents-enfants",
            "les actions du REAAP",
            "la médiation familiale",
            "les cafés des parents",
        ],
    ),
    "acces-aux-droits": (
        "Faciliter l’accès aux droits",
        [
            "les permanences d’accès aux droits",
            "l’accueil en maison France Services",
            "le repérage du non-recours",
        ],
    ),
    "inclusion-numerique": (
        "Réduire la fracture numérique",
        ["les ateliers numériques", "l’accompagnement aux démarches en ligne"],
    ),
    "animation-vie-sociale": (
        "Renforcer l’animation de la vie sociale",
        [
            "le projet social du centre social",
            "un espace de vie sociale",
            "les initiatives des habitants",
        ],
    ),
    "logement": (
        "Améliorer les conditions de logement des familles",
        ["la lutte contre l’habitat indigne", "l’accès au logement des jeunes"],
    ),
    "handicap": (
        "Favoriser l’inclusion des enfants en situation de handicap",
        ["l’accueil inclusif en structure", "la sensibilisation des professionnels"],
    ),
    "accompagnement-social": (
        "Accompagner les familles vulnérables",
        ["l’aide à domicile des familles", "le soutien aux familles monoparentales"],
    ),
}
VERBS = [
    "Développer",
    "Renforcer",
    "Créer",
    "Étudier",
    "Pérenniser",
    "Coordonner",
    "Faire connaître",
    "Évaluer",
    "Structurer",
    "Accompagner",
]
# The doctrine's three thematics come first, more often (DOMAIN.md §3).
THEME_WEIGHTS = {
    code: 3 if code in ("petite-enfance", "jeunesse", "parentalite") else 1 for code in THEMES
}
PRIORITIES = [Priority.HIGH, Priority.MEDIUM, Priority.LOW, "", ""]
ORIGINS = [Origin.EXISTING, Origin.STRENGTHEN, Origin.NEW, ""]


@dataclass
class PlanDraw:
    """What a plan is drawn from: the rng, the shape, the CTG's years and communes."""

    rng: random.Random
    shape: Shape
    years: list[int]
    communes: list[str]
    factor: float  # how much longer the runs of followed elements are than the seed's


def draw_plan(
    rng: random.Random, target: int, years: list[int], communes: list[str]
) -> tuple[Shape, list[NodeSpec]]:
    """Return a seed's shape and a plan of about `target` followed elements shaped like it."""
    shape = rng.choice(seed_shapes())
    draw = PlanDraw(rng, shape, years, communes, target / shape.tracked_count)
    roots = [root for root in shape.roots if rng.random() < 0.9] or list(shape.roots[:2])
    themes = _themes(rng, len(roots))
    plan = []
    for index, (root, theme) in enumerate(zip(roots, themes, strict=True), start=1):
        plan.append(_node(draw, root, str(index), theme))
    return shape, plan


def _themes(rng: random.Random, count: int) -> list[str]:
    codes = list(THEMES)
    weights = [THEME_WEIGHTS[code] for code in codes]
    return [rng.choices(codes, weights)[0] for _ in range(count)]


def _node(draw: PlanDraw, seed: SeedNode, number: str, theme: str) -> NodeSpec:
    rng = draw.rng
    tracked = seed.level in draw.shape.tracked
    spec = NodeSpec(
        level=seed.level,
        number=number,
        title=_title(rng, theme, tracked),
        tracked=tracked,
        thematics=[theme],
    )
    if tracked:
        _action_details(draw, spec, theme)
    for index, (child, child_theme) in enumerate(_children(draw, seed, theme), start=1):
        spec.children.append(_node(draw, child, f"{number}.{index}", child_theme))
    return spec


def _children(draw: PlanDraw, seed: SeedNode, theme: str) -> list[tuple[SeedNode, str]]:
    """Return the children to draw: a run of followed leaves scaled, the others kept or not."""
    rng = draw.rng
    leaves = [c for c in seed.children if c.level in draw.shape.tracked and not c.children]
    others = [c for c in seed.children if c not in leaves]
    children = [c for c in others if rng.random() < 0.9]
    if leaves:
        count = max(1, round(len(leaves) * draw.factor * rng.uniform(0.6, 1.4)))
        children += [leaves[i % len(leaves)] for i in range(count)]
    # A subtree mostly keeps its parent's thematic; some of its elements add another.
    return [(child, theme if rng.random() < 0.8 else _themes(rng, 1)[0]) for child in children]


def _title(rng: random.Random, theme: str, tracked: bool) -> str:
    heading, objects = THEMES[theme]
    if not tracked:
        return heading if rng.random() < 0.5 else f"{rng.choice(VERBS)} {rng.choice(objects)}"
    return f"{rng.choice(VERBS)} {rng.choice(objects)}"


def _action_details(draw: PlanDraw, spec: NodeSpec, theme: str) -> None:
    rng = draw.rng
    spec.priority = rng.choice(PRIORITIES)
    spec.origin = rng.choice(ORIGINS)
    extra = _themes(rng, 1)[0]
    if rng.random() < 0.3 and extra != theme:
        spec.thematics.append(extra)
    # Most actions start with the CTG; some later, a few end before it does.
    if rng.random() < 0.2:
        spec.start_year = rng.choice(draw.years[1:] or draw.years)
    if spec.start_year and rng.random() < 0.2:
        spec.end_year = rng.choice([y for y in draw.years if y >= spec.start_year])
    if draw.communes and rng.random() < 0.2:
        spec.communes = rng.sample(draw.communes, min(len(draw.communes), rng.randint(1, 2)))


def walk(plan: list[NodeSpec]):
    """Yield every element of the plan, parents before children."""
    for spec in plan:
        yield spec
        yield from walk(spec.children)
