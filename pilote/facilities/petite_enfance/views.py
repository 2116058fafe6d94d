"""Pages of the petite-enfance part of a CTG: the autorités organisatrices, the schémas
pluriannuels (table, checklist of D. 214-10-1, exports for the CDSF) and the bonus trajectoire.

Everyone who sees the CTG reads these pages; only its editors get the forms (403 otherwise).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.access import get_convention_for_user
from pilote.conventions.forms import error_summary
from pilote.conventions.models import Convention
from pilote.conventions.views_trash import announce_trashed
from pilote.core.concurrency import StaleEdit, page_context, save_if_current
from pilote.core.downloads import PDF, XLSX, download_response

from ..models import (
    CompetenceTransfer,
    EarlyChildhoodSettings,
    Schema,
    SchemaChecklistItem,
    SchemaLine,
)
from . import exports, overview, services
from .forms import (
    ChecklistForm,
    SchemaForm,
    SchemaLineForm,
    SchemaLineFormSet,
    SettingsForm,
    TransfersForm,
)
from .services import PetiteEnfanceError

PAGE_TITLE = "Petite enfance : autorités organisatrices"


def _bound(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _page_url(convention: Convention) -> str:
    return reverse("facilities:petite_enfance", kwargs={"slug": convention.slug})


def _schema_url(schema: Schema) -> str:
    return reverse("facilities:schema", kwargs={"slug": schema.convention.slug, "pk": schema.pk})


def _breadcrumb(convention: Convention, current: str, *links: tuple[str, str]) -> dict:
    return {
        "links": [
            {"url": reverse("conventions:list"), "title": "Conventions"},
            {"url": convention.get_absolute_url(), "title": convention.name},
            *({"url": url, "title": title} for url, title in links),
        ],
        "current": current,
        "root_dir": reverse("conventions:list"),
    }


def _render(request, template: str, convention: Convention, title: str, crumbs=(), **context):
    return render(
        request,
        f"facilities/petite_enfance/{template}",
        {
            "convention": convention,
            "page_title": title,
            "breadcrumb": _breadcrumb(convention, title, *crumbs),
            "can_edit": can_edit_convention(request.user, convention),
            "page_url": _page_url(convention),
            **context,
        },
        status=409 if context.get("edit_conflict") else 200,
    )


def _add_error(form, error: PetiteEnfanceError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _get_schema(convention: Convention, pk: int) -> Schema:
    try:
        schema = overview.schema_with_details(convention, pk)
    except Schema.DoesNotExist as error:
        raise Http404("Schéma introuvable.") from error
    schema.convention = convention  # already loaded with its EPCI
    return schema


def _lock_schema(convention: Convention, pk: int) -> Schema:
    """Lock the schéma's row, then read it again with everything its pages show."""
    # Only the schéma's own row: its default query joins nullable AO columns, which PostgreSQL
    # cannot lock ("FOR UPDATE cannot be applied to the nullable side of an outer join").
    Schema.objects.select_for_update(of=("self",)).filter(convention=convention, pk=pk).exists()
    return _get_schema(convention, pk)


def _schema_history(schema: Schema) -> list:
    """Return the objects and history rows that say who last changed a schéma."""
    return [
        schema,
        SchemaLine.history.filter(schema_id=schema.pk),
        SchemaChecklistItem.history.filter(schema_id=schema.pk),
    ]


# ---------------------------------------------------------------------------------------------
# The AO page
# ---------------------------------------------------------------------------------------------


@require_GET
def petite_enfance(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the AO of the CTG, their obligations and what is missing, schémas and bonus."""
    convention = get_convention_for_user(request, slug)
    page = overview.load_petite_enfance(convention)
    return _render(
        request,
        "page.html",
        convention,
        PAGE_TITLE,
        page=page,
        summary=page.summary,
        ao_communes=[c for c in page.summary.communes if c.is_ao],
    )


@require_http_methods(["GET", "POST"])
def petite_enfance_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose the population of the thresholds and enter the figures of the bonus trajectoire."""
    convention = get_convention_for_user(request, slug, edit=True)
    form = SettingsForm(_bound(request), instance=services.get_settings(convention))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_if_current(
                request.POST,
                form,
                lock=lambda: Convention.objects.select_for_update().get(pk=convention.pk),
                fresh=lambda locked: SettingsForm(instance=services.get_settings(locked)),
                changed=lambda locked: [
                    EarlyChildhoodSettings.history.filter(convention_id=locked.pk)
                ],
                save=lambda: services.update_settings(
                    convention, by=request.user, **form.cleaned_data
                ),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except PetiteEnfanceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Les réglages petite enfance ont été enregistrés.")
            return redirect(_page_url(convention))
    return _render(
        request,
        "settings.html",
        convention,
        "Réglages petite enfance",
        crumbs=[(_page_url(convention), "Petite enfance")],
        form=form,
        errors=error_summary(form),
        **page_context(request, form, conflict=conflict),
    )


@require_http_methods(["GET", "POST"])
def transfers(request: HttpRequest, slug: str) -> HttpResponse:
    """Record which competences each commune transferred to the EPCI."""
    convention = get_convention_for_user(request, slug, edit=True)
    communes = list(convention.communes.order_by("name", "code").only("code", "name", "epci"))
    form = conflict = None
    if convention.epci_id:

        def build(data, read):
            transfers = services.transfers_of(read)
            return TransfersForm(
                data, communes=communes, epci_siren=read.epci_id, transfers=transfers
            )

        form = build(_bound(request), convention)
        if request.method == "POST" and form.is_valid():
            try:
                count = save_if_current(
                    request.POST,
                    form,
                    lock=lambda: Convention.objects.select_for_update().get(pk=convention.pk),
                    fresh=lambda locked: build(None, locked),
                    changed=lambda locked: [
                        CompetenceTransfer.history.filter(convention_id=locked.pk)
                    ],
                    save=lambda: services.set_transfers(
                        convention, by=request.user, transfers=form.transfers()
                    ),
                )
            except StaleEdit as stale:
                conflict = stale.conflict
            except PetiteEnfanceError as error:
                _add_error(form, error)
            else:
                messages.success(
                    request, f"Transferts de compétences enregistrés ({count} au total)."
                )
                return redirect(_page_url(convention))
    elif request.method == "POST":
        messages.error(request, "La CTG n'a pas d'EPCI : aucun transfert n'est possible.")
    return _render(
        request,
        "transfers.html",
        convention,
        "Transferts de compétences à l'EPCI",
        crumbs=[(_page_url(convention), "Petite enfance")],
        form=form,
        errors=error_summary(form) if form is not None else [],
        **(page_context(request, form, conflict=conflict) if form is not None else {}),
    )


# ---------------------------------------------------------------------------------------------
# Schémas
# ---------------------------------------------------------------------------------------------


@require_GET
def schema(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show a schéma: its table, the checklist of D. 214-10-1 and its verdict, the exports."""
    convention = get_convention_for_user(request, slug)
    schema = _get_schema(convention, pk)
    ao_name = services.schema_ao_name(schema, convention)
    return _render(
        request,
        "schema.html",
        convention,
        f"Schéma pluriannuel – {ao_name}",
        crumbs=[(_page_url(convention), "Petite enfance")],
        schema=schema,
        ao_name=ao_name,
        rows=overview.table_rows(list(schema.lines.all()), convention.years),
        years=convention.years,
        checklist=overview.schema_checklist(schema),
    )


@require_http_methods(["GET", "POST"])
def schema_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Create the schéma of one autorité organisatrice."""
    convention = get_convention_for_user(request, slug, edit=True)
    initial = {"commune": request.GET.get("commune", "")}
    form = SchemaForm(_bound(request), convention=convention, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            schema = services.create_schema(convention, by=request.user, data=form.data_object())
        except PetiteEnfanceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Le schéma a été créé : saisissez maintenant son tableau.")
            return redirect("facilities:schema_lines", slug=convention.slug, pk=schema.pk)
    return _render(
        request,
        "schema_form.html",
        convention,
        "Nouveau schéma pluriannuel",
        crumbs=[(_page_url(convention), "Petite enfance")],
        form=form,
        errors=error_summary(form),
        cancel_url=_page_url(convention),
        submit="Créer le schéma",
    )


@require_http_methods(["GET", "POST"])
def schema_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change the AO, zone, dates and notes of a schéma."""
    convention = get_convention_for_user(request, slug, edit=True)
    schema = _get_schema(convention, pk)
    form = SchemaForm(_bound(request), convention=convention, schema=schema)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_if_current(
                request.POST,
                form,
                lock=lambda: _lock_schema(convention, pk),
                fresh=lambda locked: SchemaForm(convention=convention, schema=locked),
                changed=_schema_history,
                save=lambda: services.update_schema(
                    schema, by=request.user, data=form.data_object()
                ),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except PetiteEnfanceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Le schéma a été enregistré.")
            return redirect(_schema_url(schema))
    ao_name = services.schema_ao_name(schema, convention)
    return _render(
        request,
        "schema_form.html",
        convention,
        f"Modifier le schéma – {ao_name}",
        crumbs=[(_page_url(convention), "Petite enfance"), (_schema_url(schema), ao_name)],
        form=form,
        errors=error_summary(form),
        cancel_url=_schema_url(schema),
        submit="Enregistrer",
        schema=schema,
        **page_context(request, form, conflict=conflict),
    )


@require_http_methods(["GET", "POST"])
def schema_lines(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit the table of a schéma: one line per mode, a value per year of the CTG."""
    convention = get_convention_for_user(request, slug, edit=True)
    schema = _get_schema(convention, pk)
    years = convention.years

    def build(data, lines):
        initial = [SchemaLineForm.initial_for(line) for line in lines.all()]
        return SchemaLineFormSet(
            data, initial=initial, form_kwargs={"years": years}, prefix="lignes"
        )

    formset = build(_bound(request), schema.lines)
    service_error = ""
    conflict = None
    if request.method == "POST" and formset.is_valid():
        try:
            save_if_current(
                request.POST,
                formset,
                lock=lambda: _lock_schema(convention, pk),
                fresh=lambda locked: build(None, locked.lines),
                changed=_schema_history,
                save=lambda: services.replace_schema_lines(
                    schema, by=request.user, lines=formset.lines()
                ),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except PetiteEnfanceError as error:
            service_error = error.message
        else:
            messages.success(request, "Le tableau du schéma a été enregistré.")
            return redirect(_schema_url(schema))
    ao_name = services.schema_ao_name(schema, convention)
    return _render(
        request,
        "schema_lines.html",
        convention,
        f"Tableau du schéma – {ao_name}",
        crumbs=[(_page_url(convention), "Petite enfance"), (_schema_url(schema), ao_name)],
        schema=schema,
        formset=formset,
        years=years,
        errors=error_summary(formset, extra=service_error),
        **page_context(request, formset, conflict=conflict),
    )


@require_http_methods(["GET", "POST"])
def schema_checklist(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Say, for each content of D. 214-10-1, whether the CTG covers it and where."""
    convention = get_convention_for_user(request, slug, edit=True)
    schema = _get_schema(convention, pk)
    checklist = overview.schema_checklist(schema)
    form = ChecklistForm(_bound(request), checklist=checklist)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_if_current(
                request.POST,
                form,
                lock=lambda: _lock_schema(convention, pk),
                fresh=lambda locked: ChecklistForm(checklist=overview.schema_checklist(locked)),
                changed=_schema_history,
                save=lambda: services.update_checklist(schema, by=request.user, items=form.items()),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except PetiteEnfanceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Les contenus du schéma ont été enregistrés.")
            return redirect(_schema_url(schema))
    ao_name = services.schema_ao_name(schema, convention)
    return _render(
        request,
        "schema_checklist.html",
        convention,
        f"Contenus du schéma – {ao_name}",
        crumbs=[(_page_url(convention), "Petite enfance"), (_schema_url(schema), ao_name)],
        schema=schema,
        form=form,
        checklist=checklist,
        errors=error_summary(form),
        **page_context(request, form, conflict=conflict),
    )


@require_http_methods(["GET", "POST"])
def schema_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Delete a schéma after confirmation."""
    convention = get_convention_for_user(request, slug, edit=True)
    schema = _get_schema(convention, pk)
    ao_name = services.schema_ao_name(schema, convention)
    if request.method == "POST":
        try:
            item = services.delete_schema(schema, by=request.user, label=f"Schéma de {ao_name}")
        except PetiteEnfanceError as error:
            messages.error(request, error.message)
        else:
            announce_trashed(request, item, f"Le schéma de {ao_name} a été placé")
            return redirect(_page_url(convention))
    return _render(
        request,
        "schema_delete.html",
        convention,
        f"Supprimer le schéma – {ao_name}",
        crumbs=[(_page_url(convention), "Petite enfance"), (_schema_url(schema), ao_name)],
        schema=schema,
        ao_name=ao_name,
        line_count=len(schema.lines.all()),
    )


def _document(request: HttpRequest, slug: str, pk: int) -> exports.SchemaDocument:
    convention = get_convention_for_user(request, slug)
    schema = _get_schema(convention, pk)
    return exports.build_document(
        convention,
        schema,
        services.schema_ao_name(schema, convention),
        overview.schema_checklist(schema),
    )


@require_GET
def schema_export_xlsx(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _document(request, slug, pk)
    return download_response(
        exports.schema_workbook(document), exports.filename(document, "xlsx"), XLSX
    )


@require_GET
def schema_export_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = _document(request, slug, pk)
    return download_response(exports.schema_pdf(document), exports.filename(document, "pdf"), PDF)
