"""Factories of the tests: users, CTGs, plans and follow-up, on real territories.

The territories are those of seed 003 (Caf 04, CA Provence-Alpes-Agglomération) and a few
neighbours. tests/conftest.py loads the whole COG when it is shipped; without it, the few rows
needed here are created with their real codes and figures, so the factories work either way.

Two kinds of CTG: `ConventionFactory`, as the plan and follow-up tests use it (the levels of seed
003, three communes), and `SignedConventionFactory`, as the tests of the CTG itself use it (signed,
with a description and an internal note, the default levels of a new CTG, communes on demand).
"""

import datetime
import itertools

import factory
from factory.django import DjangoModelFactory

from pilote.accounts.enums import AuditAction, Role
from pilote.accounts.models import AuditEvent, Membership, Organisation, User
from pilote.conventions.enums import ConventionStatus
from pilote.conventions.models import Amendment, Convention, Signatory
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate, PartnerLink
from pilote.monitoring.partners.services import new_token
from pilote.monitoring.periods import Quarter
from pilote.plans.levels import DEFAULT_LEVELS
from pilote.plans.models import Indicator, PlanLevel, PlanNode, Thematic
from pilote.territories.models import EPCI, Commune, Departement, Region

# Territories -----------------------------------------------------------------------------------

PAA_SIREN = "200067437"
DLVA_SIREN = "200034700"
GAP_SIREN = "200067825"
_REGIONS = {"93": "Provence-Alpes-Côte d'Azur", "76": "Occitanie"}
_DEPARTEMENTS = {
    "04": ("Alpes-de-Haute-Provence", "93"),
    "05": ("Hautes-Alpes", "93"),
    "13": ("Bouches-du-Rhône", "93"),
}
_EPCIS = {
    PAA_SIREN: ("CA Provence-Alpes-Agglomération", EPCI.Kind.CA),
    DLVA_SIREN: ("CA Durance-Luberon-Verdon Agglomération", EPCI.Kind.CA),
}
# Code, name, population municipale 2023 (COG 2026), all members of CA Provence-Alpes-Agglomération.
PAA_COMMUNES = [
    ("04001", "Aiglun", 1399),
    ("04049", "Château-Arnoux-Saint-Auban", 5107),
    ("04070", "Digne-les-Bains", 17979),
    ("04036", "Le Brusquet", 965),
    ("04079", "L'Escale", 1427),
    ("04108", "Malijai", 2020),
    ("04116", "Les Mées", 4099),
    ("04149", "Peyruis", 2798),
    ("04205", "Seyne", 1379),
    ("04244", "Volonne", 1633),
]
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
    """Return the real EPCI with this SIREN (created if the COG is not loaded)."""
    if siren == PAA_SIREN:
        return paa_epci()
    name, kind = _EPCIS[siren]
    return EPCI.objects.get_or_create(siren=siren, defaults={"name": name, "kind": kind})[0]


def paa_epci() -> EPCI:
    """Return CA Provence-Alpes-Agglomération (created with its real figures if missing)."""
    epci, _ = EPCI.objects.get_or_create(
        siren=PAA_SIREN,
        defaults={
            "name": "CA Provence-Alpes-Agglomération",
            "kind": EPCI.Kind.CA,
            "population_totale": 50305,
            "population_municipale": 48726,
            "population_millesime": 2022,
        },
    )
    return epci


def commune(code: str) -> Commune:
    """Return the real commune with this INSEE code (created if the COG is not loaded)."""
    name, siren = _COMMUNES[code]
    return Commune.objects.get_or_create(
        code=code,
        defaults={"name": name, "departement": departement(code[:2]), "epci": epci(siren)},
    )[0]


def paa_communes(count: int = len(PAA_COMMUNES)) -> list[Commune]:
    """Return the first `count` communes of PAA signatory of seed 003."""
    dep, paa = departement("04"), paa_epci()
    communes = []
    for code, name, population in PAA_COMMUNES[:count]:
        commune, _ = Commune.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "departement": dep,
                "epci": paa,
                "population": population,
                "population_millesime": 2023,
            },
        )
        communes.append(commune)
    return communes


def gap() -> Commune:
    """Return Gap (05061), in another département."""
    epci, _ = EPCI.objects.get_or_create(
        siren=GAP_SIREN,
        defaults={"name": "CA Gap-Tallard-Durance", "kind": EPCI.Kind.CA},
    )
    commune, _ = Commune.objects.get_or_create(
        code="05061",
        defaults={
            "name": "Gap",
            "departement": departement("05"),
            "epci": epci,
            "population": 41293,
            "population_millesime": 2023,
        },
    )
    return commune


def thematic(code: str) -> Thematic:
    """Return a national (Cnaf) thematic, created by migration 0002."""
    return Thematic.objects.get(convention=None, code=code)


# Users -----------------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    """A user without any role (see user_with_role), e-mail address or usable password."""

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)


class AuditEventFactory(DjangoModelFactory):
    """An entry of the audit log: an export of the CTG given, by the user given."""

    action = AuditAction.EXPORT
    user = None
    convention = None
    user_name = factory.LazyAttribute(lambda e: str(e.user) if e.user else "")
    target = "plan.xlsx"
    ip_address = "192.0.2.10"
    departement = factory.LazyAttribute(
        lambda e: e.convention.departement if e.convention else None
    )

    class Meta:
        model = AuditEvent


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


class SignedConventionFactory(DjangoModelFactory):
    """A CTG of Caf 04 with PAA and the default levels; communes=True adds ten communes."""

    class Meta:
        model = Convention
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"CTG Provence-Alpes-Agglomération {n}")
    slug = factory.Sequence(lambda n: f"ctg-paa-{n}")
    departement = factory.LazyFunction(lambda: departement("04"))
    epci = factory.LazyFunction(paa_epci)
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2030, 12, 31)
    status = ConventionStatus.SIGNED
    description = "Convention territoriale globale signée avec la Caf des Alpes-de-Haute-Provence."
    internal_notes = "Note interne : relancer la commune de Seyne sur le RPE."

    class Params:
        other_departement = factory.Trait(
            departement=factory.LazyFunction(lambda: departement("05")), epci=None
        )

    @factory.post_generation
    def communes(obj, create, extracted, **kwargs):
        """Pass communes=[…], or communes=True for the ten signatory communes of PAA."""
        if extracted is True:
            obj.communes.set(paa_communes())
        elif extracted:
            obj.communes.set(extracted)

    @factory.post_generation
    def levels(obj, create, extracted, **kwargs):
        names = extracted if extracted is not None else [name for name, _ in DEFAULT_LEVELS]
        PlanLevel.objects.bulk_create(
            PlanLevel(convention=obj, position=i, name=name, tracked=i == len(names))
            for i, name in enumerate(names, start=1)
        )


class SignatoryFactory(DjangoModelFactory):
    class Meta:
        model = Signatory

    convention = factory.SubFactory(SignedConventionFactory)
    position = factory.Sequence(lambda n: n)
    organisation = "Caf des Alpes-de-Haute-Provence"
    representative = "Le directeur"
    role = "Directeur"


class AmendmentFactory(DjangoModelFactory):
    class Meta:
        model = Amendment

    convention = factory.SubFactory(SignedConventionFactory)
    number = factory.Sequence(lambda n: n + 1)
    date = datetime.date(2027, 6, 30)
    subject = "Ajout d'une fiche action sur l'accès aux droits."


class LastLevelNodeFactory(DjangoModelFactory):
    """An element of the last (tracked) level of a signed CTG."""

    class Meta:
        model = PlanNode
        skip_postgeneration_save = True

    convention = factory.SubFactory(SignedConventionFactory)
    level = factory.LazyAttribute(lambda node: node.convention.levels.order_by("position").last())
    number = factory.Sequence(lambda n: f"1.{n}")
    title = "Créer un relais petite enfance intercommunal"


def membership(user: User, role: str, *, convention=None, departement_code: str = "04"):
    """Give the user a role: on a département for a Caf adviser, on a CTG otherwise."""
    if role == Role.CAF_ADVISER:
        return Membership.objects.create(
            user=user, role=role, departement=departement(departement_code)
        )
    return Membership.objects.create(user=user, role=role, convention=convention)


def user_with_role(role: str, *, convention=None, departement_code: str = "04") -> User:
    """Return a new user holding one membership (Caf advisers are scoped to a département)."""
    user = UserFactory()
    membership(user, role, convention=convention, departement_code=departement_code)
    return user


# Plans ----------------------------------------------------------------------------------------


def bulk_plan(convention: Convention, *, axes: int = 5, fiches: int = 9, actions: int = 10):
    """Create a plan of axes × fiches × actions elements with bulk_create (3 + 1 queries)."""
    levels = list(convention.levels.order_by("position"))
    axis_nodes = PlanNode.objects.bulk_create(
        PlanNode(
            convention=convention,
            level=levels[0],
            position=a,
            number=str(a),
            title=f"Axe {a} : soutenir les familles",
        )
        for a in range(1, axes + 1)
    )
    fiche_nodes = PlanNode.objects.bulk_create(
        PlanNode(
            convention=convention,
            parent=axis,
            level=levels[1],
            position=f,
            number=f"{axis.number}.{f}",
            title=f"Fiche action {axis.number}.{f}",
        )
        for axis in axis_nodes
        for f in range(1, fiches + 1)
    )
    PlanNode.objects.bulk_create(
        PlanNode(
            convention=convention,
            parent=fiche,
            level=levels[-1],
            position=x,
            number=f"{fiche.number}.{x}",
            title=f"Action {fiche.number}.{x}",
        )
        for fiche in fiche_nodes
        for x in range(1, actions + 1)
    )
    return PlanNode.objects.filter(convention=convention).count()


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


# Follow-up -------------------------------------------------------------------------------------

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


# Partner links ---------------------------------------------------------------------------------


def indicator(node: PlanNode, name: str = "Nombre de familles accueillies", **kwargs) -> Indicator:
    """Return a new indicator of an action."""
    kwargs.setdefault("unit", "familles")
    return Indicator.objects.create(convention=node.convention, node=node, name=name, **kwargs)


def partner_link(
    actions: list[PlanNode], *, days: int = 30, quarter: Quarter | None = None, **kwargs
) -> tuple[PartnerLink, str]:
    """Return a partner link for these actions (no e-mail sent) and its raw token."""
    quarter = quarter or Quarter(2026, 4)
    token, digest = new_token()
    kwargs.setdefault("recipient_name", "Claire Martin")
    kwargs.setdefault("email", "claire.martin@ccas-digne.fr")
    link = PartnerLink.objects.create(
        convention=actions[0].convention,
        year=quarter.year,
        quarter=quarter.quarter,
        token_hash=digest,
        expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days),
        **kwargs,
    )
    link.actions.set(actions)
    return link, token
