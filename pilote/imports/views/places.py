"""Review corrections that put things back: a line left out, a level, elements under a parent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from pilote.conventions.models import Convention

from .. import review_places
from ..review import ReviewError
from .common import with_pending
from .corrections import _apply_edit


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdecimal() and len(value) < 10 else None


@require_POST
@with_pending
def add_unplaced(
    request: HttpRequest, convention: Convention | None, token: str, payload: dict
) -> HttpResponse:
    """Put a line of the document left out of the plan back in it, at its suggested place."""
    line = _int(request.POST.get("line"))

    def change(proposal: dict) -> str:
        if line is None:
            raise ReviewError("Cette ligne n'a pas été comprise : rien n'a été modifié.")
        return review_places.add_unplaced(proposal, line)

    return _apply_edit(request, convention, token, payload, change, focus="non-repris")


@require_POST
@with_pending
def insert_level(
    request: HttpRequest, convention: Convention | None, token: str, payload: dict
) -> HttpResponse:
    """Insert a level between two others (or above the first, or under the last)."""
    position = _int(request.POST.get("position"))

    def change(proposal: dict) -> str:
        if position is None:
            raise ReviewError("Choisissez où insérer le niveau.")
        return review_places.insert_level(proposal, request.POST.get("name", ""), position)

    return _apply_edit(request, convention, token, payload, change, focus="rattacher")


@require_POST
@with_pending
def reattach(
    request: HttpRequest, convention: Convention | None, token: str, payload: dict
) -> HttpResponse:
    """Move the ticked elements under an existing element or under a new one."""
    node_ids = [i for i in map(_int, request.POST.getlist("node")) if i is not None][:5_000]
    target = request.POST.get("parent", "")

    def change(proposal: dict) -> str:
        if target == "new":
            return review_places.reattach(
                proposal,
                node_ids,
                new_kind=request.POST.get("new_kind", ""),
                new_title=request.POST.get("new_title", ""),
                new_number=request.POST.get("new_number", ""),
            )
        parent_id = _int(target)
        if parent_id is None:
            raise ReviewError("Choisissez le nouveau parent des éléments cochés.")
        return review_places.reattach(proposal, node_ids, parent_id=parent_id)

    return _apply_edit(request, convention, token, payload, change, focus="rattacher")
