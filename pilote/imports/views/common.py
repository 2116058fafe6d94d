"""What the plan import pages share: limits, the pending proposal, the CTG they import into."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from pilote.accounts.perms import can_create_convention
from pilote.conventions.access import get_convention_for_user
from pilote.conventions.models import Convention
from pilote.core import upload_session

SESSION_KEY = "imports_plan_review"  # the kind of pending import (pilote.core.upload_session)
MAX_SESSION_CHARS = 3_000_000
MAX_SOURCE_CHARS = 800_000  # the document's text kept to show each element in context
MAX_UNDO = 5
MAX_UNDO_CHARS = 1_000_000  # the states kept to undo, all together
SOURCE_CONTEXT = 8  # lines shown before and after the one asked for
SHOWN_WARNINGS = 10


# --------------------------------------------------------------------------- helpers


def target_convention(request: HttpRequest, slug: str | None) -> Convention | None:
    """Return the CTG the plan goes into (None: a new one), after checking the user's rights."""
    if slug is None:
        if not can_create_convention(request.user):
            raise PermissionDenied("Vous ne pouvez pas créer de CTG.")
        return None
    return get_convention_for_user(request, slug, edit=True)


def page_url(name: str, convention: Convention | None, **kwargs) -> str:
    """Return the URL of an import page, for a new CTG or for this one."""
    if convention is None:
        return reverse(f"imports:new_{name}", kwargs=kwargs)
    return reverse(f"imports:{name}", kwargs={"slug": convention.slug, **kwargs})


def load_pending(request: HttpRequest, convention: Convention | None, token: str) -> dict | None:
    """Return the user's pending proposal under this token for this CTG, or None."""
    payload = upload_session.load(request, SESSION_KEY, token)
    if payload is None or payload.get("slug") != (convention.slug if convention else ""):
        return None
    return payload


def expired(request: HttpRequest, convention: Convention | None) -> HttpResponse:
    """Say the review no longer exists and go back to the upload page."""
    messages.error(
        request,
        "Cette relecture n'existe plus (elle a expiré, ou le plan a déjà été enregistré) : "
        "envoyez de nouveau le fichier. Rien n'a été enregistré.",
    )
    return redirect(page_url("upload", convention))


def with_pending(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give the view the CTG (None: a new one) and the user's pending proposal under the token.

    The view is called as view(request, convention, token, payload, **other URL arguments);
    without such a proposal (expired, saved, another CTG's) the user is told so and sent back to
    the upload page. The user's rights are checked first (target_convention).
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, token: str, slug: str | None = None, **kwargs):
        convention = target_convention(request, slug)
        payload = load_pending(request, convention, token)
        if payload is None:
            return expired(request, convention)
        return view(request, convention, token, payload, **kwargs)

    return wrapper


def base_context(convention: Convention | None) -> dict[str, Any]:
    """Return the context every import page shares."""
    return {
        "convention": convention,
        "upload_url": page_url("upload", convention),
        "template_url": page_url("template", convention),
        "cancel_url": reverse("plans:tree", kwargs={"slug": convention.slug})
        if convention
        else reverse("conventions:list"),
    }
