"""Renew a CTG: create the next one from an ending one, for its users to revise.

The new CTG starts "en préparation" with the same Caf, EPCI and communes, the signatories
without their dates, the plan's level names, the governance bodies and their members, and,
when asked, the unfinished actions: the tracked elements whose latest update is neither
"réalisée" nor "abandonnée" (none counts as unfinished), with their ancestors so that the tree
stays whole and the elements of untracked levels under them. Their fiches come along; their
periods, budget lines, indicator targets and measurements do not: they belong to the old period.

Who may renew: whoever may create a CTG for the Caf of the département (a Caf adviser of the
département, or a superuser; see pilote.accounts.perms.can_create_convention). The CTG's
coordinators see what would be carried over but cannot create the CTG: creating a CTG is the
Caf's act, as on the creation page.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Prefetch
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership
from pilote.accounts.perms import (
    can_create_convention,
    can_view_convention,
    creatable_departements,
)
from pilote.conventions import services as convention_services
from pilote.conventions.enums import ConventionStatus
from pilote.conventions.models import Convention
from pilote.conventions.services import (
    ConventionError,
    SignatoryData,
    check_period,
    check_slug,
    unique_slug,
)
from pilote.conventions.versioning import bump
from pilote.core.formats import plural
from pilote.monitoring.enums import CLOSED_STATUSES
from pilote.monitoring.queries import STATUS_LABELS, latest_update_values
from pilote.plans.levels import LevelData, replace_levels
from pilote.plans.models import Indicator, PlanLevel, PlanNode, Thematic
from pilote.plans.services import (
    IndicatorData,
    NodeData,
    NodeSpec,
    PlanError,
    convention_communes,
    create_nodes,
)
from pilote.plans.tree import build_tree, walk

from .exceptions import GovernanceError
from .models import Body, BodyMember

# Roles held on the CTG itself (Caf advisers hold theirs on the département), as the form
# counts them: "1 chargé·e de coopération, 2 référent·es".
CARRIED_ROLES = {
    Role.COORDINATOR: ("chargé·e de coopération", "chargé·es de coopération"),
    Role.REFERENT: ("référent·e", "référent·es"),
    Role.READER: ("lecteur·rice", "lecteur·rices"),
}
DEFAULT_YEARS = 4
MAX_YEARS = 5
# A CTG ending within this many days is offered its renewal on its summary.
RENEWAL_NOTICE_DAYS = 365


# ---------------------------------------------------------------------------------------------
# Defaults of the form
# ---------------------------------------------------------------------------------------------


def renewal_due(convention: Convention, *, today: datetime.date | None = None) -> bool:
    """Return True if the CTG has ended or ends within a year: time to prepare the next one."""
    today = today or timezone.localdate()
    return (convention.end_date - today).days <= RENEWAL_NOTICE_DAYS


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_period(old: Convention) -> tuple[datetime.date, datetime.date]:
    """Return the next CTG's period: from the day after the old one, for as many whole years.

    A CTG lasts 1 to 5 years; an old one of an odd length gives 4 years.
    """
    start = old.end_date + datetime.timedelta(days=1)
    years = round(old.duration_years)
    if not 1 <= years <= MAX_YEARS:
        years = DEFAULT_YEARS
    return start, add_years(start, years) - datetime.timedelta(days=1)


def _with_years(text: str, old: Convention, start: datetime.date, end: datetime.date) -> str | None:
    pattern = re.compile(rf"{old.start_date.year}(\s*[-–]\s*){old.end_date.year}")
    if pattern.search(text):
        return pattern.sub(lambda m: f"{start.year}{m.group(1)}{end.year}", text, count=1)
    return None


def default_name(old: Convention, start: datetime.date, end: datetime.date) -> str:
    """Return the old name with the new years: "CTG Tarn-Agout 2027-2030"."""
    renamed = _with_years(old.name, old, start, end)
    return renamed or f"{old.name} {start.year}-{end.year}"


def default_slug(old: Convention, start: datetime.date, end: datetime.date) -> str:
    """Return the old slug with the new years ("tarn-agout-2027-2030"), or one from the name."""
    renamed = _with_years(old.slug, old, start, end)
    if renamed:
        try:
            check_slug(renamed)
        except ConventionError:
            pass
        else:
            return renamed
    return unique_slug(default_name(old, start, end))


# ---------------------------------------------------------------------------------------------
# What is carried over
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CarriedAction:
    pk: int
    label: str  # "Objectif opérationnel 12 : Mettre en place…"
    status: str  # the latest update's status, or "aucun point de suivi"


@dataclass
class Selection:
    """The elements carried over: unfinished actions, their ancestors, what lies under them."""

    unfinished: list[CarriedAction]
    closed_count: int
    tracked_count: int
    node_ids: set[int]


def select_unfinished(convention: Convention) -> Selection:
    """Return the unfinished actions of the CTG and the elements to carry with them.

    Two queries whatever the plan's size: the elements, and their latest updates.
    """
    nodes = list(
        PlanNode.objects.filter(convention=convention)
        .select_related("level")
        .only("pk", "parent_id", "position", "number", "title", "level__name", "level__tracked")
    )
    latest = latest_update_values(convention, include_internal=True)  # an editor renews
    by_pk = {node.pk: node for node in nodes}
    children: dict[int | None, list[PlanNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    unfinished: list[CarriedAction] = []
    closed = tracked = 0
    carried: set[int] = set()
    for item in walk(build_tree(nodes)):
        node = item.node
        if not node.level.tracked:
            continue
        tracked += 1
        values = latest.get(node.pk)
        status = values[2] if values else None
        if status in CLOSED_STATUSES:
            closed += 1
            continue
        label = f"{node.level.name} {node.number}".strip()
        unfinished.append(
            CarriedAction(
                pk=node.pk,
                label=f"{label} : {node.title}",
                status=STATUS_LABELS.get(status, status) if status else "aucun point de suivi",
            )
        )
        # The action, its ancestors, and the untracked elements under it.
        parent_id = node.parent_id
        while parent_id is not None and parent_id not in carried:
            carried.add(parent_id)
            parent_id = by_pk[parent_id].parent_id
        stack = [node]
        while stack:
            current = stack.pop()
            carried.add(current.pk)
            stack.extend(c for c in children.get(current.pk, []) if not c.level.tracked)
    return Selection(
        unfinished=unfinished, closed_count=closed, tracked_count=tracked, node_ids=carried
    )


@dataclass
class RenewalPreview:
    """What the renewal form lists: what the new CTG will receive."""

    convention: Convention
    selection: Selection
    communes_count: int
    outdated_communes: list
    signatories: list
    levels: list[PlanLevel]
    bodies: list[Body]
    member_count: int
    custom_thematics: list[Thematic]
    indicator_count: int  # of the carried elements
    ctg_indicator_count: int
    roles: list[tuple[str, int]]  # (role label, count) of the memberships carried over
    renewals: list[Convention] = field(default_factory=list)


def renewal_preview(convention: Convention) -> RenewalPreview:
    """Return what renewing the CTG would carry over (a fixed number of queries)."""
    selection = select_unfinished(convention)
    communes = list(convention.communes.only("code", "name", "is_current"))
    bodies = list(
        Body.objects.filter(convention=convention).annotate(member_count=Count("members"))
    )
    indicators = Counter(
        Indicator.objects.filter(convention=convention).values_list("node_id", flat=True)
    )
    roles = Counter(
        Membership.objects.filter(convention=convention, role__in=list(CARRIED_ROLES)).values_list(
            "role", flat=True
        )
    )
    return RenewalPreview(
        convention=convention,
        selection=selection,
        communes_count=sum(1 for commune in communes if commune.is_current),
        outdated_communes=[commune for commune in communes if not commune.is_current],
        signatories=list(convention.signatories.all()),
        levels=list(convention.levels.order_by("position")),
        bodies=bodies,
        member_count=sum(body.member_count for body in bodies),
        custom_thematics=list(Thematic.objects.filter(convention=convention)),
        indicator_count=sum(
            count for node_id, count in indicators.items() if node_id in selection.node_ids
        ),
        ctg_indicator_count=indicators.get(None, 0),
        roles=[
            (words[roles[role] > 1], roles[role])
            for role, words in CARRIED_ROLES.items()
            if roles[role]
        ],
        renewals=list(convention.renewals.order_by("start_date", "pk")),
    )


@dataclass(frozen=True)
class CarriedCounts:
    """What a renewed CTG received, counted on the new CTG itself."""

    actions: int
    elements: int
    signatories: int
    bodies: int
    members: int
    indicators: int

    @property
    def summary(self) -> str:
        """Return what was carried: "19 actions reprises (40 éléments du plan en tout), …"."""

        parts = [
            f"{count} action{'s' if count > 1 else ''} reprise{'s' if count > 1 else ''}"
            if (count := self.actions)
            else "aucune action reprise"
        ]
        if self.elements:
            parts[0] += f" ({plural(self.elements, 'élément')} du plan en tout)"
        if self.signatories:
            parts.append(plural(self.signatories, "signataire"))
        if self.bodies:
            parts.append(
                f"{plural(self.bodies, 'instance')} de gouvernance "
                f"({plural(self.members, 'membre')})"
            )
        if self.indicators:
            parts.append(plural(self.indicators, "indicateur"))
        return ", ".join(parts)


def carried_counts(convention: Convention) -> CarriedCounts:
    """Return what the CTG holds that a renewal carries (five queries)."""
    nodes = Counter(
        PlanNode.objects.filter(convention=convention).values_list("level__tracked", flat=True)
    )
    return CarriedCounts(
        actions=nodes[True],
        elements=nodes[True] + nodes[False],
        signatories=convention.signatories.count(),
        bodies=Body.objects.filter(convention=convention).count(),
        members=BodyMember.objects.filter(body__convention=convention).count(),
        indicators=Indicator.objects.filter(convention=convention).count(),
    )


# ---------------------------------------------------------------------------------------------
# The renewal itself
# ---------------------------------------------------------------------------------------------


def check_can_renew(by, old: Convention) -> None:
    """Raise GovernanceError unless the user may create the CTG following this one."""
    if not can_view_convention(by, old):
        raise GovernanceError("Vous n'avez pas accès à cette CTG.")
    if not can_create_convention(by) or not (
        creatable_departements(by).filter(pk=old.departement_id).exists()
    ):
        raise GovernanceError(
            "Seul·e un·e conseiller·ère de la Caf du département "
            f"{old.departement} peut créer la CTG suivante : demandez-lui de la créer."
        )


def check_renewal_dates(old: Convention, start_date: datetime.date, end_date: datetime.date):
    """Raise GovernanceError if the new CTG's period is not valid."""
    if start_date <= old.start_date:
        raise GovernanceError(
            "La nouvelle CTG doit commencer après le début de la CTG précédente "
            f"({old.start_date:%d/%m/%Y}).",
            field="start_date",
        )
    try:
        check_period(start_date, end_date)
    except ConventionError as error:
        raise GovernanceError(error.message, field=error.field or "end_date") from error


def renewal_warnings(old: Convention, start_date, end_date) -> list[str]:
    """Return the non-blocking remarks on the new CTG's period."""
    warnings = convention_services.period_warnings(start_date, end_date)
    if start_date <= old.end_date:
        warnings.append(
            f"La nouvelle CTG commence avant la fin de la précédente ({old.end_date:%d/%m/%Y}) : "
            "les deux périodes se chevauchent."
        )
    return warnings


def renew_convention(
    old: Convention,
    *,
    by,
    name: str,
    slug: str,
    start_date: datetime.date,
    end_date: datetime.date,
    carry_actions: bool = True,
    carry_members: bool = True,
) -> Convention:
    """Create the CTG following `old` and return it (one transaction: all or nothing).

    carry_members gives the users holding a role on the old CTG (coordination, référents,
    readers) the same role on the new one.
    """
    check_can_renew(by, old)
    name = name.strip()
    if not name:
        raise GovernanceError("Indiquez le nom de la nouvelle CTG.", field="name")
    check_renewal_dates(old, start_date, end_date)
    with transaction.atomic():
        Convention.objects.select_for_update().filter(pk=old.pk).first()
        renewal = old.renewals.first()
        if renewal is not None:
            raise GovernanceError(
                f"Cette CTG a déjà été renouvelée : « {renewal.name} ». Modifiez cette CTG "
                "plutôt que d'en créer une autre."
            )
        try:
            if slug:
                check_slug(slug)
            new = _create(old, by=by, name=name, slug=slug, start=start_date, end=end_date)
            if carry_actions:
                _carry_plan(old, new, by=by)
        except (ConventionError, PlanError) as error:
            raise GovernanceError(
                getattr(error, "message", str(error)), field=getattr(error, "field", None)
            ) from error
        _carry_bodies(old, new, by=by)
        if carry_members:
            Membership.objects.bulk_create(
                Membership(
                    user_id=membership.user_id,
                    role=membership.role,
                    convention=new,
                    organisation_id=membership.organisation_id,
                )
                for membership in Membership.objects.filter(
                    convention=old, role__in=list(CARRIED_ROLES)
                )
            )
        new.renewed_from = old
        new.save(update_fields=["renewed_from", "updated_at"])
        if old.end_date < timezone.localdate() and old.status != ConventionStatus.RENEWED:
            old.status = ConventionStatus.RENEWED
            old._history_user = by
            old.save(update_fields=["status", "updated_at"])
        bump(old, new)  # the copies are bulk_create'd; the old CTG now names its renewal
    return new


def _create(old: Convention, *, by, name, slug, start, end) -> Convention:
    new = convention_services.create_convention(
        by=by,
        name=name,
        slug=slug,
        departement=old.departement,
        start_date=start,
        end_date=end,
        status=ConventionStatus.PREPARATION,
        epci=old.epci,
        # Communes merged away since the old CTG was signed are left out (the form says so).
        communes=old.communes.filter(is_current=True),
    )
    replace_levels(
        new,
        by=by,
        levels=[
            LevelData(name=level.name, tracked=level.tracked)
            for level in old.levels.order_by("position")
        ],
    )
    convention_services.replace_signatories(
        new,
        by=by,
        signatories=[
            SignatoryData(
                organisation=signatory.organisation,
                representative=signatory.representative,
                role=signatory.role,
            )
            for signatory in old.signatories.all()
        ],
    )
    return new


def _carry_plan(old: Convention, new: Convention, *, by) -> None:
    """Create the unfinished actions and what they need in the new CTG."""
    selection = select_unfinished(old)
    # The CTG's own thematics, all of them: the new plan may use those no action carried uses.
    old_custom = list(Thematic.objects.filter(convention=old).order_by("pk"))
    copies = Thematic.objects.bulk_create(
        Thematic(convention=new, code=thematic.code, label=thematic.label)
        for thematic in old_custom
    )
    custom = {thematic.pk: copy for thematic, copy in zip(old_custom, copies, strict=True)}
    levels = dict(
        zip(
            old.levels.order_by("position").values_list("pk", flat=True),
            new.levels.order_by("position"),
            strict=True,
        )
    )
    allowed = set(convention_communes(new).values_list("code", flat=True))
    nodes = (
        PlanNode.objects.filter(pk__in=selection.node_ids)
        .select_related("level")
        .prefetch_related(
            "communes",
            "pilots",
            "partners",
            "thematics",
            Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk")),
        )
    )
    specs: dict[int, NodeSpec] = {}
    roots: list[NodeSpec] = []
    for item in walk(build_tree(nodes)):
        node = item.node
        spec = NodeSpec(
            data=_node_data(node, levels, allowed, custom),
            key=node.pk,
        )
        specs[node.pk] = spec
        if node.parent_id is None:
            roots.append(spec)
        else:
            specs[node.parent_id].children.append(spec)
    create_nodes(new, roots, by=by)
    _carry_ctg_indicators(old, new, by=by)


def _node_data(node: PlanNode, levels: dict, allowed: set[str], custom: dict) -> NodeData:
    """Return the data of an element of the old plan for the new CTG (its levels, communes)."""
    communes = [c for c in node.communes.all() if c.code in allowed]
    return NodeData(
        level=levels[node.level_id],
        title=node.title,
        number=node.number,
        objective=node.objective,
        description=node.description,
        expected_result=node.expected_result,
        target_public=node.target_public,
        whole_territory=node.whole_territory or not communes,
        communes=communes,
        pilots=[o.name for o in node.pilots.all()],
        partners=[o.name for o in node.partners.all()],
        thematics=[custom[t.pk] if t.convention_id else t for t in node.thematics.all()],
        priority=node.priority,
        origin=node.origin,
        is_internal=node.is_internal,  # still the Caf's and the coordination's alone
        indicators=[
            IndicatorData(
                name=indicator.name,
                unit=indicator.unit,
                baseline_value=indicator.baseline_value,
                baseline_year=indicator.baseline_year,
                source=indicator.source,
                frequency=indicator.frequency,
            )
            for indicator in node.indicators.all()
        ],
    )


def _carry_ctg_indicators(old: Convention, new: Convention, *, by) -> None:
    """Create the indicators of the whole CTG (not of an action) in the new one."""
    ctg_indicators = [
        Indicator(
            convention=new,
            node=None,
            position=indicator.position,
            name=indicator.name,
            unit=indicator.unit,
            baseline_value=indicator.baseline_value,
            baseline_year=indicator.baseline_year,
            source=indicator.source,
            frequency=indicator.frequency,
        )
        for indicator in Indicator.objects.filter(convention=old, node=None).order_by(
            "position", "pk"
        )
    ]
    if ctg_indicators:
        bulk_create_with_history(ctg_indicators, Indicator, default_user=by)


def _carry_bodies(old: Convention, new: Convention, *, by) -> None:
    bodies = list(Body.objects.filter(convention=old).prefetch_related("members"))
    if not bodies:
        return
    copies = bulk_create_with_history(
        [
            Body(
                convention=new,
                kind=body.kind,
                name=body.name,
                mission=body.mission,
                position=body.position,
            )
            for body in bodies
        ],
        Body,
        default_user=by,
    )
    members = [
        BodyMember(
            body=copy,
            organisation=member.organisation,
            person=member.person,
            role=member.role,
            email=member.email,
            voting=member.voting,
            position=member.position,
        )
        for body, copy in zip(bodies, copies, strict=True)
        for member in body.members.all()
    ]
    if members:
        bulk_create_with_history(members, BodyMember, default_user=by)
