"""Pages of a meeting's decisions: add, edit (refused from a stale page), delete."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from pilote.conventions.access import get_convention_for_user
from pilote.conventions.forms import error_summary
from pilote.conventions.views_trash import announce_trashed
from pilote.core.concurrency import StaleEdit, relock, render_edit, save_if_current

from ..exceptions import GovernanceError
from ..models import Decision
from .forms import DecisionForm, plan_choices
from .services import SavedDecision, add_decision, delete_decision, update_decision
from .views import _add_error, _get_meeting


def _saved_message(saved: SavedDecision, verb: str) -> str:
    message = f"La décision a été {verb}."
    if saved.update is not None:
        node = saved.decision.node
        message += (
            f" Un point de suivi « {saved.update.get_status_display()} » "
            f"({saved.update.period_label}) a été ajouté à « {node.number or node.title} »."
        )
    return message


@require_http_methods(["GET", "POST"])
def decision_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    meeting = _get_meeting(convention, pk)
    form = DecisionForm(request.POST or None, plan=plan_choices(convention), prefix="decision")
    if request.method == "POST" and form.is_valid():
        try:
            saved = add_decision(meeting, form.to_data(), by=request.user)
        except GovernanceError as error:
            _add_error(form, error)
        else:
            messages.success(request, _saved_message(saved, "enregistrée"))
            return redirect(meeting.get_absolute_url() + "#decisions")
    return _decision_form_page(request, convention, meeting, form)


def _get_decision(convention, pk: int) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("meeting__body", "meeting__convention", "node__level"),
        meeting__convention=convention,
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def decision_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    decision = _get_decision(convention, pk)

    def build(data, read):
        initial = DecisionForm.initial_from(read)
        plan = plan_choices(convention)
        return DecisionForm(data, plan=plan, prefix="decision", initial=initial)

    form = build(request.POST or None, decision)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_if_current(
                request.POST,
                form,
                lock=lambda: relock(Decision, pk, lambda: _get_decision(convention, pk)),
                fresh=lambda locked: build(None, locked),
                save=lambda: update_decision(decision, form.to_data(), by=request.user),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except GovernanceError as error:
            _add_error(form, error)
        else:
            messages.success(request, _saved_message(saved, "modifiée"))
            return redirect(decision.meeting.get_absolute_url() + f"#decision-{decision.pk}")
    return _decision_form_page(request, convention, decision.meeting, form, decision, conflict)


def _decision_form_page(request, convention, meeting, form, decision=None, conflict=None):
    return render_edit(
        request,
        "governance/decision_form.html",
        {
            "convention": convention,
            "meeting": meeting,
            "decision": decision,
            "form": form,
            "errors": error_summary(form),
            "cancel_url": meeting.get_absolute_url() + "#decisions",
        },
        form,
        conflict,
    )


@require_http_methods(["GET", "POST"])
def decision_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    decision = _get_decision(convention, pk)
    meeting = decision.meeting
    if request.method == "POST":
        item = delete_decision(decision, by=request.user)
        announce_trashed(request, item, "La décision a été placée")
        return redirect(meeting.get_absolute_url() + "#decisions")
    return render(
        request,
        "governance/decision_delete.html",
        {"convention": convention, "meeting": meeting, "decision": decision},
    )
