"""Factories of CTGs, users and plans, on real territories (seed 003: Caf 04 and PAA).

tests/conftest.py loads the whole COG when it is shipped; without it, the few rows needed here are
created with their real codes and figures, so the tests pass either way.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership, User
from pilote.conventions.enums import ConventionStatus
from pilote.conventions.models import Amendment, Convention, Signatory
from pilote.plans.levels import DEFAULT_LEVELS
from pilote.plans.models import PlanLevel, PlanNode
from pilote.territories.models import EPCI, Commune, Departement, Region

PAA_SIREN = "200067437"
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
GAP_SIREN = "200067825"
_DEPARTEMENTS = {
    "04": ("Alpes-de-Haute-Provence", "93"),
    "05": ("Hautes-Alpes", "93"),
    "13": ("Bouches-du-Rhône", "93"),
}


def departement(code: str = "04") -> Departement:
    """Return the real département with this code (created if the COG is not loaded)."""
    region, _ = Region.objects.get_or_create(
        code=_DEPARTEMENTS[code][1], defaults={"name": "Provence-Alpes-Côte d'Azur"}
    )
    dep, _ = Departement.objects.get_or_create(
        code=code, defaults={"name": _DEPARTEMENTS[code][0], "region": region}
    )
    return dep


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


def paa_communes(count: int = len(PAA_COMMUNES)) -> list[Commune]:
    """Return the first `count` communes of PAA signatory of seed 003."""
    dep, epci = departement("04"), paa_epci()
    communes = []
    for code, name, population in PAA_COMMUNES[:count]:
        commune, _ = Commune.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "departement": dep,
                "epci": epci,
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


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.fr")
    password = factory.django.Password("motdepasse-de-test")

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)


class ConventionFactory(DjangoModelFactory):
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

    convention = factory.SubFactory(ConventionFactory)
    position = factory.Sequence(lambda n: n)
    organisation = "Caf des Alpes-de-Haute-Provence"
    representative = "Le directeur"
    role = "Directeur"


class AmendmentFactory(DjangoModelFactory):
    class Meta:
        model = Amendment

    convention = factory.SubFactory(ConventionFactory)
    number = factory.Sequence(lambda n: n + 1)
    date = datetime.date(2027, 6, 30)
    subject = "Ajout d'une fiche action sur l'accès aux droits."


class PlanNodeFactory(DjangoModelFactory):
    class Meta:
        model = PlanNode
        skip_postgeneration_save = True

    convention = factory.SubFactory(ConventionFactory)
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


def user_with_role(role: str, **kwargs) -> User:
    user = UserFactory()
    membership(user, role, **kwargs)
    return user


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
