"""Fetch a CTG for the current user before anything else: 404 if hidden, 403 if read-only."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from pilote.accounts.perms import can_edit_convention, can_view_convention
from pilote.core.versions import catalogue_version_subquery

from .models import Convention


def get_convention_for_user(request: HttpRequest, slug: str, *, edit: bool = False) -> Convention:
    """Return the CTG with this slug if the user may see it (and change it, when edit is set)."""
    convention = get_object_or_404(
        # The catalogue version in the same query: the key of the page's cached fragments.
        Convention.objects.select_related("departement", "epci").annotate(
            catalogue_version=catalogue_version_subquery()
        ),
        slug=slug,
    )
    if not can_view_convention(request.user, convention):
        raise Http404("CTG introuvable.")
    if edit and not can_edit_convention(request.user, convention):
        raise PermissionDenied("Vous ne pouvez pas modifier cette CTG.")
    # The CTG a download belongs to, for the audit log (pilote.accounts.audit_signals).
    request.pilote_convention = convention
    return convention
