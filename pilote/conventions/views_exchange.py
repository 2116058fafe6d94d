"""Download a CTG as JSON and create one from such a file (see docs/json-format.md).

The views are thin: pilote.conventions.exchange reads and writes the format.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pilote.accounts.perms import can_create_convention, can_see_internal_notes

from .access import get_convention_for_user
from .forms import ImportForm, error_summary, megabytes


@login_required
@require_GET
def convention_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the CTG as a JSON file; internal notes only go to those who may read them."""
    convention = get_convention_for_user(request, slug)
    from .exchange import export_convention

    data = export_convention(convention)
    if not can_see_internal_notes(request.user, convention):
        _strip_internal_notes(data)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{convention.slug}.json"'
    return response


def _strip_internal_notes(data: dict) -> None:
    # Keep the key (empty) so that the file still follows the exchange format.
    for holder in (data, data.get("convention")):
        if isinstance(holder, dict) and "internal_notes" in holder:
            holder["internal_notes"] = ""


@login_required
@require_http_methods(["GET", "POST"])
def convention_import(request: HttpRequest) -> HttpResponse:
    """Create a CTG from a JSON file; nothing is written when the file is refused."""
    if not can_create_convention(request.user):
        raise PermissionDenied("Vous ne pouvez pas importer de CTG.")
    from .exchange import ExchangeError, import_convention

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = _read_json(form.cleaned_data["file"])
            with transaction.atomic():
                convention = import_convention(data, by=request.user)
        except (ValueError, ExchangeError) as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"La CTG « {convention.name} » a été importée.")
            return redirect(convention)
    return render(
        request,
        "conventions/import.html",
        {
            "form": form,
            "errors": error_summary(form),
            "max_size": megabytes(settings.IMPORT_MAX_BYTES),
            "breadcrumb": {
                "links": [{"url": reverse("conventions:list"), "title": "Conventions"}],
                "current": "Importer une CTG",
                "root_dir": reverse("conventions:list"),
            },
        },
    )


def _read_json(upload) -> dict:
    """Return the JSON object of an uploaded file, or raise ValueError with a French message."""
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")  # Excel and Windows editors add a BOM
    except UnicodeDecodeError as error:
        raise ValueError(
            "Le fichier n'est pas encodé en UTF-8 : enregistrez-le en UTF-8 et recommencez."
        ) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"Le fichier n'est pas un JSON valide (ligne {error.lineno}, colonne {error.colno}) : "
            "vérifiez qu'il n'a pas été modifié ou tronqué."
        ) from error
    if not isinstance(data, dict):
        raise ValueError("Le fichier doit contenir un objet JSON décrivant une CTG.")
    return data
