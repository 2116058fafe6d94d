"""Read a CTG's whole plan in a fixed number of queries and assemble it as a tree."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import PlanLevel, PlanNode


@dataclass
class TreeNode:
    node: PlanNode
    depth: int
    children: list["TreeNode"] = field(default_factory=list)
    # Filled by the views that render controls (see pilote.plans.views.attach_urls).
    urls: dict[str, str] = field(default_factory=dict)
    # Filled by the plan page (see pilote.plans.tree_html.attach_labels).
    pilot_names: list[str] = field(default_factory=list)
    thematic_labels: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.node.number or ""

    @property
    def label(self) -> str:
        """Return a short name for the controls' accessible names ("Fiche action 3")."""
        if self.node.number:
            return f"{self.node.level.name} {self.node.number}"
        title = self.node.title if len(self.node.title) <= 50 else self.node.title[:49] + "…"
        return f"{self.node.level.name} « {title} »"

    @property
    def descendant_count(self) -> int:
        """Return how many elements lie under this one, at any depth."""
        return sum(1 + child.descendant_count for child in self.children)


# What the plan page shows of each element (pilote.plans.tree_html): not the long texts nor the
# timestamps, whose loading (a datetime parsed per row) cost more than the rest of a row.
OUTLINE_FIELDS = (
    "convention",
    "parent",
    "position",
    "level",
    "level__name",
    "number",
    "title",
    "is_internal",
    "start_year",
    "start_quarter",
    "end_year",
    "end_quarter",
    "priority",
)


def plan_queryset(convention, *, include_internal: bool, full: bool = True, outline: bool = False):
    """Return the plan nodes of a CTG with what the pages show, prefetched (constant queries).

    include_internal: with the internal elements (pilote.plans.visibility), for an editor;
    outline: only the OUTLINE_FIELDS, for the plan page (other fields cost a query each).
    """
    queryset = (
        PlanNode.objects.filter(convention=convention)
        .shown(include_internal)
        .select_related("level")
    )
    if outline:
        queryset = queryset.only(*OUTLINE_FIELDS)
    if full:
        queryset = queryset.prefetch_related(
            "thematics",
            Prefetch("pilots"),
            Prefetch("partners"),
            "communes",
        )
    return queryset.order_by("parent_id", "position", "pk")


def build_tree(nodes) -> list[TreeNode]:
    """Return the root TreeNodes built from an iterable of PlanNodes of one CTG."""
    by_parent: dict[int | None, list[PlanNode]] = defaultdict(list)
    for node in nodes:
        by_parent[node.parent_id].append(node)
    for siblings in by_parent.values():
        siblings.sort(key=lambda n: (n.position, n.pk))

    def make(node: PlanNode, depth: int) -> TreeNode:
        item = TreeNode(node=node, depth=depth)
        item.children = [make(child, depth + 1) for child in by_parent.get(node.pk, [])]
        return item

    return [make(root, 0) for root in by_parent.get(None, [])]


def walk(roots: list[TreeNode]):
    """Yield every TreeNode depth-first, in plan order."""
    stack = list(reversed(roots))
    while stack:
        item = stack.pop()
        yield item
        stack.extend(reversed(item.children))


def load_plan(
    convention, *, include_internal: bool, full: bool = True, outline: bool = False
) -> list[TreeNode]:
    """Return the plan of a CTG as a list of root TreeNodes (internal ones for an editor)."""
    return build_tree(
        plan_queryset(convention, full=full, include_internal=include_internal, outline=outline)
    )


def counts_by_level(convention, *, include_internal: bool) -> list[tuple[PlanLevel, int]]:
    """Return each level of the CTG with its number of nodes, in level order."""
    counter = Counter(
        PlanNode.objects.filter(convention=convention)
        .shown(include_internal)
        .values_list("level_id", flat=True)
    )
    return [(level, counter.get(level.pk, 0)) for level in convention.levels.all()]


def find(roots: list[TreeNode], pk: int) -> TreeNode | None:
    """Return the TreeNode of the element with this primary key, or None."""
    return next((item for item in walk(roots) if item.node.pk == pk), None)


def ancestors(roots: list[TreeNode], pk: int) -> list[PlanNode]:
    """Return the ancestors of an element, from the root down to its parent."""
    by_pk = {item.node.pk: item.node for item in walk(roots)}
    chain: list[PlanNode] = []
    node = by_pk.get(pk)
    while node is not None and node.parent_id is not None:
        node = by_pk.get(node.parent_id)
        if node is not None:
            chain.append(node)
    chain.reverse()
    return chain


@dataclass(frozen=True)
class Crumb:
    pk: int
    number: str
    title: str

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


def lineages(convention) -> dict[int, list[Crumb]]:
    """Return, for every element of the CTG, its ancestors root first (one light query)."""
    rows = {
        pk: (parent_id, Crumb(pk, number, title))
        for pk, parent_id, number, title in PlanNode.objects.filter(
            convention=convention
        ).values_list("pk", "parent_id", "number", "title")
    }
    result: dict[int, list[Crumb]] = {}

    def chain(pk: int) -> list[Crumb]:
        # Plans are a few levels deep: plain recursion with memoisation is enough.
        if pk not in result:
            parent_id = rows[pk][0]
            if parent_id is None or parent_id not in rows:
                result[pk] = []
            else:
                result[pk] = [*chain(parent_id), rows[parent_id][1]]
        return result[pk]

    for pk in rows:
        chain(pk)
    return result


def outline_order(convention, *, include_internal: bool = True) -> dict[int, int]:
    """Return each element's rank in plan order (depth first), from one light query.

    Without include_internal, the ranks of the plan without its internal elements (the JSON
    export for a reader numbers its elements so).
    """
    children: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
    nodes = PlanNode.objects.filter(convention=convention).shown(include_internal)
    for pk, parent_id, position in nodes.values_list("pk", "parent_id", "position"):
        children[parent_id].append((position, pk))
    order: dict[int, int] = {}
    stack = [pk for _, pk in sorted(children.get(None, []), reverse=True)]
    while stack:
        pk = stack.pop()
        order[pk] = len(order)
        stack.extend(child for _, child in sorted(children.get(pk, []), reverse=True))
    return order


def descendant_ids(node: PlanNode) -> set[int]:
    """Return the primary keys of every node under this one (one query)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in PlanNode.objects.filter(convention_id=node.convention_id).values_list(
        "pk", "parent_id"
    ):
        children[parent_id].append(pk)
    found: set[int] = set()
    stack = list(children.get(node.pk, []))
    while stack:
        pk = stack.pop()
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found
