"""The shared follow-up table, recording an update (in place with htmx, or as a page), the XLSX
export, attachments, and the follow-up section of an action's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from pilote.conventions.access import get_convention_for_user
from pilote.core.downloads import XLSX, download_response
from pilote.core.fragments import render_fragment_page, with_etag
from pilote.core.table_writers import TableExport, to_xlsx
from pilote.plans.models import PlanNode
from pilote.plans.visibility import can_see_internal

from . import exports, services
from .followup import filter_rows, load_row, load_rows, row_html, rows_html
from .forms import FollowUpFilterForm, UpdateForm
from .models import ActionUpdate, UpdateAttachment
from .partners.queries import pending_count
from .perms import can_update_action, update_scope


def _table_context(request: HttpRequest, convention, *, full: bool = False) -> dict:
    """Return the table's rows, filtered by the query string, and its filter form."""
    scope = update_scope(request.user, convention)
    internal = can_see_internal(request.user, convention)
    table = load_rows(convention, scope=scope, full=full, include_internal=internal)
    communes = list(convention.communes.order_by("name").values_list("code", "name"))
    form = FollowUpFilterForm(
        request.GET or None,
        thematics=table.thematic_choices,
        pilots=table.pilot_choices,
        communes=communes,
    )
    rows = table.rows
    if form.is_bound and form.is_valid():
        rows = filter_rows(convention, rows, form.cleaned_data)
    mine = None
    if scope and not scope.all_actions:
        # A référent·e's own actions first, in plan order; the others follow, read only.
        rows = sorted(rows, key=lambda row: not row.can_update)
        mine = sum(row.can_update for row in rows)
    return {
        "convention": convention,
        "section": "followup",
        "table": table,
        "rows": rows,
        "form": form,
        "filtered": form.is_bound,
        "can_update_some": bool(scope),
        "mine": mine,
        "now": table.now,
        "query": request.GET.urlencode(),
        # Editors: the partners' submissions waiting for validation (« À valider »).
        "partner_pending": pending_count(convention) if scope.all_actions else None,
    }


@require_GET
def followup_table(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    return render_fragment_page(
        request,
        "monitoring/followup/table.html",
        name="followup",
        convention=convention,
        variant=_variant(request, convention),
        outer={"convention": convention, "section": "followup"},
        inner=lambda: _page_context(request, convention),
    )


def _page_context(request: HttpRequest, convention) -> dict:
    context = _table_context(request, convention)
    context["rows_html"] = rows_html(context["rows"])
    return context


def _variant(request: HttpRequest, convention) -> tuple:
    """Return what of the table depends on the reader: internal items, the actions to update."""
    scope = update_scope(request.user, convention)
    return (
        can_see_internal(request.user, convention),
        scope.all_actions,
        tuple(sorted(scope.organisation_ids)),
    )


@require_GET
def followup_export(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    return with_etag(
        request,
        name="followup_export",
        convention=convention,
        variant=_variant(request, convention),
        respond=lambda: _export(request, convention),
    )


def _export(request: HttpRequest, convention) -> HttpResponse:
    context = _table_context(request, convention, full=True)
    content = to_xlsx(
        TableExport(
            title=f"Tableau de suivi – {convention.name}",
            sheet=f"Suivi {context['now']}",
            columns=exports.COLUMNS,
            rows=context["rows"],
        )
    )
    filename = f"suivi-{convention.slug}-{context['now'].year}-T{context['now'].quarter}.xlsx"
    return download_response(content, filename, XLSX)


def update_action(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Record an update: an inline row form (htmx) or a page, both posting here."""
    convention = get_convention_for_user(request, slug)
    internal = can_see_internal(request.user, convention)
    node = _get_action(convention, pk, include_internal=internal)
    if not can_update_action(request.user, node):
        raise PermissionDenied("Vous ne pouvez pas mettre à jour cette action.")
    latest = node.updates.shown(internal).latest_first().first()
    inline = bool(request.htmx)
    form = UpdateForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        convention=convention,
        latest=latest,
        with_internal=internal,
        prefix=f"maj-{node.pk}",
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update = services.record_update(
                node,
                by=request.user,
                year=data["period"].year,
                quarter=data["period"].quarter,
                status=data["status"],
                progress=data["progress"],
                done=data["done"],
                difficulties=data["difficulties"],
                next_steps=data["next_steps"],
                attachments=data.get("attachments") or (),
                is_internal=bool(data.get("is_internal")),
                attachments_internal=bool(data.get("attachments_internal")),
            )
        except services.FollowUpError as error:
            form.add_error(None, str(error))
        else:
            text = f"Point de suivi {update.period_label} enregistré pour « {node} »."
            if inline:
                return _render_row(request, convention, node.pk, saved=text)
            messages.success(request, text)
            return redirect(_next_url(request, _table_url(convention)) + f"#action-{node.pk}")
    context = {
        "convention": convention,
        "section": "followup",
        "node": node,
        "form": form,
        "latest": latest,
        "next": _next_url(request, _table_url(convention)),
        "update_url": reverse("monitoring:update", kwargs={"slug": slug, "pk": node.pk}),
        "row_url": reverse("monitoring:row", kwargs={"slug": slug, "pk": node.pk}),
    }
    if inline:
        # Keyboard and screen reader users land in the form that just opened.
        form.fields["period"].widget.attrs["autofocus"] = True
        return render(request, "monitoring/followup/includes/row_form.html", context)
    return render(request, "monitoring/followup/update.html", context)


@require_GET
def action_row(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Return an action's row of the table (htmx: to close the inline form)."""
    convention = get_convention_for_user(request, slug)
    if not request.htmx:
        return redirect(_table_url(convention) + f"#action-{pk}")
    return with_etag(
        request,
        name=f"followup_row_{pk}",
        convention=convention,
        variant=_variant(request, convention),
        respond=lambda: _render_row(request, convention, pk),
    )


@require_GET
def attachment_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    convention = get_convention_for_user(request, slug)
    attachments = UpdateAttachment.objects.shown(can_see_internal(request.user, convention))
    attachment = get_object_or_404(attachments, pk=pk, update__convention=convention)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("Pièce jointe introuvable.") from error
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


def node_followup_context(request: HttpRequest, convention, node: PlanNode) -> dict:
    """Return what an action's page needs for its follow-up section (a fixed number of queries).

    `node` must come with its level and pilots loaded (see pilote.pages.views_action.node_detail).
    """
    internal = can_see_internal(request.user, convention)
    attachments = UpdateAttachment.objects.shown(internal)
    updates = list(
        ActionUpdate.objects.filter(node=node)
        .shown(internal)
        .latest_first()
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=attachments))
    )
    tracked = node.level.tracked
    can_update = tracked and can_update_action(request.user, node)
    form = None
    if can_update:
        form = UpdateForm(
            convention=convention,
            latest=updates[0] if updates else None,
            with_internal=internal,
            prefix=f"maj-{node.pk}",
        )
    return {
        "tracked": tracked,
        "updates": updates,
        "can_update": can_update,
        "form": form,
        "update_url": reverse("monitoring:update", kwargs={"slug": convention.slug, "pk": node.pk}),
        "next": node.get_absolute_url() + "#suivi",
        "table_url": _table_url(convention),
    }


# Helpers.


def _get_action(convention, pk: int, *, include_internal: bool) -> PlanNode:
    """Return the tracked action of this CTG with this pk, or 404 (also for another CTG's, and
    for an internal one when the user may not see it)."""
    node = get_object_or_404(
        PlanNode.objects.shown(include_internal)
        .select_related("level", "convention")
        .prefetch_related("pilots"),
        convention=convention,
        pk=pk,
    )
    if not node.level.tracked:
        raise Http404("Cet élément du plan n'est pas suivi chaque trimestre.")
    return node


def _render_row(request: HttpRequest, convention, pk: int, *, saved: str = "") -> HttpResponse:
    row = load_row(convention, pk, scope=update_scope(request.user, convention))
    if row is None:
        raise Http404("Action introuvable.")
    return render(
        request,
        "monitoring/followup/includes/row_response.html",
        {"row_html": row_html(row, saved=bool(saved)), "saved": saved},
    )


def _table_url(convention) -> str:
    return reverse("monitoring:followup", kwargs={"slug": convention.slug})


def _next_url(request: HttpRequest, default: str) -> str:
    """Return where to go back after an update: a same-site `next`, the referrer, or default."""
    for candidate in (
        request.POST.get("next"),
        request.GET.get("next"),
        request.META.get("HTTP_REFERER") if request.method == "GET" else None,
    ):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate.split("#", 1)[0]
    return default
