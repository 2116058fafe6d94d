"""Download a CTG as JSON or as an archive, and create one from a JSON file (docs/json-format.md).

The views are thin: pilote.exchange.services reads and writes the format.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pilote.accounts.perms import can_create_convention, can_see_internal_notes
from pilote.conventions.access import get_convention_for_user
from pilote.conventions.forms import ImportForm, error_summary, megabytes
from pilote.conventions.models import Convention
from pilote.core.downloads import attachment_header

from .archive import read_archive, write_archive
from .services import ExchangeError, export_convention, import_convention, import_summary, loads


@login_required
@require_GET
def convention_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the CTG as a JSON file; internal notes only go to those who may read them."""
    convention = get_convention_for_user(request, slug)
    internal = can_see_internal_notes(request.user, convention)
    data = export_convention(convention, include_internal=internal)
    if not internal:
        _strip_internal_notes(data)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = attachment_header(f"{convention.slug}.json")
    return response


@login_required
@require_GET
def convention_archive(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the CTG's archive (JSON, attachments, manifest): it holds e-mails and notes, so
    only those who may read the internal notes (the Caf, the coordinator) may take it."""
    convention = get_convention_for_user(request, slug)
    if not can_see_internal_notes(request.user, convention):
        raise PermissionDenied("Vous ne pouvez pas télécharger l'archive de cette CTG.")
    target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    try:
        write_archive(convention, target)
    except ExchangeError as error:
        target.close()
        messages.error(request, str(error))
        return redirect("reports:exports", slug=convention.slug)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"{convention.slug}.zip",
        content_type="application/zip",
    )


def _slug_taken(data) -> str:
    """Return the document's CTG identifier when a CTG of this instance already has it."""
    meta = data.get("convention") if isinstance(data, dict) else None
    slug = meta.get("slug") if isinstance(meta, dict) else None
    if isinstance(slug, str) and Convention.objects.filter(slug=slug).exists():
        return slug
    return ""


def _strip_internal_notes(data: dict) -> None:
    # Keep the key (empty) so that the file still follows the exchange format.
    for holder in (data, data.get("convention")):
        if isinstance(holder, dict) and "internal_notes" in holder:
            holder["internal_notes"] = ""


@login_required
@require_http_methods(["GET", "POST"])
def convention_import(request: HttpRequest) -> HttpResponse:
    """Create a CTG from a JSON file or an archive; nothing is written when it is refused."""
    if not can_create_convention(request.user):
        raise PermissionDenied("Vous ne pouvez pas importer de CTG.")
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        slug = form.cleaned_data["slug"] or None
        data = None
        try:
            if form.is_archive:
                # The same path as import_ctg: checksums verified, files written last.
                data, files = read_archive(upload)
                convention = import_convention(data, by=request.user, slug=slug, files=files)
            else:
                data = loads(upload.read())
                with transaction.atomic():
                    convention = import_convention(data, by=request.user, slug=slug)
        except ExchangeError as error:
            form.add_error("file", str(error))
            if not slug and (taken := _slug_taken(data)):
                form.add_error(
                    "slug",
                    f"Une CTG d’identifiant « {taken} » existe déjà ici : pour en importer une "
                    f"copie, choisissez un nouvel identifiant (par exemple « {taken}-copie ») et "
                    "déposez le fichier à nouveau.",
                )
        else:
            messages.success(request, f"La CTG « {convention.name} » a été importée.")
            messages.info(request, import_summary(convention))
            for note in convention.import_notes:
                messages.warning(request, note)
            return redirect(convention)
    return render(
        request,
        "conventions/import.html",
        {
            "form": form,
            "errors": error_summary(form),
            "max_size": (
                f"{megabytes(settings.IMPORT_MAX_BYTES)} pour un fichier JSON, "
                f"{megabytes(settings.IMPORT_ARCHIVE_MAX_BYTES)} pour une archive ZIP"
            ),
            "breadcrumb": {
                "links": [{"url": reverse("conventions:list"), "title": "Conventions"}],
                "current": "Importer une CTG",
                "root_dir": reverse("conventions:list"),
            },
        },
    )
