"""Pages of the CTGs: list, creation and edition (general information and sub-pages).

Every page of one CTG starts with get_convention_for_user(); every write goes through services.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from pilote.accounts.perms import (
    can_create_convention,
    creatable_departements,
)
from pilote.core.concurrency import StaleEdit, page_context, save_if_current
from pilote.territories.queries import search_communes

from . import services
from .access import get_convention_for_user
from .filters import ConventionFilter
from .forms import (
    AmendmentFormSet,
    CommuneSearchForm,
    ConventionCreateForm,
    ConventionEditForm,
    PiloteFormSet,
    SignatoryFormSet,
    TerritoryForm,
    error_summary,
)
from .models import Amendment, Convention, Signatory
from .services import AmendmentData, ConventionError, SignatoryData
from .signals import period_change_warnings

PAGE_SIZE = 25
COMMUNE_SEARCH_LIMIT = 30

Row = TypeVar("Row")


def _breadcrumb(current: str, *links: tuple[str, str]) -> dict:
    return {
        "links": [{"url": url, "title": title} for url, title in links],
        "current": current,
        "root_dir": reverse("conventions:list"),
    }


def _convention_crumbs(convention: Convention) -> tuple[tuple[str, str], ...]:
    return (
        (reverse("conventions:list"), "Conventions"),
        (convention.get_absolute_url(), convention.name),
    )


def bound_data(request: HttpRequest):
    """Return the data to bind a form to: the POST data, even empty, on a POST only."""
    return request.POST if request.method == "POST" else None


def _add_error(form, error: ConventionError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# ---------------------------------------------------------------------------------------------
# List and creation
# ---------------------------------------------------------------------------------------------


@login_required
def convention_list(request: HttpRequest) -> HttpResponse:
    """List the CTGs the user may see, filtered and paginated."""
    conventions = (
        Convention.objects.visible_to(request.user)
        .select_related("departement", "epci")
        .with_commune_count()
        .order_by("-start_date", "name", "pk")
    )
    filterset = ConventionFilter(request.GET or None, conventions, request=request)
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "conventions/list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "ellipsis": Paginator.ELLIPSIS,
            "is_filtered": any(v for k, v in request.GET.items() if k != "page"),
            "can_create": can_create_convention(request.user),
            "errors": error_summary(filterset.form) if filterset.is_bound else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def convention_create(request: HttpRequest) -> HttpResponse:
    """Create a CTG (Caf advisers, for their département, and superusers)."""
    if not can_create_convention(request.user):
        raise PermissionDenied("Vous ne pouvez pas créer de CTG.")
    departements = creatable_departements(request.user)
    form = ConventionCreateForm(bound_data(request), departements=departements)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            convention = services.create_convention(
                by=request.user,
                name=data["name"],
                slug=data["slug"],
                departement=data["departement"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                status=data["status"],
                description=data["description"],
                internal_notes=data["internal_notes"],
                epci=data["epci"],
                communes=form.territory_communes(),
            )
        except ConventionError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"La CTG « {convention.name} » a été créée.")
            for warning in services.period_warnings(convention.start_date, convention.end_date):
                messages.warning(request, warning)
            return redirect(convention)
    return render(
        request,
        "conventions/create.html",
        {
            "form": form,
            "errors": error_summary(form),
            "breadcrumb": _breadcrumb("Nouvelle CTG", (reverse("conventions:list"), "Conventions")),
        },
    )


# ---------------------------------------------------------------------------------------------
# Edition: general information and sub-pages
# ---------------------------------------------------------------------------------------------


def _render_edit_page(request, convention, template: str, section: str, title: str, **context):
    conflict = context.get("edit_conflict")
    return render(
        request,
        template,
        {
            "convention": convention,
            "section": section,
            "page_title": title,
            "breadcrumb": _breadcrumb(title, *_convention_crumbs(convention)),
            **context,
        },
        status=409 if conflict else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def convention_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change the general information of a CTG."""
    convention = get_convention_for_user(request, slug, edit=True)
    # The form works on a copy: a refused slug must not leak into the page's links.
    form = ConventionEditForm(bound_data(request), instance=copy.copy(convention))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            save_if_current(
                request.POST,
                form,
                lock=lambda: _lock(convention),
                fresh=lambda locked: ConventionEditForm(instance=locked),
                save=lambda: services.update_convention(
                    convention,
                    by=request.user,
                    **{name: data[name] for name in ConventionEditForm.Meta.fields},
                ),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except ConventionError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Les informations générales ont été enregistrées.")
            for warning in services.period_warnings(convention.start_date, convention.end_date):
                messages.warning(request, warning)
            for warning in period_change_warnings(convention):
                messages.warning(request, warning)
            return redirect("conventions:edit", slug=convention.slug)
    return _render_edit_page(
        request,
        convention,
        "conventions/edit.html",
        "general",
        "Informations générales",
        form=form,
        errors=error_summary(form),
        **page_context(request, form, conflict=conflict),
    )


def _lock(convention: Convention) -> Convention:
    """Read the CTG again under a row lock: every edit of its own pages waits for the others."""
    return Convention.objects.select_for_update().get(pk=convention.pk)


@login_required
@require_http_methods(["GET", "POST"])
def convention_territory(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose the EPCI and the communes of a CTG; search communes to add (htmx or plain GET)."""
    convention = get_convention_for_user(request, slug, edit=True)
    current = list(convention.communes.select_related("epci").order_by("name", "code"))
    search = CommuneSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    results = []
    if query:
        # The CTG's own département first, then the rest of France.
        seen = {c.code for c in current}
        for departement in (convention.departement_id, None):
            for commune in search_communes(
                query, departement=departement, limit=COMMUNE_SEARCH_LIMIT
            ):
                if commune.code not in seen and len(results) < COMMUNE_SEARCH_LIMIT:
                    seen.add(commune.code)
                    results.append(commune)
    search_context = {"query": query, "results": results}
    if request.htmx and request.method == "GET":
        return render(
            request,
            "conventions/includes/commune_results.html",
            {"convention": convention, **search_context},
        )

    form = TerritoryForm(bound_data(request), convention=convention, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_territory(
                convention,
                by=request.user,
                epci=form.cleaned_data["epci"],
                communes=form.resulting_communes(),
            )
        except ConventionError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Le territoire de la CTG a été enregistré.")
            return redirect("conventions:territory", slug=convention.slug)
    return _render_edit_page(
        request,
        convention,
        "conventions/territory.html",
        "territory",
        "Territoire",
        form=form,
        errors=error_summary(form),
        current=current,
        search_form=search,
        **search_context,
    )


def formset_page(
    request: HttpRequest,
    convention: Convention,
    formset: PiloteFormSet,
    *,
    to_row: Callable[[ModelForm], Row],
    save: Callable[[list[Row]], object],
    fresh: Callable[[], PiloteFormSet],
    history,
    success: str,
    page: str,
    title: str,
) -> HttpResponse:
    """Save the list edited by a formset through its service, or show the page with its errors.

    Shared by the sub-pages of a CTG's edition, the plan levels' too (pilote.plans.views_levels).

    `page` names the sub-page: its section, its URL ("conventions:<page>") and its template
    ("conventions/<page>.html"). `to_row` turns one valid form into the service's data.
    `fresh` builds the formset unbound, `history` is the queryset of the rows' history: a save
    from a stale page is refused (pilote.core.concurrency).
    """
    service_error = ""
    conflict = None
    if request.method == "POST" and formset.is_valid():
        rows = [to_row(form) for form in formset.rows()]
        try:
            save_if_current(
                request.POST,
                formset,
                lock=lambda: _lock(convention),
                fresh=lambda locked: fresh(),
                changed=lambda locked: [history],
                save=lambda: save(rows),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except ConventionError as error:
            service_error = error.message
        else:
            messages.success(request, success)
            return redirect(f"conventions:{page}", slug=convention.slug)
    return _render_edit_page(
        request,
        convention,
        f"conventions/{page}.html",
        page,
        title,
        formset=formset,
        errors=error_summary(formset, extra=service_error),
        **page_context(request, formset, conflict=conflict),
    )


@login_required
@require_http_methods(["GET", "POST"])
def convention_signatories(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit the ordered list of signatories."""
    convention = get_convention_for_user(request, slug, edit=True)

    def build(data=None):
        return SignatoryFormSet(data, queryset=convention.signatories.all(), prefix="signataires")

    return formset_page(
        request,
        convention,
        build(bound_data(request)),
        fresh=build,
        history=Signatory.history.filter(convention_id=convention.pk),
        to_row=lambda form: SignatoryData(
            pk=form.instance.pk, **{name: form.cleaned_data[name] for name in form._meta.fields}
        ),
        save=lambda rows: services.replace_signatories(
            convention, by=request.user, signatories=rows
        ),
        success="Les signataires ont été enregistrés.",
        page="signatories",
        title="Signataires",
    )


@login_required
@require_http_methods(["GET", "POST"])
def convention_amendments(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit the avenants of the CTG."""
    convention = get_convention_for_user(request, slug, edit=True)

    def build(data=None):
        queryset = convention.amendments.all()
        next_number = max((a.number for a in queryset), default=0) + 1
        return AmendmentFormSet(
            data, queryset=queryset, prefix="avenants", initial=[{"number": next_number}]
        )

    return formset_page(
        request,
        convention,
        build(bound_data(request)),
        fresh=build,
        history=Amendment.history.filter(convention_id=convention.pk),
        to_row=lambda form: AmendmentData(
            pk=form.instance.pk,
            number=form.cleaned_data["number"],
            date=form.cleaned_data["date"],
            subject=form.cleaned_data["subject"],
        ),
        save=lambda rows: services.replace_amendments(convention, by=request.user, amendments=rows),
        success="Les avenants ont été enregistrés.",
        page="amendments",
        title="Avenants",
    )
