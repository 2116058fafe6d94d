"""Pages of a CTG's facilities register: list and filters, add, edit, delete, import, export."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.access import get_convention_for_user
from pilote.conventions.forms import error_summary, megabytes
from pilote.conventions.views_trash import announce_trashed
from pilote.core import upload_session
from pilote.core.concurrency import StaleEdit, page_context, save_if_current
from pilote.core.deletion import what_goes
from pilote.core.downloads import CSV, XLSX, download_response
from pilote.core.formats import french_euros, french_number
from pilote.core.fragments import render_fragment_page
from pilote.plans.models import PlanNode
from pilote.plans.visibility import can_see_internal

from ..enums import CapacityUnit, FacilityKind, FacilityStatus, FundingMode
from ..exceptions import FacilitiesError
from ..models import Facility, FacilityBonus
from . import exports
from .filters import FacilityFilter
from .forms import SUBKIND_SUGGESTIONS, FacilityForm, ImportUploadForm
from .imports import (
    COLUMNS,
    ImportReport,
    apply_import,
    prepare_import,
    read_register,
    table_from_dict,
    table_to_dict,
)
from .services import (
    BONUS_YEARS_AFTER,
    BONUS_YEARS_BEFORE,
    create_facility,
    delete_facility,
    update_facility,
)

PAGE_SIZE = 50
PREVIEW_ROWS = 500
SESSION_KEY = "facilities_register_import"
_PK = 987654321  # a placeholder pk, replaced in reversed URLs


@dataclass
class ActionLink:
    label: str
    description: str
    url: str


STATUS_BADGES = {
    FacilityStatus.EXISTING: "fr-badge--success",
    FacilityStatus.PLANNED: "fr-badge--info",
    FacilityStatus.CLOSED: "fr-badge--error",
}


FUNDING_SHORT = {
    FundingMode.PSU: "PSU",
    FundingMode.PAJE: "PAJE",
    FundingMode.SERVICE: "PS",
    FundingMode.NONE: "Aucun",
}


@dataclass
class RegisterRow:
    facility: Facility
    bonus: Decimal | None
    actions: list[ActionLink] = field(default_factory=list)

    @property
    def capacity(self) -> str:
        facility = self.facility
        if facility.capacity is None:
            return ""
        unit = "ETP" if facility.capacity_unit == CapacityUnit.FTE else "places"
        if unit == "places" and facility.capacity == 1:
            unit = "place"
        return f"{french_number(facility.capacity)} {unit}"

    @property
    def ages(self) -> str:
        low, high = self.facility.age_min, self.facility.age_max
        if low is not None and high is not None:
            return f"{low} à {high} ans"
        if low is not None:
            return f"dès {low} an{'s' if low > 1 else ''}"
        if high is not None:
            return f"jusqu’à {high} an{'s' if high > 1 else ''}"
        return ""

    @property
    def bonus_text(self) -> str:
        return french_euros(self.bonus)

    @property
    def funding(self) -> tuple[str, str]:
        """Return the short and full names of the funding ("PSU", "prestation de service…")."""
        funding = self.facility.funding
        if not funding:
            return "", ""
        return FUNDING_SHORT[funding], self.facility.get_funding_display()

    @property
    def status_class(self) -> str:
        return STATUS_BADGES.get(self.facility.status, "")


# --------------------------------------------------------------------------- list


def shown_year(convention) -> int:
    """Return the year whose bonus the list shows: this year, within the CTG's period."""
    years = convention.years
    return min(max(timezone.localdate().year, years[0]), years[-1])


def _filtered(request: HttpRequest, convention) -> tuple[FacilityFilter, QuerySet[Facility]]:
    params = {
        key: value for key, value in request.GET.items() if key in FacilityFilter.base_filters
    }
    filterset = FacilityFilter(
        request.GET if params else None,
        queryset=Facility.objects.filter(convention=convention),
        convention=convention,
    )
    return filterset, filterset.qs


@require_GET
def register(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    internal = can_see_internal(request.user, convention)
    can_edit = can_edit_convention(request.user, convention)
    return render_fragment_page(
        request,
        "facilities/register/list.html",
        name="facilities",
        convention=convention,
        variant=(internal, can_edit),
        outer={"convention": convention},
        inner=lambda: _register_context(request, convention, internal=internal, can_edit=can_edit),
    )


def _register_context(request: HttpRequest, convention, *, internal: bool, can_edit: bool) -> dict:
    filterset, facilities = _filtered(request, convention)
    year = shown_year(convention)
    page = Paginator(
        facilities.select_related("commune").prefetch_related(
            Prefetch(
                "actions",
                queryset=PlanNode.objects.shown(internal).select_related("level").order_by("pk"),
            ),
            Prefetch("bonuses", queryset=FacilityBonus.objects.filter(year=year)),
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    total = Facility.objects.filter(convention=convention).count()
    return {
        "filter": filterset,
        "form": filterset.form,
        "filtered": filterset.is_bound,
        "page": page,
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "ellipsis": Paginator.ELLIPSIS,
        "rows": _rows(convention, page.object_list),
        "query": query.urlencode(),
        "total": total,
        "count": page.paginator.count,
        "totals": _totals(facilities, year),
        "year": year,
        "can_edit": can_edit,
    }


def _rows(convention, facilities) -> list[RegisterRow]:
    node_url = reverse("plans:node", kwargs={"slug": convention.slug, "pk": _PK})
    rows = []
    for facility in facilities:
        bonuses = list(facility.bonuses.all())
        row = RegisterRow(facility=facility, bonus=bonuses[0].amount if bonuses else None)
        for node in facility.actions.all():
            title = node.title if len(node.title) <= 80 else node.title[:79] + "…"
            label = node.number or (title if len(title) <= 30 else title[:29] + "…")
            row.actions.append(
                ActionLink(
                    label=label,
                    description=f"{node.level.name} {node.number} : {title}"
                    if node.number
                    else f"{node.level.name} : {title}",
                    url=node_url.replace(str(_PK), str(node.pk)),
                )
            )
        rows.append(row)
    return rows


def _totals(facilities: QuerySet[Facility], year: int) -> dict:
    """Return the count, places and ETP by type of the filtered facilities, and the year's
    bonus total."""
    by_kind: dict[str, dict] = {}
    for item in (
        facilities.order_by()
        .values("kind", "capacity_unit")
        .annotate(count=Count("pk"), total=Sum("capacity"), known=Count("capacity"))
    ):
        entry = by_kind.setdefault(
            item["kind"],
            {
                "label": FacilityKind(item["kind"]).label,
                "count": 0,
                "places": None,
                "fte": None,
                "unknown": 0,
            },
        )
        entry["count"] += item["count"]
        entry["unknown"] += item["count"] - item["known"]
        if item["total"] is not None:
            key = "fte" if item["capacity_unit"] == CapacityUnit.FTE else "places"
            entry[key] = (entry[key] or 0) + item["total"]
    kinds = sorted(by_kind.values(), key=lambda entry: (-entry["count"], entry["label"]))
    for entry in kinds:
        entry["places_text"] = french_number(entry["places"])
        entry["fte_text"] = french_number(entry["fte"])
    bonus = FacilityBonus.objects.filter(
        facility__in=facilities.order_by().values("pk"), year=year
    ).aggregate(total=Sum("amount"), count=Count("pk"))
    places = sum((entry["places"] or 0 for entry in kinds), Decimal(0))
    fte = sum((entry["fte"] or 0 for entry in kinds), Decimal(0))
    unknown = sum(entry["unknown"] for entry in kinds)
    capacity = [
        f"{french_number(places)} place{'s' if places > 1 else ''}" if places else "",
        f"{french_number(fte)} ETP" if fte else "",
    ]
    summary = " et ".join(part for part in capacity if part)
    if summary:
        summary = f"Capacité totale renseignée : {summary}"
        if unknown:
            summary += f" ({unknown} équipement{'s' if unknown > 1 else ''} sans capacité)"
        summary += "."
    else:
        summary = "Aucune capacité renseignée."
    return {
        "kinds": kinds,
        "count": sum(entry["count"] for entry in kinds),
        "capacity_summary": summary,
        "bonus_text": french_euros(bonus["total"]),
        "bonus_count": bonus["count"],
    }


def node_facilities_context(convention, node: PlanNode) -> dict:
    """Return what an action's page (plans:node) needs to list its facilities (one query).

    Render it with facilities/register/includes/node_facilities.html.
    """
    return {
        "facilities": list(
            node.facilities.filter(convention=convention)
            .select_related("commune")
            .order_by("name", "pk")
        ),
        "register_url": _register_url(convention),
    }


# --------------------------------------------------------------------------- add, edit, delete


def _get_facility(convention, pk: int, *, lock: bool = False) -> Facility:
    """Return the facility of this CTG with this pk, or 404 (also when it is another CTG's)."""
    queryset = Facility.objects.select_for_update(of=("self",)) if lock else Facility.objects
    queryset = queryset.select_related("commune").prefetch_related(
        Prefetch("actions", queryset=PlanNode.objects.select_related("level")), "bonuses"
    )
    return get_object_or_404(queryset, convention=convention, pk=pk)


def _register_url(convention) -> str:
    return reverse("facilities:register", kwargs={"slug": convention.slug})


@require_http_methods(["GET", "POST"])
def facility_add(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    form = FacilityForm(request.POST or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        try:
            facility = create_facility(convention, form.to_data())
        except FacilitiesError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, f"« {facility.name} » a été ajouté au registre.")
            return redirect(_register_url(convention))
    return _form_page(request, convention, form)


@require_http_methods(["GET", "POST"])
def facility_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    facility = _get_facility(convention, pk)
    form = FacilityForm(request.POST or None, convention=convention, facility=facility)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_if_current(
                request.POST,
                form,
                lock=lambda: _get_facility(convention, pk, lock=True),
                fresh=lambda locked: FacilityForm(convention=convention, facility=locked),
                changed=lambda locked: [locked, FacilityBonus.history.filter(facility_id=pk)],
                save=lambda: update_facility(facility, form.to_data()),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except FacilitiesError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, f"« {facility.name} » a été enregistré.")
            return redirect(_register_url(convention))
    return _form_page(request, convention, form, facility, conflict=conflict)


def _add_service_error(form: FacilityForm, error: FacilitiesError) -> None:
    name = error.field if error.field in form.fields else None
    form.add_error(name, error.message)


def _form_page(
    request, convention, form: FacilityForm, facility=None, conflict=None
) -> HttpResponse:
    versioned = page_context(request, form, conflict=conflict) if facility else {}
    return render(
        request,
        "facilities/register/form.html",
        {
            "convention": convention,
            "form": form,
            "facility": facility,
            "errors": error_summary(form),
            "subkinds": SUBKIND_SUGGESTIONS,
            "cancel_url": _register_url(convention),
            "bonus_before": BONUS_YEARS_BEFORE,
            "bonus_after": BONUS_YEARS_AFTER,
            **versioned,
        },
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
def facility_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    facility = _get_facility(convention, pk)
    if request.method == "POST":
        name = facility.name
        item = delete_facility(facility, by=request.user)
        announce_trashed(request, item, f"« {name} » a été retiré du registre et placé")
        return redirect(_register_url(convention))
    return render(
        request,
        "facilities/register/delete.html",
        {"convention": convention, "facility": facility, "what_goes": what_goes(facility)},
    )


# --------------------------------------------------------------------------- import


@require_http_methods(["GET", "POST"])
def register_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a file → report (errors, or a preview of the changes) → confirm → written."""
    convention = get_convention_for_user(request, slug, edit=True)
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm_import(request, convention)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    report = None
    token = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_register(upload.read(), upload.name)
        except FacilitiesError as error:
            form.add_error("file", error.message)
        else:
            report = prepare_import(convention, table, filename=upload.name)
            if report.ok:
                pending = {"slug": convention.slug, "filename": upload.name}
                pending["table"] = table_to_dict(table)
                try:
                    token = upload_session.store(request, SESSION_KEY, pending)
                except upload_session.UploadTooLarge as error:
                    form.add_error("file", error.message)
                    report = None
            else:
                form = ImportUploadForm()  # ready for the corrected file
    return _import_page(request, convention, form, report, token)


def _confirm_import(request: HttpRequest, convention) -> HttpResponse:
    token = request.POST.get("token", "")
    stored = upload_session.load(request, SESSION_KEY, token)
    if not stored or stored.get("slug") != convention.slug:
        messages.error(
            request,
            "L'aperçu de l'import a expiré : envoyez à nouveau le fichier, rien n'a été "
            "enregistré.",
        )
        return redirect("facilities:register_import", slug=convention.slug)
    report = prepare_import(
        convention, table_from_dict(stored["table"]), filename=stored["filename"]
    )
    if not report.ok:
        # The register or the plan changed since the preview.
        upload_session.discard(request, SESSION_KEY, token)
        return _import_page(request, convention, ImportUploadForm(), report, "")
    try:
        apply_import(convention, report)
    except FacilitiesError as error:
        messages.error(request, f"Rien n'a été enregistré : {error.message}")
        return redirect("facilities:register_import", slug=convention.slug)
    upload_session.discard(request, SESSION_KEY, token)
    messages.success(request, _done_message(report))
    return redirect(_register_url(convention))


def _done_message(report: ImportReport) -> str:
    parts = [
        f"{report.created} équipement{'s' if report.created > 1 else ''} "
        f"créé{'s' if report.created > 1 else ''}",
        f"{report.updated} mis à jour",
        f"{report.unchanged} inchangé{'s' if report.unchanged > 1 else ''}",
    ]
    return f"Import de « {report.filename} » terminé : " + ", ".join(parts) + "."


def _import_page(request, convention, form, report: ImportReport | None, token: str):
    return render(
        request,
        "facilities/register/import.html",
        {
            "convention": convention,
            "form": form,
            "errors": error_summary(form),
            "report": report,
            "preview": report.rows[:PREVIEW_ROWS] if report else [],
            "hidden_rows": max(len(report.rows) - PREVIEW_ROWS, 0) if report else 0,
            "token": token,
            "max_size": megabytes(settings.IMPORT_MAX_BYTES),
            "columns": COLUMNS,
            "years": convention.years,
        },
    )


@require_GET
def register_template(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    return download_response(
        exports.template_xlsx(convention), f"modele-equipements-{convention.slug}.xlsx", XLSX
    )


# --------------------------------------------------------------------------- export


@require_GET
def register_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the filtered register as CSV or XLSX (?format=csv|xlsx)."""
    convention = get_convention_for_user(request, slug)
    file_format = request.GET.get("format", "xlsx")
    if file_format not in ("csv", "xlsx"):
        raise Http404("Format d'export inconnu : csv ou xlsx.")
    _filterset, facilities = _filtered(request, convention)
    filename = f"equipements-{convention.slug}.{file_format}"
    internal = can_see_internal(request.user, convention)
    if file_format == "csv":
        content = exports.register_csv(convention, facilities, include_internal=internal)
        return download_response(content, filename, CSV)
    content = exports.register_xlsx(convention, facilities, include_internal=internal)
    return download_response(content, filename, XLSX)
