"""Render a CTG's plan tree as HTML in one pass, for the plan page and its reorder responses.

A plan of 2,000 actions rendered by including one sub-template per element spent two thirds of
the page's time in the template engine (a new context, a with block and dozens of variable
look-ups per element). The markup is the one those templates produced, built here with the same
escaping; the labels (pilots, thematics) are read as plain strings, not as model instances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .models import PlanNode
from .tree import TreeNode, walk

# One badge colour per depth, then the last one for deeper levels.
BADGE_COLOURS = ["blue-ecume", "green-menthe", "purple-glycine", "orange-terre-battue"]
DEEPER_COLOUR = "beige-gris-galet"
# The id of the plan page's one hidden form (its CSRF token) that every reorder button submits.
REORDER_FORM = "plan-reorder"
INTERNAL_BADGE = (
    '<span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--yellow-tournesol '
    'pilote-internal" title="Visible seulement par la Caf et le·la chargé·e de coopération">'
    "Interne</span>"
)


def attach_labels(convention, roots: list[TreeNode]) -> None:
    """Give every TreeNode its pilots' names and thematics' labels (two light queries).

    In the order the related models sort by (organisations by name, thematics by CTG and label),
    as prefetching them would, without building a model instance per link.
    """
    pilots: dict[int, list[str]] = defaultdict(list)
    thematics: dict[int, list[str]] = defaultdict(list)
    links = PlanNode.pilots.through.objects.filter(plannode__convention=convention)
    for pk, name in links.order_by("organisation__name").values_list(
        "plannode_id", "organisation__name"
    ):
        pilots[pk].append(name)
    links = PlanNode.thematics.through.objects.filter(plannode__convention=convention)
    for pk, label in links.order_by("thematic__convention_id", "thematic__label").values_list(
        "plannode_id", "thematic__label"
    ):
        thematics[pk].append(label)
    for item in walk(roots):
        item.pilot_names = pilots.get(item.node.pk, [])
        item.thematic_labels = thematics.get(item.node.pk, [])


def render_tree(
    items: list[TreeNode],
    *,
    parent_pk: int | None,
    can_edit: bool,
    focus_pk: int | None = None,
    focus_direction: str = "",
) -> SafeString:
    """Return the list of these sibling elements with their subtrees, as the plan page shows it.

    The items need their URLs (pilote.plans.views.attach_urls) and labels (attach_labels).
    With can_edit, the reorder buttons submit the page's one form REORDER_FORM (its CSRF token),
    each to its own URL: no token in the tree, which any visitor's page can then share.
    focus_pk and focus_direction mark the button that keeps the focus after a reorder.
    """
    renderer = _Renderer(can_edit=can_edit, focus_pk=focus_pk, focus=focus_direction)
    out: list[str] = []
    renderer.siblings(items, parent_pk, out)
    return mark_safe("".join(out))


class _Renderer:
    def __init__(self, *, can_edit: bool, focus_pk: int | None, focus: str) -> None:
        self.can_edit = can_edit
        self.focus_pk = focus_pk
        self.focus = focus

    def siblings(self, items: Iterable[TreeNode], parent_pk: int | None, out: list[str]) -> None:
        out.append(f'<ul class="plan-tree" id="enfants-{parent_pk or "racine"}">')
        items = list(items)
        last = len(items) - 1
        for index, item in enumerate(items):
            self.item(item, first=index == 0, last=index == last, out=out)
        out.append("</ul>")

    def item(self, item: TreeNode, *, first: bool, last: bool, out: list[str]) -> None:
        node = item.node
        depth = item.depth
        colour = BADGE_COLOURS[depth] if depth < len(BADGE_COLOURS) else DEEPER_COLOUR
        number = (
            f'<span class="plan-node__number">{escape(node.number)}</span> ' if node.number else ""
        )
        out.append(
            f'<li class="plan-node plan-node--depth-{depth}" id="element-{node.pk}">'
            '<div class="plan-node__row"><div class="plan-node__main">'
            '<p class="plan-node__heading">'
            f'<span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--{colour}">'
            f"{escape(node.level.name)}</span>"
            f'<a class="plan-node__link" href="{escape(item.urls["node"])}">'
            f"{number}{escape(node.title)}</a>"
            f"{INTERNAL_BADGE if node.is_internal else ''}</p>"
        )
        self.meta(item, out)
        out.append("</div>")
        if self.can_edit:
            self.controls(item, first=first, last=last, out=out)
        out.append("</div>")
        if item.children:
            self.siblings(item.children, node.pk, out)
        out.append("</li>")

    def meta(self, item: TreeNode, out: list[str]) -> None:
        node = item.node
        period = node.period_label
        pilots = item.pilot_names
        thematics = item.thematic_labels
        if not (period or pilots or node.priority or thematics):
            return
        out.append('<div class="plan-node__meta">')
        if period:
            out.append(
                '<span><span class="fr-icon-calendar-line fr-icon--sm" aria-hidden="true"></span> '
                f"{escape(period)}</span>"
            )
        if pilots:
            out.append(
                '<span><span class="fr-icon-team-line fr-icon--sm" aria-hidden="true"></span> '
                f"Pilotes : {', '.join(escape(name) for name in pilots)}</span>"
            )
        if node.priority:
            out.append(f"<span>Priorité {escape(node.get_priority_display().lower())}</span>")
        if thematics:
            tags = "".join(f'<li><p class="fr-tag">{escape(label)}</p></li>' for label in thematics)
            out.append(
                '<ul class="fr-tags-group fr-tags-group--sm plan-node__tags" '
                f'aria-label="Thématiques">{tags}</ul>'
            )
        out.append("</div>")

    def controls(self, item: TreeNode, *, first: bool, last: bool, out: list[str]) -> None:
        label = escape(item.label)
        urls = {key: escape(url) for key, url in item.urls.items()}
        focused = self.focus_pk == item.node.pk
        up_focus = focused and (
            (self.focus == "up" and not first) or (self.focus == "down" and last)
        )
        down_focus = focused and (
            (self.focus == "down" and not last) or (self.focus == "up" and first)
        )
        button = 'class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline'
        submit = f'type="submit" form="{REORDER_FORM}" formaction="'
        out.append(
            '<div class="plan-node__actions">'
            f'<button {submit}{urls["up"]}" hx-post="{urls["up"]}" {button} fr-icon-arrow-up-line"'
            f' title="Monter {label}"{" disabled" if first else ""}'
            f"{' data-plan-focus' if up_focus else ''}>Monter {label}</button>"
            f'<button {submit}{urls["down"]}" hx-post="{urls["down"]}" {button} '
            f'fr-icon-arrow-down-line" title="Descendre {label}"{" disabled" if last else ""}'
            f"{' data-plan-focus' if down_focus else ''}>Descendre {label}</button>"
            f'<a {button} fr-icon-add-line" href="{urls["add"]}" '
            f'title="Ajouter un sous-élément à {label}">Ajouter un sous-élément à {label}</a>'
            f'<a {button} fr-icon-edit-line" href="{urls["edit"]}" title="Modifier {label}">'
            f"Modifier {label}</a>"
            f'<a {button} fr-icon-drag-move-2-line" href="{urls["move"]}" '
            f'title="Déplacer {label} sous un autre élément">'
            f"Déplacer {label} sous un autre élément</a>"
            f'<a {button} fr-icon-delete-line plan-node__delete" href="{urls["delete"]}" '
            f'title="Supprimer {label}">Supprimer {label}</a>'
            "</div>"
        )
