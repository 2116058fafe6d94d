"""The review of a proposed plan and its corrections (edit, levels, undo, split, source)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilote.conventions.forms import error_summary
from pilote.conventions.models import Convention
from pilote.core import upload_session

from .. import review
from ..forms import (
    ACTIONS,
    NodeActionForm,
    SplitForm,
)
from ..merge import MergePlan
from ..proposal import dropped_level_warning
from ..reading import notes
from ..summary import period_label
from .common import (
    MAX_SESSION_CHARS,
    MAX_UNDO,
    MAX_UNDO_CHARS,
    SESSION_KEY,
    SOURCE_CONTEXT,
    base_context,
    load_pending,
    page_url,
    with_pending,
)

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
    def key(self) -> str:
        """Return the id as text for the page's attributes: an int would go through number
        localisation a dozen times per element (a third of a 365-element page's rendering)."""
        return str(self.node["id"])

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
        period = period_label(node.get("period") or {})
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


def review_context(request, convention, token: str, payload: dict, **extra) -> dict[str, Any]:
    proposal = payload["proposal"]
    found = notes(convention, payload["kind"], proposal)
    merge = found.merge
    names = review.levels(proposal)
    counts = review.level_counts(proposal)
    tracked = set(proposal.get("convention", {}).get("tracked_levels") or [])
    problems = found.problems
    return {
        **base_context(convention),
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
        "period_warnings": found.periods,
        "unplaced": found.unplaced,
        "dropped_levels": [
            {"name": name, "warning": dropped_level_warning(name)} for name in found.dropped_levels
        ],
        "level_places": _level_places(names),
        "can_reattach": bool(proposal.get("plan")) and len(names) > 1,
        "parents": [  # the last level's elements have no children: offered once they do
            {"id": item["id"], "label": review.label(item), "kind": item.get("kind")}
            for item in review.walk(proposal.get("plan") or [])
            if not names or item.get("kind") != names[-1] or item.get("children")
        ],
        "merge": merge,
        "problems": problems,
        "has_source": bool(payload.get("lines")),
        "can_undo": bool(payload.get("undo")),
        "actions": ACTIONS,
        "edit_url": page_url("edit", convention, token=token),
        "levels_url": page_url("levels", convention, token=token),
        "undo_url": page_url("undo", convention, token=token),
        "save_url": page_url("save", convention, token=token),
        "source_url": page_url("source", convention, token=token),
        "review_url": page_url("review", convention, token=token),
        "split_url": page_url("split", convention, token=token, node_id=987654321),
        "add_unplaced_url": page_url("add_unplaced", convention, token=token),
        "insert_level_url": page_url("insert_level", convention, token=token),
        "reattach_url": page_url("reattach", convention, token=token),
        "status": "",
        "status_error": False,
        "focus": None,
        "oob": False,
        **extra,
    }


def _level_places(names: list[str]) -> list[dict[str, Any]]:
    """Return where a level may be inserted: above the first, between two, under the last."""
    places = [{"position": 0, "label": f"au-dessus de « {names[0]} »"}] if names else []
    places += [
        {"position": index, "label": f"entre « {names[index - 1]} » et « {names[index]} »"}
        for index in range(1, len(names))
    ]
    if names:
        places.append({"position": len(names), "label": f"sous « {names[-1]} »"})
    return places


@require_GET
@with_pending
def review_page(
    request: HttpRequest, convention: Convention | None, token: str, payload: dict
) -> HttpResponse:
    """Show the proposed tree with its levels, warnings and the corrections at hand."""
    return render(
        request, "imports/review.html", review_context(request, convention, token, payload)
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
                payload = load_pending(request, convention, token)
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
        context = review_context(
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
    return redirect(page_url("review", convention, token=token) + anchor)


@require_POST
@with_pending
def edit(
    request: HttpRequest, convention: Convention | None, token: str, payload: dict
) -> HttpResponse:
    """Apply one element's corrections (number, title, level) and the button pressed."""
    form = NodeActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cette correction n'a pas été comprise : rien n'a été modifié.")
        return redirect(page_url("review", convention, token=token))
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
@with_pending
def levels(
    request: HttpRequest, convention: Convention | None, token: str, payload: dict
) -> HttpResponse:
    """Rename, follow or drop the proposed levels, or add one under the last."""
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
                if i.isdecimal() and int(i) < count
            },
            removed={
                names[int(i)]
                for i in request.POST.getlist("remove")
                if i.isdecimal() and int(i) < count
            },
        )

    return _apply_edit(request, convention, token, payload, change, focus="niveaux")


@require_POST
@with_pending
def undo(
    request: HttpRequest, convention: Convention | None, token: str, payload: dict
) -> HttpResponse:
    """Go back to the proposal as it was before the last correction."""
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
        context = review_context(
            request, convention, token, payload, status=status, status_error=error, oob=True
        )
        return render(request, "imports/includes/review_body.html", context)
    messages.add_message(request, messages.ERROR if error else messages.SUCCESS, status)
    return redirect(page_url("review", convention, token=token))


@require_http_methods(["GET", "POST"])
@with_pending
def split(
    request: HttpRequest, convention: Convention | None, token: str, payload: dict, node_id: int
):
    """Cut an element in two, at the point the user chooses."""
    try:
        node = review.find(payload["proposal"], node_id).node
    except review.ReviewError as error:
        messages.error(request, error.message)
        return redirect(page_url("review", convention, token=token))
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
            **base_context(convention),
            "form": form,
            "errors": error_summary(form),
            "node": node,
            "label": review.label(node),
            "review_url": page_url("review", convention, token=token) + f"#element-{node_id}",
        },
    )


@require_GET
@with_pending
def source(
    request: HttpRequest, convention: Convention | None, token: str, payload: dict
) -> HttpResponse:
    """Show the lines of the document around the one an element was read from."""
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
            **base_context(convention),
            "lines": shown,
            "line": line,
            "page": page,
            "filename": payload["filename"],
            "review_url": page_url("review", convention, token=token),
        },
    )
