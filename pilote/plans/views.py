"""Pages of a CTG's action plan: tree, fiche, add/edit, move, delete, renumber and search."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.accounts.models import Organisation
from pilote.accounts.perms import can_edit_convention
from pilote.conventions.access import get_convention_for_user
from pilote.conventions.models import Convention
from pilote.conventions.views_trash import announce_trashed
from pilote.core.concurrency import StaleEdit, ensure_current, page_context
from pilote.core.deletion import what_goes
from pilote.core.fragments import render_fragment_page
from pilote.plans.removal import delete_node

from . import numbering, services
from .filters import PlanNodeFilter
from .forms import FicheForms, MoveForm, RenumberForm
from .models import PlanNode
from .tree import ancestors, counts_by_level, find, lineages, load_plan, outline_order, walk
from .tree_html import REORDER_FORM, attach_labels, render_tree
from .visibility import can_see_internal

SEARCH_PAGE_SIZE = 50


def _get_node(convention, pk: int, queryset=None) -> PlanNode:
    """Return the element of this CTG with this pk, or 404 (also when it is another CTG's)."""
    queryset = queryset if queryset is not None else PlanNode.objects.select_related("level")
    return get_object_or_404(queryset, convention=convention, pk=pk)


def _tree_url(convention, node_pk: int | None = None) -> str:
    url = reverse("plans:tree", kwargs={"slug": convention.slug})
    return f"{url}#element-{node_pk}" if node_pk else url


NODE_URLS = {
    "node": "plans:node",
    "edit": "plans:edit",
    "move": "plans:move",
    "delete": "plans:delete",
    "up": "plans:move_up",
    "down": "plans:move_down",
}
_PK = 987654321  # a placeholder pk, replaced in the reversed URL


def attach_urls(convention, roots) -> None:
    """Give every TreeNode its page and control URLs (one reverse() per name, not per node)."""
    patterns = {
        key: reverse(name, kwargs={"slug": convention.slug, "pk": _PK})
        for key, name in NODE_URLS.items()
    }
    add = reverse("plans:add", kwargs={"slug": convention.slug}) + "?parent="
    for item in walk(roots):
        pk = str(item.node.pk)
        item.urls = {key: url.replace(str(_PK), pk) for key, url in patterns.items()}
        item.urls["add"] = add + pk


def plan_tree(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    internal = can_see_internal(request.user, convention)
    can_edit = can_edit_convention(request.user, convention)
    return render_fragment_page(
        request,
        "plans/tree.html",
        name="plan",
        convention=convention,
        variant=(internal, can_edit),
        outer={"convention": convention},
        inner=lambda: _tree_context(convention, internal=internal, can_edit=can_edit),
    )


def _tree_context(convention, *, internal: bool, can_edit: bool) -> dict:
    roots = load_plan(convention, include_internal=internal, full=False, outline=True)
    attach_urls(convention, roots)
    attach_labels(convention, roots)
    return {
        "roots": roots,
        "tree_html": render_tree(roots, parent_pk=None, can_edit=can_edit),
        "reorder_form": REORDER_FORM,
        "level_counts": counts_by_level(convention, include_internal=internal),
        "can_edit": can_edit,
    }


def node_add(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    if not convention.levels.exists():
        messages.error(
            request,
            "Définissez d'abord les niveaux du plan de cette CTG "
            "(par exemple « Axe », « Fiche action », « Action clé »).",
        )
        return redirect(_tree_url(convention))
    parent_pk = request.POST.get("parent") or request.GET.get("parent")
    parent = _get_node(convention, parent_pk) if parent_pk else None
    forms = FicheForms(
        convention=convention,
        parent=parent,
        data=request.POST if request.method == "POST" else None,
    )
    if request.method == "POST" and forms.is_valid():
        try:
            node = services.create_node(
                convention, by=request.user, parent=parent, data=forms.to_data()
            )
        except services.PlanError as error:
            forms.main.add_error(None, str(error))
        else:
            messages.success(request, f"« {node} » a été ajouté au plan.")
            return redirect(node.get_absolute_url())
    lineage = lineages(convention).get(parent.pk, []) if parent else []
    return render(
        request,
        "plans/node_form.html",
        {
            "convention": convention,
            "forms": forms,
            "parent": parent,
            "lineage": lineage,
            "organisation_names": _organisation_names(convention, request.user),
        },
    )


def node_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    node = _get_node(convention, pk)
    forms = FicheForms(
        convention=convention, node=node, data=request.POST if request.method == "POST" else None
    )
    conflict = None
    if request.method == "POST" and forms.is_valid():
        try:
            with transaction.atomic():
                locked = _get_node(convention, pk, PlanNode.objects.select_for_update())
                fresh = FicheForms(convention=convention, node=locked)
                ensure_current(request.POST, submitted=[forms], fresh=[fresh], changed=[locked])
                services.update_node(node, by=request.user, data=forms.to_data())
        except StaleEdit as stale:
            conflict = stale.conflict
        except services.PlanError as error:
            forms.main.add_error(None, str(error))
        else:
            messages.success(request, f"« {node} » a été enregistré.")
            return redirect(node.get_absolute_url())
    return render(
        request,
        "plans/node_form.html",
        {
            "convention": convention,
            "forms": forms,
            "node": node,
            "lineage": lineages(convention).get(node.pk, []),
            "organisation_names": _organisation_names(convention, request.user),
            **page_context(request, forms, conflict=conflict),
        },
        status=409 if conflict else 200,
    )


@require_POST
def node_shift(request: HttpRequest, slug: str, pk: int, direction: str) -> HttpResponse:
    """Move an element up or down among its siblings; htmx gets the siblings' list back."""
    convention = get_convention_for_user(request, slug, edit=True)
    node = _get_node(convention, pk)
    status, error = "", False
    try:
        services.shift_node(node, offset=-1 if direction == "up" else 1)
    except services.PlanError as exc:
        status, error = str(exc), True
    else:
        status = f"« {node} » a été déplacé vers le {'haut' if direction == 'up' else 'bas'}."
    if not request.htmx:
        messages.add_message(request, messages.ERROR if error else messages.SUCCESS, status)
        return redirect(_tree_url(convention, node.pk))
    roots = load_plan(convention, include_internal=True, full=False, outline=True)
    attach_urls(convention, roots)
    attach_labels(convention, roots)
    parent_item = find(roots, node.parent_id) if node.parent_id else None
    items = parent_item.children if parent_item else roots
    tree_html = render_tree(
        items,
        parent_pk=node.parent_id,
        can_edit=True,
        focus_pk=node.pk,
        focus_direction=direction,
    )
    return render(
        request,
        "plans/includes/tree_update.html",
        {"tree_html": tree_html, "status": status, "error": error},
    )


def node_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    node = _get_node(convention, pk)
    roots = load_plan(convention, full=False, include_internal=True)
    form = MoveForm(request.POST if request.method == "POST" else None, node=node, roots=roots)
    if request.method == "POST" and form.is_valid():
        new_parent = form.cleaned_data["parent"]
        level = None
        if form.cleaned_data["level_mode"] == "below":
            levels = list(convention.levels.order_by("position"))
            level = services.level_below(new_parent.level if new_parent else None, levels)
            if level is None:
                form.add_error(
                    "level_mode",
                    f"Aucun niveau n'existe sous « {new_parent.level.name} » : "
                    "gardez le niveau actuel.",
                )
        if not form.errors:
            position = 0 if form.cleaned_data["position"] == "first" else None
            try:
                services.move_node(
                    node, new_parent=new_parent, position=position, level=level, by=request.user
                )
            except services.PlanError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"« {node} » a été déplacé.")
                return redirect(_tree_url(convention, node.pk))
    item = find(roots, node.pk)
    return render(
        request,
        "plans/node_move.html",
        {
            "convention": convention,
            "node": node,
            "form": form,
            "descendant_count": item.descendant_count if item else 0,
            "lineage": ancestors(roots, node.pk),
        },
    )


def node_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    node = _get_node(convention, pk)
    if request.method == "POST":
        label = str(node)
        try:
            deleted = delete_node(node, by=request.user)
        except services.PlanError as error:
            messages.error(request, str(error))
            return redirect(_tree_url(convention, node.pk))
        count = deleted.count
        if count == 1:
            text = f"« {label} » a été placé"
        elif count == 2:
            text = f"« {label} » et son sous-élément ont été placés"
        else:
            text = f"« {label} » et ses {count - 1} sous-éléments ont été placés"
        announce_trashed(request, deleted.item, text)
        return redirect(_tree_url(convention, node.parent_id))
    roots = load_plan(convention, full=False, include_internal=True)
    item = find(roots, node.pk)
    return render(
        request,
        "plans/node_delete.html",
        {
            "convention": convention,
            "node": node,
            "item": item,
            "subtree": list(walk(item.children)) if item else [],
            "descendant_count": item.descendant_count if item else 0,
            "lineage": ancestors(roots, node.pk),
            "what_goes": what_goes(node),
        },
    )


def plan_renumber(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    roots = load_plan(convention, full=False, include_internal=True)
    if request.method == "POST":
        form = RenumberForm(request.POST, convention=convention, roots=roots)
    else:
        scope = request.GET.get("element", RenumberForm.WHOLE_PLAN)
        form = RenumberForm(initial={"scope": scope}, convention=convention, roots=roots)
    changes = None
    if request.method == "POST" and form.is_valid():
        options = {
            "scope": form.cleaned_data["scope"],
            "mode": form.cleaned_data["mode"],
            "levels": list(form.cleaned_data["levels"]),
        }
        try:
            if "confirm" in request.POST:
                done = numbering.renumber(convention, **options)
                changed = sum(1 for change in done if change.changed)
                messages.success(
                    request,
                    f"Plan renuméroté : {changed} numéro{'s' if changed > 1 else ''} "
                    f"modifié{'s' if changed > 1 else ''}.",
                )
                scope = options["scope"]
                return redirect(_tree_url(convention, scope.pk if scope else None))
            changes = numbering.plan_renumbering(convention, **options)
        except services.PlanError as error:
            form.add_error(None, str(error))
    return render(
        request,
        "plans/renumber.html",
        {
            "convention": convention,
            "form": form,
            "changes": changes,
            "changed_count": sum(1 for c in changes if c.changed) if changes else 0,
        },
    )


def node_search(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    shown = PlanNode.objects.visible_to(request.user, convention)
    filterset = PlanNodeFilter(
        request.GET or None,
        queryset=shown,
        convention=convention,
        include_internal=can_see_internal(request.user, convention),
    )
    order = outline_order(convention)
    if not filterset.is_bound:
        matching = shown.values_list("pk", flat=True)
    elif filterset.is_valid():
        matching = filterset.qs.order_by().values_list("pk", flat=True).distinct()
    else:
        matching = []
    pks = sorted(set(matching), key=lambda pk: order.get(pk, 0))
    page = Paginator(pks, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    nodes = (
        PlanNode.objects.select_related("level")
        .prefetch_related("thematics", "pilots", "communes")
        .in_bulk(list(page.object_list))
    )
    lineage = lineages(convention) if page.object_list else {}
    rows = [
        {"node": nodes[pk], "lineage": lineage.get(pk, [])}
        for pk in page.object_list
        if pk in nodes
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/search.html",
        {
            "convention": convention,
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "ellipsis": Paginator.ELLIPSIS,
            "rows": rows,
            "query": query.urlencode(),
            "total": len(pks),
        },
    )


# Helpers.


def _organisation_names(convention, user) -> list[str]:
    """Return the names offered in the pilots' and partners' datalist.

    Those of the CTGs of the same département that the user may see, never of the others: an
    organisation's name says what another territory plans.
    """
    visible = (
        Convention.objects.visible_to(user)
        .filter(departement_id=convention.departement_id)
        .values("pk")
    )
    pilots = Organisation.objects.filter(piloted_nodes__convention__in=visible)
    partners = Organisation.objects.filter(partner_nodes__convention__in=visible)
    names = (
        pilots.values_list("name", flat=True)
        .order_by()
        .union(partners.values_list("name", flat=True).order_by())
    )
    return sorted(set(names), key=str.casefold)[:1000]
