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

    @property
    def path(self) -> str:
        return self.node.number or ""


def plan_queryset(convention, *, full: bool = True):
    """Return the plan nodes of a CTG with what the pages show, prefetched (constant queries)."""
    queryset = PlanNode.objects.filter(convention=convention).select_related("level")
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


def load_plan(convention, *, full: bool = True) -> list[TreeNode]:
    """Return the plan of a CTG as a list of root TreeNodes."""
    return build_tree(plan_queryset(convention, full=full))


def counts_by_level(convention) -> list[tuple[PlanLevel, int]]:
    """Return each level of the CTG with its number of nodes, in level order."""
    counter = Counter(
        PlanNode.objects.filter(convention=convention).values_list("level_id", flat=True)
    )
    return [(level, counter.get(level.pk, 0)) for level in convention.levels.all()]
