"""Create, change and delete the facilities of a CTG's register (annexe 2), one transaction each.

Views, the spreadsheet import and the JSON exchange all write through these functions; they
raise FacilitiesError with a French message that can be shown as is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from pilote.conventions.models import TrashItem, TrashKind
from pilote.conventions.trash import discard
from pilote.core.text import normalize_search
from pilote.plans.models import PlanNode
from pilote.plans.services import convention_communes
from pilote.territories.models import Commune

from ..enums import CapacityUnit, FacilityKind, FacilityStatus, FundingMode
from ..exceptions import FacilitiesError
from ..models import Facility, FacilityBonus

# Bonus amounts may be recorded from the previous CTG (the "historical" amounts the Caf smooths,
# DOMAIN.md §7) up to the years of the renewal being prepared.
BONUS_YEARS_BEFORE = 5
BONUS_YEARS_AFTER = 2
AGE_MAX = 99
OPENING_YEARS = (1900, 2100)  # the model's validators
MAX_CAPACITY = Decimal("999999.99")  # DecimalField(max_digits=8, decimal_places=2)
MAX_AMOUNT = Decimal("9999999999.99")  # DecimalField(max_digits=12, decimal_places=2)
CENT = Decimal("0.01")


@dataclass
class FacilityData:
    """Everything a facility holds; bonuses and actions replace the existing ones."""

    manager: str
    name: str
    kind: str
    subkind: str = ""
    commune: Commune | None = None
    capacity: Decimal | None = None
    capacity_unit: str = CapacityUnit.PLACES
    age_min: int | None = None
    age_max: int | None = None
    funding: str = ""
    status: str = FacilityStatus.EXISTING
    opening_year: int | None = None
    notes: str = ""
    actions: list[PlanNode] = field(default_factory=list)
    bonuses: dict[int, Decimal] = field(default_factory=dict)

    @classmethod
    def from_facility(cls, facility: Facility) -> FacilityData:
        """Return the data of a saved facility (its actions and bonuses should be prefetched)."""
        return cls(
            manager=facility.manager,
            name=facility.name,
            kind=facility.kind,
            subkind=facility.subkind,
            commune=facility.commune,
            capacity=facility.capacity,
            capacity_unit=facility.capacity_unit,
            age_min=facility.age_min,
            age_max=facility.age_max,
            funding=facility.funding,
            status=facility.status,
            opening_year=facility.opening_year,
            notes=facility.notes,
            actions=list(facility.actions.all()),
            bonuses={bonus.year: bonus.amount for bonus in facility.bonuses.all()},
        )


@dataclass(frozen=True)
class Problem:
    """One reason to refuse a facility: the FacilityData field concerned and a French message."""

    field: str
    message: str


def bonus_years(convention) -> range:
    """Return the years a bonus may be recorded for: the CTG's, 5 years before, 2 after."""
    years = convention.years  # bounded: never thousands of per-year fields
    return range(years[0] - BONUS_YEARS_BEFORE, years[-1] + BONUS_YEARS_AFTER + 1)


def territory_communes(convention) -> QuerySet[Commune]:
    """Return the communes a facility of this CTG may be in (the CTG's territory)."""
    return convention_communes(convention)


class FacilityChecker:
    """Check FacilityData against one CTG, reading its territory and plan once."""

    def __init__(self, convention) -> None:
        self.convention = convention
        self.commune_codes = set(territory_communes(convention).values_list("code", flat=True))
        self.node_ids = set(
            PlanNode.objects.filter(convention=convention).values_list("pk", flat=True)
        )
        self.years = bonus_years(convention)

    def problems(self, data: FacilityData) -> list[Problem]:
        """Return every reason to refuse this facility, in the order of the fields."""
        problems: list[Problem] = []

        def add(name: str, message: str) -> None:
            problems.append(Problem(name, message))

        for name, label, limit in (("manager", "Le gestionnaire", 255), ("name", "Le nom", 255)):
            value = getattr(data, name)
            if not value.strip():
                add(name, f"{label} est obligatoire.")
            elif len(value) > limit:
                add(name, f"{label} dépasse {limit} caractères.")
        if data.kind not in FacilityKind.values:
            add("kind", f"Type inconnu : « {data.kind} ».")
        if len(data.subkind) > 120:
            add("subkind", "Le sous-type dépasse 120 caractères.")
        if data.commune is not None and data.commune.pk not in self.commune_codes:
            add(
                "commune",
                f"La commune {data.commune.name} ({data.commune.pk}) n'est pas dans le "
                "territoire de la CTG.",
            )
        if data.capacity is not None:
            if data.capacity < 0:
                add("capacity", "La capacité ne peut pas être négative.")
            elif data.capacity > MAX_CAPACITY:
                add("capacity", "La capacité est trop grande.")
            elif data.capacity != data.capacity.quantize(CENT):
                add("capacity", "La capacité a au plus deux décimales.")
        if data.capacity_unit not in CapacityUnit.values:
            add("capacity_unit", f"Unité inconnue : « {data.capacity_unit} ».")
        for name, label in (("age_min", "L'âge minimum"), ("age_max", "L'âge maximum")):
            age = getattr(data, name)
            if age is not None and not 0 <= age <= AGE_MAX:
                add(name, f"{label} doit être compris entre 0 et {AGE_MAX} ans.")
        if data.age_min is not None and data.age_max is not None and data.age_max < data.age_min:
            add(
                "age_max",
                f"L'âge maximum ({data.age_max} ans) est inférieur à l'âge minimum "
                f"({data.age_min} ans).",
            )
        if data.funding and data.funding not in FundingMode.values:
            add("funding", f"Financement inconnu : « {data.funding} ».")
        if data.status not in FacilityStatus.values:
            add("status", f"Statut inconnu : « {data.status} ».")
        low, high = OPENING_YEARS
        if data.opening_year is not None and not low <= data.opening_year <= high:
            add("opening_year", f"L'année d'ouverture doit être comprise entre {low} et {high}.")
        for year, amount in sorted(data.bonuses.items()):
            if year not in self.years:
                add(
                    "bonuses",
                    f"Bonus {year} : l'année doit être comprise entre {self.years[0]} et "
                    f"{self.years[-1]} (période de la CTG, {BONUS_YEARS_BEFORE} ans avant, "
                    f"{BONUS_YEARS_AFTER} ans après).",
                )
            elif amount < 0:
                add("bonuses", f"Bonus {year} : le montant ne peut pas être négatif.")
            elif amount > MAX_AMOUNT:
                add("bonuses", f"Bonus {year} : le montant est trop grand.")
            elif amount != amount.quantize(CENT):
                add("bonuses", f"Bonus {year} : le montant a au plus deux décimales.")
        foreign = [node for node in data.actions if node.pk not in self.node_ids]
        if foreign:
            add("actions", "Une action choisie n'appartient pas au plan de cette CTG.")
        return problems

    def check(self, data: FacilityData) -> None:
        """Raise FacilitiesError if the data cannot be saved."""
        problems = self.problems(data)
        if len(problems) == 1:
            raise FacilitiesError(problems[0].message, field=problems[0].field)
        if problems:
            raise FacilitiesError(" ".join(problem.message for problem in problems))


def create_facility(convention, data: FacilityData) -> Facility:
    """Add a facility to the CTG's register, with its bonuses and actions."""
    FacilityChecker(convention).check(data)
    with transaction.atomic():
        return _save(Facility(convention=convention), data)


def update_facility(facility: Facility, data: FacilityData) -> Facility:
    """Change a facility; its bonuses and actions become those of data."""
    FacilityChecker(facility.convention).check(data)
    with transaction.atomic():
        return _save(facility, data)


def delete_facility(facility: Facility, *, by=None) -> TrashItem:
    """Move a facility, with its bonuses and links to actions, to the CTG's trash."""
    return discard(
        facility,
        convention=facility.convention,
        user=by,
        kind=TrashKind.FACILITY,
        label=facility.name,
    )


def save_facilities(convention, items: list[tuple[Facility | None, FacilityData]]) -> None:
    """Create (facility None) or update each facility, all or nothing; raise FacilitiesError."""
    checker = FacilityChecker(convention)
    for index, (_facility, data) in enumerate(items, 1):
        problems = checker.problems(data)
        if problems:
            raise FacilitiesError(
                f"Équipement n° {index} (« {data.name} ») : "
                + " ".join(problem.message for problem in problems)
            )
    with transaction.atomic():
        for facility, data in items:
            _save(facility or Facility(convention=convention), data)


def _save(facility: Facility, data: FacilityData) -> Facility:
    for name in (
        "manager",
        "name",
        "kind",
        "subkind",
        "commune",
        "capacity",
        "capacity_unit",
        "age_min",
        "age_max",
        "funding",
        "status",
        "opening_year",
        "notes",
    ):
        value = getattr(data, name)
        setattr(facility, name, value.strip() if isinstance(value, str) else value)
    facility.save()
    facility.actions.set(data.actions)
    existing = {bonus.year: bonus for bonus in facility.bonuses.all()}
    for year, bonus in existing.items():
        if year not in data.bonuses:
            bonus.delete()
        elif bonus.amount != data.bonuses[year]:
            bonus.amount = data.bonuses[year]
            bonus.save()
    for year, amount in sorted(data.bonuses.items()):
        if year not in existing:
            FacilityBonus.objects.create(facility=facility, year=year, amount=amount)
    return facility


# --------------------------------------------------------------------------- plan references


class ActionIndex:
    """Name the plan elements of one CTG in files, and find them back from those names.

    An element is written as its number ("3.1") when no other element of the CTG has it, as
    its level and number ("Fiche action 1") when an axe shares the number, and by its title
    when it has no number.
    """

    def __init__(self, convention) -> None:
        nodes = list(
            PlanNode.objects.filter(convention=convention)
            .select_related("level")
            .order_by("pk")
            .only(
                "pk",
                "number",
                "title",
                "convention_id",
                "parent_id",
                "position",
                "level__name",
                "level__tracked",
                "is_internal",
            )
        )
        self.by_pk = {node.pk: node for node in nodes}
        self.order = _outline_order(nodes)
        self._by_number: dict[str, list[PlanNode]] = defaultdict(list)
        self._by_level_number: dict[str, list[PlanNode]] = defaultdict(list)
        self._by_title: dict[str, list[PlanNode]] = defaultdict(list)
        for node in nodes:
            if node.number:
                self._by_number[_key(node.number)].append(node)
                self._by_level_number[_key(f"{node.level.name} {node.number}")].append(node)
            self._by_title[_key(node.title)].append(node)

    def reference(self, node: PlanNode) -> str:
        """Return how files name this element."""
        node = self.by_pk.get(node.pk, node)
        if node.number:
            if len(self._by_number[_key(node.number)]) == 1:
                return node.number
            return f"{node.level.name} {node.number}"
        return node.title

    def sorted(self, nodes) -> list[PlanNode]:
        """Return the elements in plan order."""
        return sorted(nodes, key=lambda node: self.order.get(node.pk, len(self.order)))

    def find(self, text: str) -> tuple[PlanNode | None, str]:
        """Return the element named by text, or None and a French message saying why not."""
        key = _key(text)
        for index in (self._by_number, self._by_level_number, self._by_title):
            found = index.get(key, [])
            if len(found) == 1:
                return found[0], ""
            if len(found) > 1:
                names = ", ".join(_node_name(node) for node in found)
                return None, (
                    f"« {text} » désigne plusieurs éléments du plan ({names}) : précisez "
                    f"le niveau, par exemple « {_node_name(found[-1])} »."
                )
        return None, f"aucun élément du plan ne porte le numéro ou l'intitulé « {text} »."

    def parse(self, cell: str) -> tuple[list[PlanNode], list[str]]:
        """Return the elements named in a cell (separated by commas) and the problems found.

        Titles may hold commas: consecutive pieces are joined back when they form a title.
        """
        pieces = [piece.strip() for piece in cell.replace("\n", ",").split(",")]
        pieces = [piece for piece in pieces if piece]
        nodes: list[PlanNode] = []
        problems: list[str] = []
        start = 0
        while start < len(pieces):
            for end in range(len(pieces), start, -1):
                candidate = ", ".join(pieces[start:end])
                node, message = self.find(candidate)
                if node is not None:
                    break
                if end == start + 1:
                    problems.append(message)
            if node is not None and node not in nodes:
                nodes.append(node)
            start = end
        return nodes, problems


def _outline_order(nodes: list[PlanNode]) -> dict[int, int]:
    """Return each element's rank in plan order (depth first)."""
    children: dict[int | None, list[PlanNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    order: dict[int, int] = {}
    stack = sorted(children[None], key=lambda n: (n.position, n.pk), reverse=True)
    while stack:
        node = stack.pop()
        order[node.pk] = len(order)
        stack += sorted(children[node.pk], key=lambda n: (n.position, n.pk), reverse=True)
    return order


def _key(text: str) -> str:
    return normalize_search(text)


def _node_name(node: PlanNode) -> str:
    if node.number:
        return f"{node.level.name} {node.number}"
    title = node.title if len(node.title) <= 50 else node.title[:49] + "…"
    return f"{node.level.name} « {title} »"
