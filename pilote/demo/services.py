"""Load the demo CTGs (from the shared seeds) and the demo users."""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from pilote.accounts.enums import OrganisationKind, Role
from pilote.accounts.models import Membership, Organisation, User
from pilote.conventions.models import Convention
from pilote.exchange.services import import_convention, loads
from pilote.territories.models import Commune, Departement

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_SLUGS = [
    "pays-salonais-2025-2028",
    "tarn-agout-2023-2026",
    "provence-alpes-agglomeration-2026-2030",
]
DEMO_PASSWORD = "demo-pilote-ctg"  # noqa: S105 - printed by `make run`, demo databases only


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    scope: str  # a département code for Caf advisers, a CTG slug otherwise
    description: str
    organisation: str = ""
    commune: str = ""


DEMO_USERS = [
    DemoUser(
        "conseiller.caf",
        "Claire",
        "Martin",
        Role.CAF_ADVISER,
        "04,13,81",
        "conseillère Caf : voit et modifie les trois CTG",
    ),
    DemoUser(
        "caf04",
        "Hugo",
        "Bernard",
        Role.CAF_ADVISER,
        "04",
        "conseiller Caf 04 : CTG Provence-Alpes-Agglomération",
    ),
    DemoUser(
        "cooperation.salonais",
        "Inès",
        "Garcia",
        Role.COORDINATOR,
        "pays-salonais-2025-2028",
        "chargée de coopération CTG Pays salonais",
    ),
    DemoUser(
        "cooperation.tarnagout",
        "Julien",
        "Roux",
        Role.COORDINATOR,
        "tarn-agout-2023-2026",
        "chargé de coopération CTG Tarn-Agout",
    ),
    DemoUser(
        "cooperation.paa",
        "Sarah",
        "Fabre",
        Role.COORDINATOR,
        "provence-alpes-agglomeration-2026-2030",
        "chargée de coopération CTG Provence-Alpes-Agglomération",
    ),
    DemoUser(
        "referent.digne",
        "Paul",
        "Girard",
        Role.REFERENT,
        "provence-alpes-agglomeration-2026-2030",
        "référent de la commune de Digne-les-Bains : suivi des actions qu’elle pilote",
        organisation="Commune de Digne-les-Bains",
        commune="04070",
    ),
    DemoUser(
        "lecteur.paa",
        "Léa",
        "Morel",
        Role.READER,
        "provence-alpes-agglomeration-2026-2030",
        "lecteur (élu·e) de la CTG PAA",
    ),
]


def load_demo_conventions(*, reset: bool = False) -> list[tuple[Convention, bool]]:
    """Import the demo CTGs that are missing (or all of them again with reset)."""
    loaded = []
    for slug in DEMO_SLUGS:
        path = DATA_DIR / f"{slug}.json"
        with transaction.atomic():
            existing = Convention.objects.filter(slug=slug).first()
            if existing and not reset:
                loaded.append((existing, False))
                continue
            if existing:
                existing.delete()
            loaded.append((import_convention(loads(path.read_bytes())), True))
    return loaded


@transaction.atomic
def load_demo_users() -> list[DemoUser]:
    """Create or refresh the demo users and their roles."""
    for spec in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=spec.username)
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.email = f"{spec.username}@demo.pilote-ctg.invalid"
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.memberships.all().delete()
        organisation = None
        if spec.organisation:
            organisation = Organisation.objects.filter(name__iexact=spec.organisation).first()
            if organisation is None:
                organisation = Organisation.objects.create(
                    name=spec.organisation,
                    kind=OrganisationKind.COMMUNE if spec.commune else OrganisationKind.OTHER,
                    commune=Commune.objects.filter(pk=spec.commune).first(),
                )
        if spec.role == Role.CAF_ADVISER:
            for code in spec.scope.split(","):
                Membership.objects.create(
                    user=user, role=spec.role, departement=Departement.objects.get(pk=code)
                )
        else:
            Membership.objects.create(
                user=user,
                role=spec.role,
                convention=Convention.objects.get(slug=spec.scope),
                organisation=organisation,
            )
    return DEMO_USERS
