"""Pages that read the follow-up: timeline, indicators, and the département view.

The dashboard, which also shows the next COPIL, is pilote.pages.views_dashboard.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from pilote.accounts.enums import Role
from pilote.accounts.perms import can_edit_convention
from pilote.conventions.access import get_convention_for_user
from pilote.core.concurrency import StaleEdit, page_context, relock, save_if_current
from pilote.core.formats import DASH, french_number
from pilote.core.fragments import render_fragment_page
from pilote.plans.forms import IndicatorForm
from pilote.plans.models import Indicator, IndicatorTarget
from pilote.plans.services import IndicatorData
from pilote.plans.tree import lineages
from pilote.plans.visibility import can_see_internal, indicator_condition
from pilote.territories.models import Departement

from . import dashboard as figures
from .charts import indicator_chart
from .departement import departement_rows, national_rows
from .forms_indicators import MeasurementForm
from .indicators import (
    IndicatorError,
    record_measurement,
    save_ctg_indicator,
)
from .periods import Quarter
from .perms import can_measure
from .timeline import bars_html, build_timeline

_PK = 987654321  # a placeholder primary key, replaced in a reversed URL


def followup_url(convention) -> str:
    """Return the URL of the CTG's follow-up table, to which the figures add their filters."""
    try:
        return reverse("monitoring:followup", kwargs={"slug": convention.slug})
    except NoReverseMatch:  # the table ships separately; its address is fixed by the issue
        return f"/ctg/{convention.slug}/suivi/"


def render_followup_page(
    request, template: str, convention, section: str, context: dict
) -> HttpResponse:
    """Render a page of a CTG's follow-up with what the shared layout needs."""
    return render(
        request,
        template,
        {**followup_layout(convention, section), **context},
        status=409 if context.get("edit_conflict") else 200,
    )


def followup_layout(convention, section: str) -> dict:
    """Return the context of the follow-up pages' shared layout."""
    return {
        "convention": convention,
        "section": section,
        "followup_url": followup_url(convention),
    }


def timeline(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    internal = can_see_internal(request.user, convention)
    return render_fragment_page(
        request,
        "monitoring/timeline/timeline.html",
        name="timeline",
        convention=convention,
        variant=(internal,),
        outer=followup_layout(convention, "timeline"),
        inner=lambda: _timeline_context(convention, internal=internal),
    )


def _timeline_context(convention, *, internal: bool) -> dict:
    plan = build_timeline(convention, include_internal=internal)
    # One reverse() for the page, not one per action.
    node_url = url_pattern("plans:node", convention)
    for group in plan.groups:
        for row in [bar.row for bar in group.bars] + group.unplanned:
            row.url = node_url(row.pk)
        group.bars_html = bars_html(group.bars, plan.now_column)
    return {"timeline": plan, "now": Quarter.current(), "statuses": _status_legend()}


def indicators(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    series = figures.convention_series(
        convention, include_internal=can_see_internal(request.user, convention)
    )
    paths = lineages(convention)
    for item in series:
        node = item.indicator.node
        item.node_path = [*paths.get(node.pk, []), node] if node else []
    return render_followup_page(
        request,
        "monitoring/indicators/list.html",
        convention,
        "indicators",
        {
            "ctg_series": [s for s in series if s.indicator.node_id is None],
            "action_series": [s for s in series if s.indicator.node_id is not None],
            "can_edit": can_edit_convention(request.user, convention),
        },
    )


def indicator_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    indicator = _get_indicator(convention, pk, user=request.user)
    can_edit = can_edit_convention(request.user, convention)
    measures = can_edit or can_measure(request.user, indicator, convention)
    form = MeasurementForm(convention=convention) if measures else None
    return _render_detail(request, convention, indicator, form, can_edit=can_edit)


def measurement_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    indicator = _get_indicator(convention, pk, user=request.user)
    if not can_measure(request.user, indicator, convention):
        raise PermissionDenied(
            "Vous ne pouvez enregistrer des mesures que pour les actions que votre organisation "
            "pilote."
        )
    if request.method != "POST":
        return redirect(_detail_url(convention, indicator) + "#nouvelle-mesure")
    form = MeasurementForm(request.POST, convention=convention)
    if form.is_valid():
        data = form.cleaned_data
        try:
            measurement = record_measurement(
                indicator,
                by=request.user,
                year=data["year"],
                quarter=data["quarter"],
                value=data["value"],
                comment=data["comment"],
                source=data["source"],
            )
        except IndicatorError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                f"Mesure enregistrée : {french_number(measurement.value, empty=DASH)} "
                f"pour {measurement.period_label}.",
            )
            return redirect(_detail_url(convention, indicator))
    can_edit = can_edit_convention(request.user, convention)
    return _render_detail(request, convention, indicator, form, can_edit=can_edit)


def indicator_add(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    return _indicator_form(request, convention, None)


def indicator_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    indicator = _get_indicator(convention, pk)
    if indicator.node_id is not None:
        # An action's indicators are edited with its fiche.
        return redirect(reverse("plans:edit", kwargs={"slug": slug, "pk": indicator.node_id}))
    return _indicator_form(request, convention, indicator)


def departement(request: HttpRequest, code: str) -> HttpResponse:
    dep = get_object_or_404(Departement, code=code)
    if not (request.user.is_superuser or is_caf_adviser(request.user, dep.code)):
        raise Http404("Département introuvable.")
    return render(
        request,
        "monitoring/dashboard/departement.html",
        {"departement": dep, "rows": departement_rows(dep), "now": Quarter.current()},
    )


def national(request: HttpRequest) -> HttpResponse:
    """Show the figures of every département's CTGs and of France (national accounts)."""
    if not request.user.is_superuser:
        raise Http404("Page introuvable.")
    now = Quarter.current()
    rows, total = national_rows(now=now)
    return render(
        request,
        "monitoring/dashboard/national.html",
        {"rows": rows, "total": total, "now": now},
    )


# --- helpers -----------------------------------------------------------------------------------


def url_pattern(name: str, convention):
    """Return a function giving the URL `name` of an object of the CTG from its pk."""
    pattern = reverse(name, kwargs={"slug": convention.slug, "pk": _PK})
    placeholder = str(_PK)
    return lambda pk: pattern.replace(placeholder, str(pk))


def is_caf_adviser(user, departement_code: str) -> bool:
    """Return whether the user advises, at the Caf, the CTGs of this département."""
    return any(
        m.role == Role.CAF_ADVISER and m.departement_id == departement_code
        for m in user.memberships.all()
    )


def followup_params() -> dict[str, str]:
    """Return the names of the follow-up table's filters, for the links of the figures."""
    return {
        "status": figures.FOLLOWUP_STATUS,
        "late": figures.FOLLOWUP_LATE,
        "not_updated": figures.FOLLOWUP_NOT_UPDATED,
        "thematic": figures.FOLLOWUP_THEMATIC,
    }


def _status_legend() -> list[tuple[str, str]]:
    from .enums import UpdateStatus

    return [*UpdateStatus.choices, (figures.NEVER_UPDATED, "Sans point de suivi")]


def _get_indicator(convention, pk: int, *, user=None) -> Indicator:
    """Return the CTG's indicator, or 404 (also one of an internal element the user may not
    see; without a user, an editor's page asks)."""
    internal = user is None or can_see_internal(user, convention)
    return get_object_or_404(
        Indicator.objects.filter(indicator_condition(internal))
        .select_related("node")
        .prefetch_related("targets", "measurements__author"),
        convention=convention,
        pk=pk,
    )


def _detail_url(convention, indicator) -> str:
    return reverse("monitoring:indicator", kwargs={"slug": convention.slug, "pk": indicator.pk})


def _render_detail(request, convention, indicator, form, *, can_edit: bool) -> HttpResponse:
    series = figures.build_series(indicator, convention.years)
    lineage = []
    if indicator.node_id:
        lineage = [*lineages(convention).get(indicator.node_id, []), indicator.node]
    return render_followup_page(
        request,
        "monitoring/indicators/detail.html",
        convention,
        "indicators",
        {
            "indicator": indicator,
            "series": series,
            "chart": indicator_chart(series, chart_id=f"graphique-{indicator.pk}"),
            "measurements": sorted(
                series.measurements, key=figures.measurement_order, reverse=True
            ),
            "lineage": lineage,
            "form": form,
            "can_edit": can_edit,
        },
    )


def _indicator_initial(indicator: Indicator | None) -> dict | None:
    if indicator is None:
        return None
    return {
        "id": indicator.pk,
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline_value": indicator.baseline_value,
        "baseline_year": indicator.baseline_year,
        "source": indicator.source,
        "frequency": indicator.frequency,
        **{f"target_{t.year}": t.value for t in indicator.targets.all()},
    }


def _save_current(request, convention, indicator: Indicator | None, form, save):
    """Save the indicator, unless someone else changed it since the page was read (StaleEdit)."""
    if indicator is None:
        return save()
    pk = indicator.pk
    return save_if_current(
        request.POST,
        form,
        lock=lambda: relock(Indicator, pk, lambda: _get_indicator(convention, pk)),
        fresh=lambda locked: IndicatorForm(
            initial=_indicator_initial(locked), convention=convention
        ),
        changed=lambda locked: [locked, IndicatorTarget.history.filter(indicator_id=pk)],
        save=save,
    )


def _indicator_form(request, convention, indicator: Indicator | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = IndicatorForm(data, initial=_indicator_initial(indicator), convention=convention)
    conflict = None
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        try:
            saved = _save_current(
                request,
                convention,
                indicator,
                form,
                lambda: save_ctg_indicator(
                    convention,
                    by=request.user,
                    indicator=indicator,
                    data=IndicatorData(
                        name=cleaned["name"],
                        unit=cleaned["unit"],
                        baseline_value=cleaned["baseline_value"],
                        baseline_year=cleaned["baseline_year"],
                        source=cleaned["source"],
                        frequency=cleaned["frequency"],
                        targets=form.targets(),
                    ),
                ),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except IndicatorError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            verb = "modifié" if indicator else "ajouté"
            messages.success(request, f"Indicateur « {saved.name} » {verb}.")
            return redirect(_detail_url(convention, saved))
    return render_followup_page(
        request,
        "monitoring/indicators/form.html",
        convention,
        "indicators",
        {
            "indicator": indicator,
            "form": form,
            **(page_context(request, form, conflict=conflict) if indicator else {}),
        },
    )
