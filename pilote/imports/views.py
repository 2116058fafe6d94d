"""Bring an existing plan in: upload a document or a spreadsheet, review the proposed tree,
save it into a new CTG or an existing one.

Every page exists twice: under /ctg/importer-un-plan/ for a new CTG (Caf advisers, who may
create one) and under /ctg/<slug>/importer-un-plan/ for an existing CTG (those who may edit
it). The proposal waits in the session (pilote.core.upload_session) until it is saved; each
correction is a POST (htmx swaps the review in place; without JavaScript the form posts and
the page comes back). Nothing is written before the last step, which writes all or nothing.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilote.accounts.perms import can_create_convention, creatable_departements
from pilote.conventions.access import get_convention_for_user
from pilote.conventions.forms import error_summary, megabytes
from pilote.conventions.models import Convention
from pilote.conventions.services import ConventionError, create_convention
from pilote.core import upload_session
from pilote.plans.models import PlanNode

from . import review, template
from .exceptions import ApplyError, DocumentError
from .forms import (
    ACCEPTED,
    ACTIONS,
    NewConventionForm,
    NodeActionForm,
    SplitForm,
    UploadForm,
    initial_period,
)
from .merge import MergePlan, apply_merge, plan_merge
from .proposal import propose_plan
from .services import apply_proposal, check_proposal
from .spreadsheet import SpreadsheetResult, is_spreadsheet, read_spreadsheet
from .spreadsheet_columns import COLUMNS

SESSION_KEY = "imports_plan_review"
MAX_SESSION_CHARS = 3_000_000
MAX_SOURCE_CHARS = 800_000  # the document's text kept to show each element in context
MAX_UNDO = 5
MAX_UNDO_CHARS = 1_000_000  # the states kept to undo, all together
SOURCE_CONTEXT = 8  # lines shown before and after the one asked for
SHOWN_WARNINGS = 10


# --------------------------------------------------------------------------- helpers


def _target(request: HttpRequest, slug: str | None) -> Convention | None:
    """Return the CTG the plan goes into (None: a new one), after checking the user's rights."""
    if slug is None:
        if not can_create_convention(request.user):
            raise PermissionDenied("Vous ne pouvez pas créer de CTG.")
        return None
    return get_convention_for_user(request, slug, edit=True)


def _url(name: str, convention: Convention | None, **kwargs) -> str:
    if convention is None:
        return reverse(f"imports:new_{name}", kwargs=kwargs)
    return reverse(f"imports:{name}", kwargs={"slug": convention.slug, **kwargs})


def _load(request: HttpRequest, convention: Convention | None, token: str) -> dict | None:
    payload = upload_session.load(request, SESSION_KEY, token)
    if payload is None or payload.get("slug") != (convention.slug if convention else ""):
        return None
    return payload


def _expired(request: HttpRequest, convention: Convention | None) -> HttpResponse:
    messages.error(
        request,
        "Cette relecture n'existe plus (elle a expiré, ou le plan a déjà été enregistré) : "
        "envoyez de nouveau le fichier. Rien n'a été enregistré.",
    )
    return redirect(_url("upload", convention))


def _plan_size(convention: Convention | None) -> int:
    if convention is None:
        return 0
    return PlanNode.objects.filter(convention=convention).count()


def _base_context(convention: Convention | None) -> dict[str, Any]:
    return {
        "convention": convention,
        "upload_url": _url("upload", convention),
        "template_url": _url("template", convention),
        "cancel_url": reverse("plans:tree", kwargs={"slug": convention.slug})
        if convention
        else reverse("conventions:list"),
    }


# --------------------------------------------------------------------------- upload


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Send a document or a spreadsheet; go on to the review, or see what is wrong."""
    convention = _target(request, slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    report: SpreadsheetResult | None = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        data = upload_file.read()
        try:
            payload, report = _read_upload(convention, data, upload_file.name)
        except DocumentError as error:
            form.add_error("file", error.message)
        else:
            if payload is not None:
                try:
                    token = _store(request, payload)
                except upload_session.UploadTooLarge as error:
                    form.add_error("file", error.message)
                else:
                    return redirect(_url("review", convention, token=token))
            else:
                form = UploadForm()  # ready for the corrected file
    existing = _plan_size(convention)
    return render(
        request,
        "imports/upload.html",
        {
            **_base_context(convention),
            "form": form,
            "errors": error_summary(form),
            "report": report,
            "existing": existing,
            "accept": ACCEPTED,
            "max_size": megabytes(settings.IMPORT_MAX_BYTES),
            "columns": COLUMNS,
        },
    )


def _read_upload(
    convention: Convention | None, data: bytes, filename: str
) -> tuple[dict | None, SpreadsheetResult | None]:
    """Return the review's payload (None when the spreadsheet has errors) and the spreadsheet
    report; raise DocumentError for a document that cannot be used."""
    if is_spreadsheet(data, filename):
        levels, custom = [], []
        if convention is not None:
            if _plan_size(convention):
                levels = list(convention.levels.order_by("position").values_list("name", flat=True))
            custom = list(convention.custom_thematics.values_list("code", "label"))
        result = read_spreadsheet(data, filename, levels=levels, custom_thematics=custom)
        if not result.ok:
            return None, result
        return _payload(convention, "spreadsheet", filename, result.proposal, None), result
    existing = _plan_size(convention)
    if existing:
        raise DocumentError(
            f"Le plan de la CTG « {convention.name} » contient déjà {existing} élément"
            f"{'s' if existing > 1 else ''} : un document ne s'importe que dans un plan vide. "
            "Pour mettre à jour ce plan, téléchargez-le au format tableur (modèle rempli avec "
            "le plan actuel), modifiez-le puis importez-le : les éléments sont mis à jour par "
            "leur numéro."
        )
    proposal = propose_plan(data, filename)
    return (
        _payload(
            convention,
            "document",
            filename,
            proposal.to_dict(with_sources=True),
            _document_lines(proposal.document),
        ),
        None,
    )


def _payload(convention, kind: str, filename: str, proposal: dict, lines) -> dict:
    review.ensure_ids(proposal)
    return {
        "slug": convention.slug if convention else "",
        "kind": kind,
        "filename": filename,
        "proposal": proposal,
        "lines": lines,
        "undo": [],
    }


def _document_lines(document) -> list[list] | None:
    """Return (line, page, text) of each block of the document, or None when too long."""
    lines, size = [], 0
    for block in document.blocks:
        if block.cells is not None:
            text = " | ".join(" ".join(span.text for span in cell).strip() for cell in block.cells)
        else:
            text = block.text
        size += len(text) + 12
        if size > MAX_SOURCE_CHARS:
            return None
        lines.append([block.line, block.page, text])
    return lines


def _store(request: HttpRequest, payload: dict) -> str:
    try:
        return upload_session.store(request, SESSION_KEY, payload, max_chars=MAX_SESSION_CHARS)
    except upload_session.UploadTooLarge:
        if payload.get("lines") is None:
            raise
        payload["lines"] = None  # keep the review, without the document's text
        return upload_session.store(request, SESSION_KEY, payload, max_chars=MAX_SESSION_CHARS)


@require_GET
def template_file(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Send the XLSX template: empty, or with the CTG's plan to edit and import again."""
    convention = get_convention_for_user(request, slug) if slug else None
    response = HttpResponse(template.template_xlsx(convention), content_type=template.XLSX_TYPE)
    name = f"plan-{convention.slug}.xlsx" if convention else "modele-plan-d-actions.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --------------------------------------------------------------------------- review


@dataclass
class ReviewRow:
    """One element of the proposed tree, as the review page shows it."""

    node: dict[str, Any]
    depth: int
    first: bool
    last: bool
    has_parent: bool
    children: list[ReviewRow] = field(default_factory=list)
    status: str = ""
    status_label: str = ""
    changes: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.node["id"]

    @property
    def label(self) -> str:
        return review.label(self.node)

    @property
    def count(self) -> int:
        return sum(1 + child.count for child in self.children)

    @property
    def summary(self) -> list[str]:
        """Return short French notes on the element's fields (pilots, period, indicators…)."""
        node = self.node
        notes = []
        if node.get("pilots"):
            notes.append("Pilotes : " + ", ".join(node["pilots"]))
        period = _period_label(node.get("period") or {})
        if period:
            notes.append(period)
        for key, one, many in (
            ("thematics", "thématique", "thématiques"),
            ("indicators", "indicateur", "indicateurs"),
            ("budget_lines", "ligne de budget", "lignes de budget"),
        ):
            count = len(node.get(key) or [])
            if count:
                notes.append(f"{count} {one if count == 1 else many}")
        return notes


def _period_label(period: dict) -> str:
    def point(year, quarter):
        if not year:
            return ""
        return f"T{quarter} {year}" if quarter else str(year)

    start = point(period.get("start_year"), period.get("start_quarter"))
    end = point(period.get("end_year"), period.get("end_quarter"))
    if start and end and start != end:
        return f"{start}–{end}"
    if start and not end:
        return f"à partir de {start}"
    if end and not start:
        return f"jusqu’en {end}"
    return start


def _rows(items: list[dict], merge: MergePlan | None, depth: int = 0, parent=False) -> list:
    rows = []
    for index, item in enumerate(items):
        item.setdefault("source", {"line": None, "page": None})
        item.setdefault("number", None)
        row = ReviewRow(
            node=item,
            depth=depth,
            first=index == 0,
            last=index == len(items) - 1,
            has_parent=parent,
        )
        if merge is not None and item["id"] in merge.outcomes:
            outcome = merge.outcomes[item["id"]]
            row.status, row.status_label, row.changes = (
                outcome.status,
                outcome.label,
                outcome.changes,
            )
        row.children = _rows(item.get("children") or [], merge, depth + 1, True)
        rows.append(row)
    return rows


def _review_context(request, convention, token: str, payload: dict, **extra) -> dict[str, Any]:
    proposal = payload["proposal"]
    merge = None
    if payload["kind"] == "spreadsheet" and convention is not None:
        merge = plan_merge(convention, proposal)
    names = review.levels(proposal)
    counts = review.level_counts(proposal)
    tracked = set(proposal.get("convention", {}).get("tracked_levels") or [])
    problems = []
    try:
        check_proposal(proposal)  # the review's ids do not matter to it
    except ApplyError as error:
        problems.append(error.message)
    if merge is not None:
        problems += merge.errors
    existing = _plan_size(convention)
    if payload["kind"] == "document" and existing:
        problems.append(
            f"Le plan de la CTG contient maintenant {existing} élément"
            f"{'s' if existing > 1 else ''} : un document ne s'importe que dans un plan vide."
        )
    return {
        **_base_context(convention),
        "token": token,
        "payload": payload,
        "proposal": proposal,
        "kind": payload["kind"],
        "filename": payload["filename"],
        "document": proposal.get("document") or {},
        "levels": [
            {"index": i, "name": name, "count": counts.get(name, 0), "tracked": name in tracked}
            for i, name in enumerate(names)
        ],
        "level_names": names,
        "rows": _rows(proposal.get("plan") or [], merge),
        "node_count": sum(counts.values()),
        "warnings": proposal.get("warnings") or [],
        "merge": merge,
        "problems": problems,
        "has_source": bool(payload.get("lines")),
        "can_undo": bool(payload.get("undo")),
        "actions": ACTIONS,
        "edit_url": _url("edit", convention, token=token),
        "levels_url": _url("levels", convention, token=token),
        "undo_url": _url("undo", convention, token=token),
        "save_url": _url("save", convention, token=token),
        "source_url": _url("source", convention, token=token),
        "review_url": _url("review", convention, token=token),
        "split_url": _url("split", convention, token=token, node_id=987654321),
        "status": "",
        "status_error": False,
        "focus": None,
        "oob": False,
        **extra,
    }


@require_GET
def review_page(request: HttpRequest, token: str, slug: str | None = None) -> HttpResponse:
    """Show the proposed tree with its levels, warnings and the corrections at hand."""
    convention = _target(request, slug)
    payload = _load(request, convention, token)
    if payload is None:
        return _expired(request, convention)
    return render(
        request, "imports/review.html", _review_context(request, convention, token, payload)
    )


def _apply_edit(request, convention, token: str, payload: dict, change, focus=None, fallbacks=()):
    """Run one correction on a copy of the proposal, keep it, and answer (htmx or redirect).

    focus: the element (id) or part ("niveaux") to focus afterwards; fallbacks: the elements
    to focus instead when it is gone (its neighbours, then its parent).
    """
    proposal = copy.deepcopy(payload["proposal"])
    try:
        status = change(proposal) or "Aucune modification."
        error = False
    except review.ReviewError as exc:
        status, error = exc.message, True
    if not error:
        undo = [*payload.get("undo", []), json.dumps(payload["proposal"], ensure_ascii=False)]
        undo = undo[-MAX_UNDO:]
        while len(undo) > 1 and sum(len(state) for state in undo) > MAX_UNDO_CHARS:
            undo = undo[1:]
        payload = {**payload, "proposal": proposal, "undo": undo}
        while True:
            try:
                upload_session.save(
                    request, SESSION_KEY, token, payload, max_chars=MAX_SESSION_CHARS
                )
                break
            except upload_session.UploadTooLarge as exc:
                if payload["undo"]:
                    payload["undo"] = payload["undo"][1:]  # forget the oldest states first
                    continue
                status, error = exc.message, True
                payload = _load(request, convention, token)
                break
    for candidate in (focus, *fallbacks):
        if not isinstance(candidate, int):
            break
        try:
            review.find(payload["proposal"], candidate)
        except review.ReviewError:
            continue  # the element is gone: its neighbour takes the focus
        focus = candidate
        break
    else:
        focus = None
    if request.htmx:
        context = _review_context(
            request,
            convention,
            token,
            payload,
            status=status,
            status_error=error,
            focus=focus,
            oob=True,
        )
        return render(request, "imports/includes/review_body.html", context)
    messages.add_message(request, messages.ERROR if error else messages.SUCCESS, status)
    anchor = f"#element-{focus}" if focus else ""
    return redirect(_url("review", convention, token=token) + anchor)


@require_POST
def edit(request: HttpRequest, token: str, slug: str | None = None) -> HttpResponse:
    """Apply one element's corrections (number, title, level) and the button pressed."""
    convention = _target(request, slug)
    payload = _load(request, convention, token)
    if payload is None:
        return _expired(request, convention)
    form = NodeActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cette correction n'a pas été comprise : rien n'a été modifié.")
        return redirect(_url("review", convention, token=token))
    data = form.cleaned_data
    node_id, action = data["node"], data["action"]

    def change(proposal: dict) -> str:
        node = review.find(proposal, node_id).node
        said = []
        if "title" in request.POST:
            said.append(
                review.edit(
                    proposal,
                    node_id,
                    number=data["number"],
                    title=data["title"],
                    kind=data["kind"] or node.get("kind"),
                )
            )
        operations = {
            "up": lambda: review.move(proposal, node_id, offset=-1),
            "down": lambda: review.move(proposal, node_id, offset=1),
            "indent": lambda: review.indent(proposal, node_id),
            "outdent": lambda: review.outdent(proposal, node_id),
            "merge": lambda: review.merge_previous(proposal, node_id),
            "drop": lambda: review.drop(proposal, node_id, keep_children=False),
            "drop_keep": lambda: review.drop(proposal, node_id, keep_children=True),
        }
        if action in operations:
            said.append(operations[action]())
        return " ".join(text for text in said if text)

    return _apply_edit(
        request,
        convention,
        token,
        payload,
        change,
        focus=node_id,
        fallbacks=_neighbours(payload["proposal"], node_id),
    )


def _neighbours(proposal: dict, node_id: int) -> list[int]:
    """Return the ids of an element's previous and next siblings, then of its parent."""
    try:
        found = review.find(proposal, node_id)
    except review.ReviewError:
        return []
    siblings = found.siblings
    ids = [siblings[i]["id"] for i in (found.index - 1, found.index + 1) if 0 <= i < len(siblings)]
    return ids + ([found.parent["id"]] if found.parent else [])


@require_POST
def levels(request: HttpRequest, token: str, slug: str | None = None) -> HttpResponse:
    """Rename, follow or drop the proposed levels, or add one under the last."""
    convention = _target(request, slug)
    payload = _load(request, convention, token)
    if payload is None:
        return _expired(request, convention)
    count = len(review.levels(payload["proposal"]))

    def change(proposal: dict) -> str:
        if request.POST.get("action") == "add":
            return review.add_level(proposal, request.POST.get("new_level", ""))
        names = review.levels(proposal)
        return review.update_levels(
            proposal,
            [request.POST.get(f"level-{index}", names[index]) for index in range(len(names))],
            tracked={
                names[int(i)]
                for i in request.POST.getlist("tracked")
                if i.isdigit() and int(i) < count
            },
            removed={
                names[int(i)]
                for i in request.POST.getlist("remove")
                if i.isdigit() and int(i) < count
            },
        )

    return _apply_edit(request, convention, token, payload, change, focus="niveaux")


@require_POST
def undo(request: HttpRequest, token: str, slug: str | None = None) -> HttpResponse:
    """Go back to the proposal as it was before the last correction."""
    convention = _target(request, slug)
    payload = _load(request, convention, token)
    if payload is None:
        return _expired(request, convention)
    if payload.get("undo"):
        payload = {
            **payload,
            "proposal": json.loads(payload["undo"][-1]),
            "undo": payload["undo"][:-1],
        }
        upload_session.save(request, SESSION_KEY, token, payload, max_chars=MAX_SESSION_CHARS)
        status, error = "La dernière modification a été annulée.", False
    else:
        status, error = "Il n'y a aucune modification à annuler.", True
    if request.htmx:
        context = _review_context(
            request, convention, token, payload, status=status, status_error=error, oob=True
        )
        return render(request, "imports/includes/review_body.html", context)
    messages.add_message(request, messages.ERROR if error else messages.SUCCESS, status)
    return redirect(_url("review", convention, token=token))


@require_http_methods(["GET", "POST"])
def split(request: HttpRequest, token: str, node_id: int, slug: str | None = None):
    """Cut an element in two, at the point the user chooses."""
    convention = _target(request, slug)
    payload = _load(request, convention, token)
    if payload is None:
        return _expired(request, convention)
    try:
        node = review.find(payload["proposal"], node_id).node
    except review.ReviewError as error:
        messages.error(request, error.message)
        return redirect(_url("review", convention, token=token))
    first, second = review.suggest_cut(node.get("title") or "")
    form = SplitForm(request.POST or None, initial={"first": first, "second": second})
    if request.method == "POST" and form.is_valid():
        return _apply_edit(
            request,
            convention,
            token,
            payload,
            lambda proposal: review.split(
                proposal,
                node_id,
                first=form.cleaned_data["first"],
                second=form.cleaned_data["second"],
            ),
            focus=node_id,
        )
    return render(
        request,
        "imports/split.html",
        {
            **_base_context(convention),
            "form": form,
            "errors": error_summary(form),
            "node": node,
            "label": review.label(node),
            "review_url": _url("review", convention, token=token) + f"#element-{node_id}",
        },
    )


@require_GET
def source(request: HttpRequest, token: str, slug: str | None = None) -> HttpResponse:
    """Show the lines of the document around the one an element was read from."""
    convention = _target(request, slug)
    payload = _load(request, convention, token)
    if payload is None:
        return _expired(request, convention)
    lines = payload.get("lines")
    if not lines:
        raise Http404("Le texte du document n'a pas été gardé.")
    try:
        line = int(request.GET.get("ligne", ""))
        page = int(request.GET.get("page") or 0)
    except ValueError:
        raise Http404("Ligne inconnue.") from None
    shown = [
        {"line": number, "page": on_page, "text": text, "current": number == line}
        for number, on_page, text in lines
        if abs(number - line) <= SOURCE_CONTEXT and (not page or on_page == page)
    ]
    if not shown:
        raise Http404("Ligne inconnue.")
    return render(
        request,
        "imports/source.html",
        {
            **_base_context(convention),
            "lines": shown,
            "line": line,
            "page": page,
            "filename": payload["filename"],
            "review_url": _url("review", convention, token=token),
        },
    )


# --------------------------------------------------------------------------- save


@require_http_methods(["GET", "POST"])
def save(request: HttpRequest, token: str, slug: str | None = None) -> HttpResponse:
    """Save the reviewed plan: into a new CTG (created in the same transaction) or this one."""
    convention = _target(request, slug)
    payload = _load(request, convention, token)
    if payload is None:
        return _expired(request, convention)
    proposal = review.without_ids(payload["proposal"])
    form = None
    if convention is None:
        departements = creatable_departements(request.user)
        form = NewConventionForm(
            request.POST or None,
            departements=departements,
            initial=initial_period(proposal),
        )
    failure = ""
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            with transaction.atomic():
                target = convention or _create(request.user, form)
                done = _apply(payload["kind"], target, proposal, request.user)
        except ConventionError as error:
            failure = error.message
        except ApplyError as error:
            failure = error.message
        else:
            upload_session.discard(request, SESSION_KEY, token)
            messages.success(request, done["message"])
            for warning in done["warnings"][:SHOWN_WARNINGS]:
                messages.warning(request, warning)
            if len(done["warnings"]) > SHOWN_WARNINGS:
                messages.warning(
                    request,
                    f"… et {len(done['warnings']) - SHOWN_WARNINGS} autres avertissements.",
                )
            return redirect("plans:tree", slug=target.slug)
    context = _review_context(request, convention, token, payload)
    return render(
        request,
        "imports/save.html",
        {
            **context,
            "form": form,
            "errors": error_summary(form, extra=failure) if form is not None else [],
            "failure": failure,
        },
    )


def _create(user, form: NewConventionForm) -> Convention:
    data = form.cleaned_data
    epci = data["epci"]
    return create_convention(
        by=user,
        name=data["name"],
        departement=data["departement"],
        start_date=data["start_date"],
        end_date=data["end_date"],
        epci=epci,
        communes=list(epci.communes.all()) if epci else [],
    )


def _apply(kind: str, convention: Convention, proposal: dict, user) -> dict[str, Any]:
    """Write the proposal into the CTG; return the French message and the warnings."""
    if kind == "document":
        result = apply_proposal(convention, proposal, by=user)
        count = result.created
        message = (
            f"Le plan d'actions a été importé dans « {convention.name} » : {count} élément"
            f"{'s' if count > 1 else ''} créé{'s' if count > 1 else ''}."
        )
        return {"message": message, "warnings": result.warnings}
    result = apply_merge(convention, proposal, by=user)
    message = (
        f"Le plan d'actions a été importé dans « {convention.name} » : {result.created} "
        f"élément{'s' if result.created > 1 else ''} créé{'s' if result.created > 1 else ''}, "
        f"{result.updated} mis à jour, {result.unchanged} inchangé"
        f"{'s' if result.unchanged > 1 else ''}."
    )
    return {"message": message, "warnings": result.warnings}
