"""Pages of the diagnostic's figures (list, edit, import, exports) and of the coverage rate."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.access import get_convention_for_user
from pilote.conventions.forms import megabytes
from pilote.conventions.views_trash import announce_trashed
from pilote.core import upload_session
from pilote.core.concurrency import StaleEdit, relock, render_edit, save_if_current
from pilote.core.downloads import CSV, XLSX, download_response

from ..enums import AreaKind, FigureKind
from ..exceptions import FacilitiesError
from ..models import TerritoryFigure
from . import services
from .coverage import coverage_chart, load_coverage
from .forms import FigureFilterForm, FigureForm, FigureImportForm
from .template import figures_csv, figures_workbook

SESSION_KEY = "facilities-figures-import"

# Themes of the diagnostic, in the order of seed 003's annexe 1.
THEMES = [
    (
        "Population",
        [
            FigureKind.POPULATION,
            FigureKind.BIRTHS,
            FigureKind.CHILDREN_UNDER_3,
            FigureKind.CHILDREN_3_11,
            FigureKind.YOUTH_12_17,
            FigureKind.YOUTH_UNDER_25,
        ],
    ),
    (
        "Familles et allocataires",
        [
            FigureKind.ALLOCATAIRES,
            FigureKind.COVERED_PEOPLE,
            FigureKind.FAMILIES,
            FigureKind.SINGLE_PARENT_FAMILIES,
        ],
    ),
    (
        "Revenus, emploi et logement",
        [
            FigureKind.LOW_INCOME_RATE,
            FigureKind.RSA,
            FigureKind.UNEMPLOYMENT_RATE,
            FigureKind.HOUSING_AID_RATE,
        ],
    ),
    (
        "Accueil du jeune enfant (données publiées)",
        [
            FigureKind.PUBLISHED_COVERAGE,
            FigureKind.PUBLISHED_COVERAGE_EAJE,
            FigureKind.PUBLISHED_PLACES_TOTAL,
            FigureKind.PUBLISHED_PLACES_EAJE,
            FigureKind.PUBLISHED_PLACES_CHILDMINDERS,
        ],
    ),
    ("Autres chiffres", [FigureKind.OTHER]),
]
KIND_ORDER = {kind: index for index, kind in enumerate(FigureKind.values)}
THEME_OF = {kind: theme for theme, kinds in THEMES for kind in kinds}
AREA_ORDER = {AreaKind.EPCI: 0, AreaKind.COMMUNE: 1, AreaKind.DEPARTEMENT: 2, AreaKind.FRANCE: 3}


@dataclass
class ThemeGroup:
    title: str
    figures: list[TerritoryFigure] = field(default_factory=list)


@dataclass
class AreaGroup:
    key: str
    area_kind: str
    area_code: str
    name: str
    themes: list[ThemeGroup] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return AreaKind(self.area_kind).label

    @property
    def count(self) -> int:
        return sum(len(theme.figures) for theme in self.themes)


def _area_key(figure) -> str:
    return f"{figure.area_kind}:{figure.area_code}"


def group_figures(figures: list[TerritoryFigure]) -> list[AreaGroup]:
    """Return the figures grouped by territory (EPCI, communes, département, France) and theme."""
    areas: dict[str, AreaGroup] = {}
    for figure in figures:
        key = _area_key(figure)
        if key not in areas:
            areas[key] = AreaGroup(key, figure.area_kind, figure.area_code, figure.area_name)
    # Other figures keep the order they were entered or imported in (the annexe's order).
    first_seen: dict[tuple[str, str], int] = {}
    for figure in sorted(figures, key=lambda f: f.pk or 0):
        first_seen.setdefault((_area_key(figure), figure.label), figure.pk or 0)

    def order(figure):
        rank = first_seen[(_area_key(figure), figure.label)] if figure.label else 0
        return (KIND_ORDER[figure.kind], rank, figure.label, -figure.year, figure.pk or 0)

    by_theme: dict[tuple[str, str], list[TerritoryFigure]] = {}
    for figure in sorted(figures, key=order):
        by_theme.setdefault((_area_key(figure), THEME_OF[figure.kind]), []).append(figure)
    for area in areas.values():
        for title, _ in THEMES:
            items = by_theme.get((area.key, title))
            if items:
                area.themes.append(ThemeGroup(title, items))
    return sorted(areas.values(), key=lambda a: (AREA_ORDER[a.area_kind], a.name, a.area_code))


def _filtered_figures(request: HttpRequest, convention) -> tuple[list, FigureFilterForm, bool]:
    """Return the CTG's figures matching the query string, the filter form and whether filtered."""
    figures = list(TerritoryFigure.objects.filter(convention=convention))
    areas = {}
    for figure in sorted(figures, key=lambda f: (AREA_ORDER[f.area_kind], f.area_name)):
        areas.setdefault(
            _area_key(figure), f"{figure.area_name} ({figure.get_area_kind_display()})"
        )
    kinds = [
        (kind.value, kind.label) for kind in FigureKind if any(f.kind == kind for f in figures)
    ]
    years = sorted({f.year for f in figures}, reverse=True)
    form = FigureFilterForm(
        request.GET or None, areas=list(areas.items()), kinds=kinds, years=years
    )
    filtered = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["territoire"]:
            figures = [f for f in figures if _area_key(f) == data["territoire"]]
        if data["chiffre"]:
            figures = [f for f in figures if f.kind == data["chiffre"]]
        if data["millesime"]:
            figures = [f for f in figures if str(f.year) == data["millesime"]]
        filtered = any(data.values())
    return figures, form, filtered


@require_GET
def figures_page(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    figures, form, filtered = _filtered_figures(request, convention)
    return render(
        request,
        "facilities/figures/list.html",
        {
            "convention": convention,
            "section": "diagnostic",
            "groups": group_figures(figures),
            "count": len(figures),
            "form": form,
            "filtered": filtered,
            "query": request.GET.urlencode(),
            "can_edit": can_edit_convention(request.user, convention),
        },
    )


@require_GET
def figures_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Send the (filtered) figures as CSV or XLSX, in the import template's format."""
    convention = get_convention_for_user(request, slug)
    figures, _, _ = _filtered_figures(request, convention)
    ordered = [f for group in group_figures(figures) for t in group.themes for f in t.figures]
    filename = f"diagnostic-{convention.slug}.{fmt}"
    if fmt == "xlsx":
        content = figures_workbook(ordered, title=f"Chiffres du diagnostic – {convention.name}")
        return download_response(content, filename, XLSX)
    return download_response(figures_csv(ordered), filename, CSV)


@require_GET
def figures_template(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the XLSX template of the figures import, with an example row and a how-to sheet."""
    get_convention_for_user(request, slug)
    content = figures_workbook([], title="Modèle d'import des chiffres du diagnostic", example=True)
    return download_response(content, "modele-chiffres-diagnostic.xlsx", XLSX)


def _figures_url(convention) -> str:
    return reverse("facilities:figures", kwargs={"slug": convention.slug})


@require_http_methods(["GET", "POST"])
def figure_add(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    initial = {"area_kind": AreaKind.EPCI, "area_code": convention.epci_id or ""}
    form = FigureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            figure = services.create_figure(convention, form.figure_data(), by=request.user)
        except FacilitiesError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Chiffre « {figure} » ajouté.")
            return redirect(_figures_url(convention) + f"#chiffre-{figure.pk}")
    return render(
        request,
        "facilities/figures/form.html",
        {"convention": convention, "section": "diagnostic", "form": form, "figure": None},
    )


@require_http_methods(["GET", "POST"])
def figure_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    figure = get_object_or_404(TerritoryFigure, convention=convention, pk=pk)
    form = FigureForm.for_figure(figure, request.POST or None)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_if_current(
                request.POST,
                form,
                lock=lambda: relock(
                    TerritoryFigure,
                    pk,
                    lambda: get_object_or_404(TerritoryFigure, convention=convention, pk=pk),
                ),
                fresh=lambda locked: FigureForm.for_figure(locked, None),
                save=lambda: services.update_figure(figure, form.figure_data(), by=request.user),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except FacilitiesError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Chiffre « {figure} » modifié.")
            return redirect(_figures_url(convention) + f"#chiffre-{figure.pk}")
    return render_edit(
        request,
        "facilities/figures/form.html",
        {"convention": convention, "section": "diagnostic", "form": form, "figure": figure},
        form,
        conflict,
    )


@require_http_methods(["GET", "POST"])
def figure_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    figure = get_object_or_404(TerritoryFigure, convention=convention, pk=pk)
    if request.method == "POST":
        label = str(figure)
        item = services.delete_figure(figure, by=request.user)
        announce_trashed(request, item, f"Le chiffre « {label} » a été placé")
        return redirect(_figures_url(convention))
    return render(
        request,
        "facilities/figures/delete.html",
        {"convention": convention, "section": "diagnostic", "figure": figure},
    )


@require_http_methods(["GET", "POST"])
def figures_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a file and see what it holds; its content waits for confirmation (upload_session)."""
    convention = get_convention_for_user(request, slug, edit=True)
    form = FigureImportForm(request.POST or None, request.FILES or None)
    context = {
        "convention": convention,
        "section": "diagnostic",
        "form": form,
        "max_size": megabytes(settings.IMPORT_MAX_BYTES),
        "plan": None,
        "file_error": "",
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            plan = services.plan_import(convention, content, upload.name)
        except FacilitiesError as error:
            context["file_error"] = error.message
        else:
            context["plan"] = plan
            if plan.parsed.ok:
                pending = {"slug": convention.slug, "filename": upload.name}
                pending["content"] = base64.b64encode(content).decode("ascii")
                try:
                    context["token"] = upload_session.store(request, SESSION_KEY, pending)
                except upload_session.UploadTooLarge as error:
                    context["file_error"] = error.message
                    context["plan"] = None
    return render(request, "facilities/figures/import.html", context)


@require_POST
def figures_import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Write the file seen in the preview, in one transaction, or drop it (cancel)."""
    convention = get_convention_for_user(request, slug, edit=True)
    token = request.POST.get("token", "")
    pending = upload_session.load(request, SESSION_KEY, token)
    import_url = reverse("facilities:figures_import", kwargs={"slug": convention.slug})
    if "annuler" in request.POST:
        upload_session.discard_all(request, SESSION_KEY)
        messages.info(request, "Import annulé : rien n'a été enregistré.")
        return redirect(_figures_url(convention))
    if not pending or pending.get("slug") != convention.slug:
        messages.error(
            request,
            "Cet aperçu n'est plus disponible (délai dépassé ou autre import lancé depuis) : "
            "envoyez à nouveau le fichier.",
        )
        return redirect(import_url)
    content = base64.b64decode(pending["content"])
    try:
        result = services.apply_import(convention, content, pending["filename"], by=request.user)
    except FacilitiesError as error:
        messages.error(request, error.message)
        return redirect(import_url)
    finally:
        upload_session.discard(request, SESSION_KEY, token)
    messages.success(request, f"Import de « {pending['filename']} » terminé : {result.summary}.")
    return redirect(_figures_url(convention))


@require_GET
def coverage_page(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    table = load_coverage(convention)
    return render(
        request,
        "facilities/coverage/coverage.html",
        {
            "convention": convention,
            "section": "coverage",
            "table": table,
            "chart": coverage_chart(table),
            "can_edit": can_edit_convention(request.user, convention),
        },
    )
