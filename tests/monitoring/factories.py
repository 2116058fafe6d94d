"""Factories of the follow-up: updates on actions, and CTGs with many tracked actions.

Shared by the follow-up, dashboard and history tests. The CTGs are those of tests/plans/factories
(Caf 04, Provence-Alpes-Agglomération, 2026–2030, levels of seed 003: « Action clé » is tracked).
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from pilote.accounts.models import Organisation
from pilote.conventions.models import Convention
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate
from pilote.monitoring.periods import Quarter
from pilote.plans.models import PlanNode, Thematic
from tests.plans.factories import ConventionFactory, PlanNodeFactory

FIRST_QUARTER = Quarter(2026, 1)
PILOT_NAMES = ("Caf des Alpes-de-Haute-Provence", "PAA – service enfance", "CCAS de Digne")
STATUS_CYCLE = [
    UpdateStatus.TO_START,
    UpdateStatus.IN_PROGRESS,
    UpdateStatus.IN_PROGRESS,
    UpdateStatus.BLOCKED,
    UpdateStatus.POSTPONED,
    UpdateStatus.DONE,
]


class ActionUpdateFactory(DjangoModelFactory):
    """An update on a tracked action (give node=…; its CTG follows)."""

    node = factory.SubFactory(PlanNodeFactory)
    convention = factory.LazyAttribute(lambda o: o.node.convention)
    year = 2026
    quarter = 1
    status = UpdateStatus.IN_PROGRESS
    progress = 30
    done = "Réunion de lancement avec les partenaires ; premier diagnostic partagé."
    difficulties = "Disponibilité des partenaires pendant l'été."
    next_steps = "Rédiger le cahier des charges et réunir le comité technique."

    class Meta:
        model = ActionUpdate


def tracked_action(convention=None, **kwargs) -> PlanNode:
    """Return an action of the tracked level (Axe > Fiche action > Action clé)."""
    convention = convention or ConventionFactory()
    axe = PlanNodeFactory(convention=convention, number="1", title="Accès aux droits")
    fiche = PlanNodeFactory(convention=convention, parent=axe, number="1.1", title="Information")
    kwargs.setdefault("number", "1.1.1")
    kwargs.setdefault("title", "Créer un guichet unique d'information des familles")
    return PlanNodeFactory(convention=convention, parent=fiche, **kwargs)


def build_tracked_ctg(
    actions: int = 500,
    updates: int = 0,
    *,
    convention: Convention | None = None,
    first_quarter: Quarter = FIRST_QUARTER,
    author=None,
) -> tuple[Convention, list[PlanNode]]:
    """Bulk-create a CTG with `actions` tracked actions, each with `updates` quarterly updates.

    The plan has 5 axes × 5 fiches (one of each when there are fewer than 25 actions), the actions
    spread over the fiches, each with a thematic, a pilot (of three) and a planned period; the
    updates follow one another quarter after quarter from `first_quarter`. A handful of queries
    whatever the size: 500 × 20 takes well under a second.
    """
    convention = convention or ConventionFactory()
    levels = list(convention.levels.order_by("position"))
    axis_level, fiche_level, action_level = levels[0], levels[1], levels[-1]
    per_level = 5 if actions >= 25 else 1
    axes = PlanNode.objects.bulk_create(
        PlanNode(
            convention=convention,
            level=axis_level,
            position=i,
            number=str(i + 1),
            title=f"Axe {i + 1} : accompagner les familles",
        )
        for i in range(per_level)
    )
    fiches = PlanNode.objects.bulk_create(
        PlanNode(
            convention=convention,
            parent=axis,
            level=fiche_level,
            position=j,
            number=f"{axis.number}.{j + 1}",
            title=f"Fiche {axis.number}.{j + 1} : développer l'offre d'accueil",
        )
        for axis in axes
        for j in range(per_level)
    )
    batch = []
    for i in range(actions):
        fiche = fiches[i % len(fiches)]
        position = i // len(fiches)
        start = 2026 + i % 3
        batch.append(
            PlanNode(
                convention=convention,
                parent=fiche,
                level=action_level,
                position=position,
                number=f"{fiche.number}.{position + 1}",
                title=f"Action {fiche.number}.{position + 1} : ouvrir un lieu d'accueil",
                start_year=start,
                start_quarter=1,
                end_year=start + i % 2,
                end_quarter=4,
            )
        )
    nodes = PlanNode.objects.bulk_create(batch)
    pilots = [Organisation.objects.get_or_create(name=name)[0] for name in PILOT_NAMES]
    national = list(Thematic.objects.filter(convention=None).order_by("pk"))
    communes = list(convention.communes.all())
    PlanNode.pilots.through.objects.bulk_create(
        PlanNode.pilots.through(plannode_id=n.pk, organisation_id=pilots[i % 3].pk)
        for i, n in enumerate(nodes)
    )
    PlanNode.thematics.through.objects.bulk_create(
        PlanNode.thematics.through(plannode_id=n.pk, thematic_id=national[i % 10].pk)
        for i, n in enumerate(nodes)
    )
    if communes:
        PlanNode.communes.through.objects.bulk_create(
            PlanNode.communes.through(plannode_id=n.pk, commune_id=communes[i % len(communes)].pk)
            for i, n in enumerate(nodes)
        )
    if updates:
        add_updates(nodes, updates, first_quarter=first_quarter, author=author)
    return convention, nodes


def add_updates(nodes, count: int, *, first_quarter: Quarter = FIRST_QUARTER, author=None):
    """Bulk-create `count` successive quarterly updates on each node."""
    rows = []
    for i, node in enumerate(nodes):
        quarter = first_quarter
        for k in range(count):
            rows.append(
                ActionUpdate(
                    convention_id=node.convention_id,
                    node=node,
                    year=quarter.year,
                    quarter=quarter.quarter,
                    status=STATUS_CYCLE[(i + k) % len(STATUS_CYCLE)],
                    progress=min(100, 10 * (k + 1)),
                    done=f"Point {k + 1} : réunion du comité technique.",
                    author=author,
                )
            )
            quarter = quarter.next()
    return ActionUpdate.objects.bulk_create(rows, batch_size=2000)


def aware(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)
