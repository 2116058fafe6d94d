"""Factories of CTGs, users and plans on real territories (Caf 04, CA Provence-Alpes-Agglomération).

tests/conftest.py loads the whole COG when it is shipped; without it, the few rows needed here are
created with their real codes, so these factories work either way.
"""

import datetime
import itertools

import factory
from factory.django import DjangoModelFactory

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership, Organisation, User
from pilote.conventions.models import Convention
from pilote.plans.models import PlanLevel, PlanNode, Thematic
from pilote.territories.models import EPCI, Commune, Departement, Region

PAA_SIREN = "200067437"
DLVA_SIREN = "200034700"
_REGIONS = {"93": "Provence-Alpes-Côte d'Azur", "76": "Occitanie"}
_DEPARTEMENTS = {"04": ("Alpes-de-Haute-Provence", "93"), "13": ("Bouches-du-Rhône", "93")}
_EPCIS = {
    PAA_SIREN: ("CA Provence-Alpes-Agglomération", EPCI.Kind.CA),
    DLVA_SIREN: ("CA Durance-Luberon-Verdon Agglomération", EPCI.Kind.CA),
}
# Real INSEE codes: the first three are members of PAA (seed 003); Manosque is not.
_COMMUNES = {
    "04070": ("Digne-les-Bains", PAA_SIREN),
    "04049": ("Château-Arnoux-Saint-Auban", PAA_SIREN),
    "04108": ("Malijai", PAA_SIREN),
    "04112": ("Manosque", DLVA_SIREN),
}
DIGNE, CHATEAU_ARNOUX, MALIJAI, MANOSQUE = "04070", "04049", "04108", "04112"
SEED_003_LEVELS = ["Axe", "Fiche action", "Action clé"]


def departement(code: str = "04") -> Departement:
    """Return the real département with this code (created if the COG is not loaded)."""
    name, region_code = _DEPARTEMENTS[code]
    region, _ = Region.objects.get_or_create(
        code=region_code, defaults={"name": _REGIONS[region_code]}
    )
    return Departement.objects.get_or_create(code=code, defaults={"name": name, "region": region})[
        0
    ]


def epci(siren: str = PAA_SIREN) -> EPCI:
    name, kind = _EPCIS[siren]
    return EPCI.objects.get_or_create(siren=siren, defaults={"name": name, "kind": kind})[0]


def commune(code: str) -> Commune:
    """Return the real commune with this INSEE code (created if the COG is not loaded)."""
    name, siren = _COMMUNES[code]
    return Commune.objects.get_or_create(
        code=code,
        defaults={"name": name, "departement": departement(code[:2]), "epci": epci(siren)},
    )[0]


def thematic(code: str) -> Thematic:
    """Return a national (Cnaf) thematic, created by migration 0002."""
    return Thematic.objects.get(convention=None, code=code)


class UserFactory(DjangoModelFactory):
    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)


class OrganisationFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Centre social n° {n}")

    class Meta:
        model = Organisation


class ConventionFactory(DjangoModelFactory):
    """A CTG of Caf 04 on PAA, 2026–2030, with the levels of seed 003 and three communes."""

    slug = factory.Sequence(lambda n: f"ctg-paa-{n}")
    name = factory.Sequence(lambda n: f"CTG Provence-Alpes-Agglomération 2026-2030 ({n})")
    departement = factory.LazyFunction(departement)
    epci = factory.LazyFunction(epci)
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2030, 12, 31)

    class Meta:
        model = Convention
        skip_postgeneration_save = True

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        codes = extracted if extracted is not None else [DIGNE, CHATEAU_ARNOUX, MALIJAI]
        self.communes.set([commune(code) for code in codes])

    @factory.post_generation
    def levels(self, create, extracted, **kwargs):
        names = extracted if extracted is not None else SEED_003_LEVELS
        for position, name in enumerate(names):
            PlanLevel.objects.create(
                convention=self, position=position, name=name, tracked=position == len(names) - 1
            )


class PlanNodeFactory(DjangoModelFactory):
    """A plan element appended under its parent (plain rows: services are tested on their own)."""

    convention = factory.SubFactory(ConventionFactory)
    parent = None
    level = factory.LazyAttribute(
        lambda o: o.convention.levels.order_by("position")[
            min(_depth(o.parent), o.convention.levels.count() - 1)
        ]
    )
    position = factory.LazyAttribute(
        lambda o: PlanNode.objects.filter(convention=o.convention, parent=o.parent).count()
    )
    title = factory.Sequence(lambda n: f"Renforcer l'accès aux droits des familles ({n})")

    class Meta:
        model = PlanNode


def _depth(node: PlanNode | None) -> int:
    depth = 0
    while node is not None:
        depth, node = depth + 1, node.parent
    return depth


def user_with_role(role: str, *, convention=None, departement_code: str = "04") -> User:
    """Return a new user holding one membership (Caf advisers are scoped to a département)."""
    user = UserFactory()
    if role == Role.CAF_ADVISER:
        Membership.objects.create(user=user, role=role, departement=departement(departement_code))
    else:
        Membership.objects.create(user=user, role=role, convention=convention)
    return user


def build_plan(convention, shape=(5, 5, 19)) -> list[PlanNode]:
    """Bulk-create a plan of the given shape (children per node, level by level) and return it.

    The default shape gives 5 axes, 25 fiches and 475 key actions: 505 elements, each of the
    deepest level with a thematic, a pilot and a commune, as real plans have.
    """
    levels = list(convention.levels.order_by("position"))
    national = list(Thematic.objects.filter(convention=None))
    pilots = [
        Organisation.objects.get_or_create(name=name)[0]
        for name in ("Caf des Alpes-de-Haute-Provence", "PAA – service enfance", "CCAS de Digne")
    ]
    communes = list(convention.communes.all())
    created: list[PlanNode] = []
    parents: list[PlanNode | None] = [None]
    for depth, count in enumerate(shape):
        batch = []
        for parent in parents:
            for position in range(count):
                number = f"{parent.number}.{position + 1}" if parent else str(position + 1)
                batch.append(
                    PlanNode(
                        convention=convention,
                        parent=parent,
                        position=position,
                        level=levels[min(depth, len(levels) - 1)],
                        number=number,
                        title=f"Action {number} : développer l'offre d'accueil",
                        start_year=2026 + position % 3,
                        end_year=2027 + position % 3,
                        whole_territory=position % 2 == 0,
                    )
                )
        parents = PlanNode.objects.bulk_create(batch)
        created.extend(parents)
    leaves = parents
    cycle = itertools.count()
    PlanNode.thematics.through.objects.bulk_create(
        PlanNode.thematics.through(plannode_id=n.pk, thematic_id=national[next(cycle) % 10].pk)
        for n in leaves
    )
    PlanNode.pilots.through.objects.bulk_create(
        PlanNode.pilots.through(plannode_id=n.pk, organisation_id=pilots[n.position % 3].pk)
        for n in leaves
    )
    PlanNode.communes.through.objects.bulk_create(
        PlanNode.communes.through(plannode_id=n.pk, commune_id=communes[n.position % 3].pk)
        for n in leaves
        if not n.whole_territory
    )
    return created
