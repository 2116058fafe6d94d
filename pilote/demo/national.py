"""The national data set: one CTG per EPCI of the COG, its plan, follow-up, people and register.

Reproducible: everything of a CTG is drawn from random.Random(f"{seed}:{siren}"), so a CTG is the
same whatever the scale or the order, and the EPCIs of a partial run (--scale) are drawn from
random.Random(f"{seed}:epci"). The data also depend on `until`, the last day the follow-up may
reach (the quarters after it have no update).

Fast: rows are written with bulk_create, one transaction per CTG (a run stopped half-way keeps
the CTGs it finished and a new run skips them). bulk_create sends no signal, so no historical
row is written (django-simple-history): like a CTG imported from a JSON archive, the generated
data have their present state and no change history; the pages read them as they read an
imported CTG. The dates of creation (auto_now_add) are written as drawn, not as the time of the
run (see explicit_timestamps).
"""

from __future__ import annotations

import contextlib
import datetime
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models.functions import Lower

from pilote.accounts.enums import OrganisationKind, Role
from pilote.accounts.models import Membership, Organisation, User
from pilote.conventions.enums import ConventionStatus
from pilote.conventions.models import Convention, Signatory
from pilote.facilities.models import Facility
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.plans.models import PlanLevel, PlanNode, Thematic
from pilote.territories.models import EPCI, Commune, Departement

from .national_activity import write_facilities, write_indicators, write_updates
from .national_plan import NodeSpec, draw_plan, walk
from .services import DEMO_PASSWORD

ACTIONS_PER_CTG = 120  # about 150,000 followed actions for the 1,255 EPCIs (issue 16)
BATCH_SIZE = 2000
SLUG_PREFIX = "nat-"
ADVISERS_PER_DEPARTEMENT = 2
# Periods of five years; those of 2021 are over (échues), those of 2022 end this year.
PERIODS = [(2021, ConventionStatus.EXPIRED), (2022, ConventionStatus.ACTIVE)]
PERIOD_WEIGHTS = [1, 3]


@dataclass
class NationalResult:
    """What a run wrote, counted by kind of row."""

    conventions: int = 0
    skipped: int = 0
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0


@dataclass
class Context:
    """What every CTG of a run shares: the seed, the day, the national rows read once."""

    seed: int
    until: datetime.date
    password: str
    thematics: dict[str, int]
    cafs: dict[str, Organisation]
    advisers: dict[str, list[User]]
    organisations: dict[str, Organisation]  # by lower-case name
    size_norm: float


@dataclass
class CtgDraft:
    """One CTG being written: its rows, as the later steps need them."""

    convention: Convention
    rng: random.Random
    communes: list[dict]
    counts: Counter
    levels: dict[str, PlanLevel] = field(default_factory=dict)
    nodes: list[tuple[NodeSpec, PlanNode]] = field(default_factory=list)
    coordinator: User | None = None
    referent_orgs: list[Organisation] = field(default_factory=list)
    epci_org: Organisation | None = None


@contextlib.contextmanager
def explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the created_at/updated_at given, instead of the time of the run."""
    flags = []
    for model in model_classes:
        for item in model._meta.concrete_fields:
            if isinstance(item, models.DateTimeField) and (item.auto_now or item.auto_now_add):
                flags.append((item, item.auto_now, item.auto_now_add))
                item.auto_now = item.auto_now_add = False
    try:
        yield
    finally:
        for item, auto_now, auto_now_add in flags:
            item.auto_now, item.auto_now_add = auto_now, auto_now_add


def select_epcis(seed: int, scale: float) -> list[EPCI]:
    """Return the EPCIs of the run: all of them at scale 1, a reproducible draw below."""
    epcis = list(EPCI.objects.current().filter(communes__isnull=False).distinct().order_by("siren"))
    count = max(1, round(len(epcis) * scale)) if epcis else 0
    if count >= len(epcis):
        return epcis
    chosen = random.Random(f"{seed}:epci").sample(epcis, count)  # noqa: S311 - synthetic data
    return sorted(chosen, key=lambda epci: epci.siren)


def generate_national_dataset(
    *,
    seed: int,
    scale: float = 1.0,
    until: datetime.date,
    progress: Callable[[int, int, NationalResult], None] | None = None,
) -> NationalResult:
    """Write one CTG per selected EPCI (skipping those already written); return the counts."""
    started = time.monotonic()
    result = NationalResult()
    epcis = select_epcis(seed, scale)
    communes = _communes_by_epci([epci.siren for epci in epcis])
    context = _context(seed, until, epcis, communes)
    existing = set(
        Convention.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
    )
    with explicit_timestamps(Convention, PlanNode, ActionUpdate, Measurement, Facility):
        for index, epci in enumerate(epcis, start=1):
            if _slug(epci) in existing:
                result.skipped += 1
            else:
                with transaction.atomic():
                    _write_ctg(context, epci, communes[epci.siren], result.counts)
                result.conventions += 1
            result.seconds = time.monotonic() - started
            if progress:
                progress(index, len(epcis), result)
    return result


def _slug(epci: EPCI) -> str:
    return f"{SLUG_PREFIX}{epci.siren}"


def _communes_by_epci(sirens: list[str]) -> dict[str, list[dict]]:
    rows = (
        Commune.objects.filter(epci_id__in=sirens)
        .order_by("code")
        .values("code", "name", "departement_id", "epci_id", "population")
    )
    grouped: dict[str, list[dict]] = {siren: [] for siren in sirens}
    for row in rows:
        grouped[row["epci_id"]].append(row)
    return grouped


def _departement_of(communes: list[dict]) -> str:
    """Return the département most of the EPCI's inhabitants live in (its Caf)."""
    weights: Counter = Counter()
    for commune in communes:
        weights[commune["departement_id"]] += (commune["population"] or 0) + 1
    return max(sorted(weights), key=lambda code: weights[code])


def _context(seed: int, until: datetime.date, epcis, communes) -> Context:
    """Read and write what the CTGs share: thematics, Cafs and their advisers (one transaction)."""
    sizes = [
        (epci.population_municipale or 1) ** 0.25
        for epci in EPCI.objects.current().only("population_municipale")
    ]
    organisations = {
        org.lname: org for org in Organisation.objects.annotate(lname=Lower("name")).all()
    }
    context = Context(
        seed=seed,
        until=until,
        password=make_password(DEMO_PASSWORD),
        thematics=dict(
            Thematic.objects.filter(convention=None).values_list("code", "pk"),
        ),
        cafs={},
        advisers={},
        organisations=organisations,
        size_norm=sum(sizes) / len(sizes) if sizes else 1.0,
    )
    codes = sorted({_departement_of(communes[e.siren]) for e in epcis if communes[e.siren]})
    with transaction.atomic():
        for departement in Departement.objects.filter(code__in=codes).order_by("code"):
            context.cafs[departement.code] = _organisation(
                context, f"Caf ({departement.code} – {departement.name})", OrganisationKind.CAF
            )
            context.advisers[departement.code] = _advisers(context, departement)
    return context


def _organisation(context: Context, name: str, kind: str, commune: str | None = None):
    """Return the organisation of that name (case-insensitive), created if missing."""
    found = context.organisations.get(name.lower())
    if found is None:
        found = Organisation.objects.create(name=name, kind=kind, commune_id=commune)
        context.organisations[name.lower()] = found
    return found


def _advisers(context: Context, departement: Departement) -> list[User]:
    """Return the Caf advisers of a département, created with their role if missing."""
    usernames = [
        f"caf.{departement.code.lower()}.{n}" for n in range(1, ADVISERS_PER_DEPARTEMENT + 1)
    ]
    found = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = [
        _user(context, name, "Conseiller·ère", f"Caf {departement.code}")
        for name in usernames
        if name not in found
    ]
    User.objects.bulk_create(missing)
    Membership.objects.bulk_create(
        Membership(user=user, role=Role.CAF_ADVISER, departement=departement) for user in missing
    )
    return sorted([*found.values(), *missing], key=lambda user: user.username)


def _user(context: Context, username: str, first_name: str, last_name: str) -> User:
    return User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@national.pilote-ctg.invalid",
        password=context.password,
    )


def _write_ctg(context: Context, epci: EPCI, communes: list[dict], counts: Counter) -> None:
    """Write one CTG and everything it holds."""
    rng = random.Random(f"{context.seed}:{epci.siren}")  # noqa: S311 - synthetic data
    draft = CtgDraft(_convention(context, rng, epci, communes), rng, communes, counts)
    counts["conventions"] += 1
    _people(context, draft, epci)
    _plan(context, draft, epci)
    write_updates(context, draft)
    write_indicators(context, draft)
    write_facilities(context, draft)


def _convention(context: Context, rng: random.Random, epci: EPCI, communes) -> Convention:
    start, status = rng.choices(PERIODS, PERIOD_WEIGHTS)[0]
    departement = _departement_of(communes)
    signed = datetime.datetime(start, 1, 1, 9, tzinfo=datetime.UTC) - datetime.timedelta(
        days=rng.randint(20, 120)
    )
    convention = Convention(
        slug=_slug(epci),
        name=f"CTG {epci.name} {start}-{start + 4}",
        departement_id=departement,
        start_date=datetime.date(start, 1, 1),
        end_date=datetime.date(start + 4, 12, 31),
        status=status,
        epci=epci,
        description=(
            f"CTG générée pour le jeu de données national (graine {context.seed}) : "
            f"{epci.name}, {len(communes)} communes."
        ),
        created_at=signed,
        updated_at=signed,
    )
    Convention.objects.bulk_create([convention])
    Convention.communes.through.objects.bulk_create(
        [
            Convention.communes.through(convention_id=convention.pk, commune_id=c["code"])
            for c in communes
        ],
        batch_size=BATCH_SIZE,
    )
    Signatory.objects.bulk_create(
        [
            Signatory(
                convention=convention,
                position=0,
                organisation=context.cafs[departement].name,
                role="Directeur·rice",
            ),
            Signatory(
                convention=convention, position=1, organisation=epci.name, role="Président·e"
            ),
        ]
    )
    return convention


def _people(context: Context, draft: CtgDraft, epci: EPCI) -> None:
    """Create the CTG's coordinator, reader and référents, with their roles and organisations."""
    convention, siren = draft.convention, epci.siren
    draft.epci_org = _organisation(context, epci.name, OrganisationKind.EPCI)
    largest = sorted(draft.communes, key=lambda c: (-(c["population"] or 0), c["code"]))[:2]
    draft.referent_orgs = [
        _organisation(
            context, f"Commune de {c['name']} ({c['code']})", OrganisationKind.COMMUNE, c["code"]
        )
        for c in largest
    ]
    users = [
        (
            _user(context, f"cooperation.{siren}", "Chargé·e", f"de coopération {siren}"),
            Role.COORDINATOR,
            draft.epci_org,
        ),
        (_user(context, f"lecteur.{siren}", "Élu·e", f"CTG {siren}"), Role.READER, None),
    ]
    for index, org in enumerate(draft.referent_orgs, start=1):
        users.append(
            (
                _user(context, f"referent.{siren}.{index}", "Référent·e", org.name),
                Role.REFERENT,
                org,
            )
        )
    existing = set(
        User.objects.filter(username__in=[u.username for u, _r, _o in users]).values_list(
            "username", flat=True
        )
    )
    users = [item for item in users if item[0].username not in existing]
    User.objects.bulk_create([user for user, _role, _org in users])
    Membership.objects.bulk_create(
        Membership(user=user, role=role, convention=convention, organisation=org)
        for user, role, org in users
    )
    draft.coordinator = next((u for u, role, _o in users if role == Role.COORDINATOR), None)
    draft.counts["users"] += len(users)
    draft.counts["memberships"] += len(users)


def _plan(context: Context, draft: CtgDraft, epci: EPCI) -> None:
    """Draw the plan from a seed's shape and write its levels, elements and their links."""
    rng, convention = draft.rng, draft.convention
    size = ((epci.population_municipale or 1) ** 0.25) / context.size_norm
    target = max(8, round(ACTIONS_PER_CTG * size * rng.uniform(0.7, 1.3)))
    years = convention.years
    shape, plan = draw_plan(rng, target, years, [c["code"] for c in draft.communes])
    levels = [
        PlanLevel(convention=convention, position=i, name=name, tracked=name in shape.tracked)
        for i, name in enumerate(shape.level_names)
    ]
    PlanLevel.objects.bulk_create(levels)
    draft.levels = {level.name: level for level in levels}
    draft.counts["levels"] += len(levels)
    generation = [(spec, None) for spec in plan]
    while generation:
        rows = [
            (spec, _plan_node(draft, spec, parent, position))
            for position, (spec, parent) in enumerate(generation)
        ]
        PlanNode.objects.bulk_create([node for _spec, node in rows], batch_size=BATCH_SIZE)
        draft.nodes.extend(rows)
        generation = [(child, node) for spec, node in rows for child in spec.children]
    draft.counts["plan_nodes"] += len(draft.nodes)
    draft.counts["actions"] += sum(1 for spec, _node in draft.nodes if spec.tracked)
    _plan_links(context, draft)
    assert len(draft.nodes) == sum(1 for _ in walk(plan))


def _plan_node(draft: CtgDraft, spec: NodeSpec, parent: PlanNode | None, position: int):
    moment = draft.convention.created_at
    return PlanNode(
        convention=draft.convention,
        parent=parent,
        position=position,
        level=draft.levels[spec.level],
        number=spec.number,
        title=spec.title,
        whole_territory=not spec.communes,
        priority=spec.priority,
        origin=spec.origin,
        start_year=spec.start_year,
        end_year=spec.end_year,
        created_at=moment,
        updated_at=moment,
    )


def _plan_links(context: Context, draft: CtgDraft) -> None:
    """Write the elements' thematics, communes, pilots and partners (many-to-many rows)."""
    rng = draft.rng
    thematics, communes, pilots, partners = [], [], [], []
    caf = context.cafs[draft.convention.departement_id]
    for spec, node in draft.nodes:
        thematics += [
            PlanNode.thematics.through(plannode_id=node.pk, thematic_id=context.thematics[code])
            for code in spec.thematics
        ]
        communes += [
            PlanNode.communes.through(plannode_id=node.pk, commune_id=code)
            for code in spec.communes
        ]
        if not spec.tracked:
            continue
        draw = rng.random()
        pilot = draft.epci_org if draw < 0.6 or not draft.referent_orgs else caf
        if 0.6 <= draw < 0.85 and draft.referent_orgs:
            pilot = rng.choice(draft.referent_orgs)
        pilots.append(PlanNode.pilots.through(plannode_id=node.pk, organisation_id=pilot.pk))
        if pilot != caf and rng.random() < 0.3:
            partners.append(PlanNode.partners.through(plannode_id=node.pk, organisation_id=caf.pk))
    for rows in (thematics, communes, pilots, partners):
        if rows:
            type(rows[0]).objects.bulk_create(rows, batch_size=BATCH_SIZE)
    draft.counts["plan_links"] += len(thematics) + len(communes) + len(pilots) + len(partners)
