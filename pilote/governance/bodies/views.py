"""Pages of a CTG's governance: bodies and members, meetings with their attendance, minutes and
decisions (the relevé de décisions, printable)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.access import get_convention_for_user
from pilote.conventions.forms import error_summary
from pilote.conventions.views_trash import announce_trashed
from pilote.core.concurrency import StaleEdit, lock_row, relock, render_edit, save_if_current
from pilote.core.deletion import what_goes
from pilote.core.fragments import render_fragment_page
from pilote.plans.models import PlanNode
from pilote.plans.visibility import can_see_internal

from ..enums import AttendanceStatus
from ..exceptions import GovernanceError
from ..models import Attendance, Body, BodyMember, Decision, Meeting
from .forms import (
    AttendanceForm,
    BodyForm,
    DecisionForm,
    MeetingForm,
    MemberFormSet,
    MinutesForm,
    plan_choices,
)
from .services import (
    create_body,
    create_meeting,
    delete_body,
    delete_meeting,
    record_attendance,
    record_minutes,
    replace_members,
    update_body,
    update_meeting,
)

ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.REPRESENTED)


def _governance_url(convention) -> str:
    return reverse("governance:bodies", kwargs={"slug": convention.slug})


def _add_error(form, error: GovernanceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --------------------------------------------------------------------------- the governance page


@require_GET
def bodies(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the bodies with their members, and the meetings to come and past.

    Cached per version of the CTG and day (to come / past), for editors and for the others
    (members' e-mails are shown to editors only).
    """
    convention = get_convention_for_user(request, slug)
    can_edit = can_edit_convention(request.user, convention)
    return render_fragment_page(
        request,
        "governance/bodies.html",
        name="governance",
        convention=convention,
        variant=(can_edit,),
        outer={"convention": convention},
        inner=lambda: _bodies_context(convention, can_edit),
    )


def _bodies_context(convention, can_edit: bool) -> dict:
    body_list = list(
        Body.objects.filter(convention=convention).prefetch_related(
            Prefetch("members", queryset=BodyMember.objects.order_by("position", "pk"))
        )
    )
    meetings = list(
        Meeting.objects.filter(convention=convention)
        .select_related("body")
        .annotate(
            decision_count=Count("decisions", distinct=True),
            attended_count=Count(
                "attendances", filter=Q(attendances__status__in=ATTENDED), distinct=True
            ),
        )
        .order_by("date", "pk")
    )
    for meeting in meetings:
        meeting.convention = convention  # for get_absolute_url, without a query each
    for body in body_list:
        members = body.members.all()
        body.voting_count = sum(member.voting for member in members)
        body.emails = [member.email for member in members if member.email] if can_edit else []
    today = timezone.localdate()
    return {
        "bodies": body_list,
        "upcoming": [meeting for meeting in meetings if meeting.date >= today],
        "past": [meeting for meeting in reversed(meetings) if meeting.date < today],
        "can_edit": can_edit,
        # Members' e-mails are personal data: shown to those who run the CTG only.
        "show_emails": can_edit,
    }


# --------------------------------------------------------------------------- bodies and members


def _get_body(convention, pk: int) -> Body:
    return get_object_or_404(Body, convention=convention, pk=pk)


@require_http_methods(["GET", "POST"])
def body_add(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    form = BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body = create_body(convention, form.to_data(), by=request.user)
        except GovernanceError as error:
            _add_error(form, error)
        else:
            messages.success(
                request, f"L'instance « {body.name} » a été créée : indiquez ses membres."
            )
            return redirect("governance:body_members", slug=convention.slug, pk=body.pk)
    return _body_form_page(request, convention, form)


@require_http_methods(["GET", "POST"])
def body_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    body = _get_body(convention, pk)
    form = BodyForm(request.POST or None, initial=BodyForm.initial_from(body))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_if_current(
                request.POST,
                form,
                lock=lambda: relock(Body, pk, lambda: _get_body(convention, pk)),
                fresh=lambda locked: BodyForm(initial=BodyForm.initial_from(locked)),
                save=lambda: update_body(body, form.to_data(), by=request.user),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except GovernanceError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"L'instance « {body.name} » a été enregistrée.")
            return redirect(f"{_governance_url(convention)}#instance-{body.pk}")
    return _body_form_page(request, convention, form, body, conflict)


def _body_form_page(request, convention, form: BodyForm, body: Body | None = None, conflict=None):
    return render_edit(
        request,
        "governance/body_form.html",
        {
            "convention": convention,
            "form": form,
            "body": body,
            "errors": error_summary(form),
            "cancel_url": _governance_url(convention),
        },
        form,
        conflict,
    )


@require_http_methods(["GET", "POST"])
def body_members(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit the ordered list of a body's members."""
    convention = get_convention_for_user(request, slug, edit=True)
    body = _get_body(convention, pk)

    def build(data=None):
        queryset = body.members.order_by("position", "pk")
        return MemberFormSet(data, queryset=queryset, prefix="membres")

    formset = build(request.POST or None)
    service_error = ""
    conflict = None
    removals: list[tuple[BodyMember, list[tuple[str, int]]]] = []
    if request.method == "POST" and formset.is_valid():
        rows = [form.to_data() for form in formset.rows()]
        if "confirm_removal" not in request.POST:
            removals = _removals_to_confirm(body, kept={data.pk for data in rows if data.pk})
    if request.method == "POST" and formset.is_valid() and not removals:
        try:
            removed = save_if_current(
                request.POST,
                formset,
                lock=lambda: lock_row(Body, pk),
                fresh=lambda locked: build(),
                changed=lambda locked: [BodyMember.history.filter(body_id=pk)],
                save=lambda: replace_members(body, rows, by=request.user),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except GovernanceError as error:
            service_error = error.message
        else:
            _announce_members_saved(request, body, removed)
            return redirect(f"{_governance_url(convention)}#instance-{body.pk}")
    return render_edit(
        request,
        "governance/body_members.html",
        {
            "convention": convention,
            "body": body,
            "formset": formset,
            "errors": error_summary(formset, extra=service_error),
            "cancel_url": f"{_governance_url(convention)}#instance-{body.pk}",
            "removals": removals,
        },
        formset,
        conflict,
    )


def _announce_members_saved(request: HttpRequest, body: Body, removed: list) -> None:
    text = f"Les membres de « {body.name} » ont été enregistrés."
    if len(removed) == 1:
        announce_trashed(request, removed[0], f"{text} « {removed[0].label} » a été placé·e")
    elif removed:
        messages.success(
            request,
            f"{text} Les {len(removed)} membres retirés ont été placés dans la corbeille de "
            "la CTG, d’où chacun peut être restauré.",
        )
    else:
        messages.success(request, text)


def _removals_to_confirm(body: Body, *, kept: set[int]) -> list:
    """Return (member, what goes) for each removed member who takes rows along (attendance)."""
    removed = body.members.exclude(pk__in=kept).order_by("position", "pk")
    return [(member, goes) for member in removed if (goes := what_goes(member))]


@require_http_methods(["GET", "POST"])
def body_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    body = get_object_or_404(
        Body.objects.annotate(
            meeting_count=Count("meetings", distinct=True),
            member_count=Count("members", distinct=True),
        ),
        convention=convention,
        pk=pk,
    )
    error = ""
    if request.method == "POST":
        name = body.name
        try:
            item = delete_body(body, by=request.user)
        except GovernanceError as refused:
            error = refused.message
        else:
            announce_trashed(request, item, f"L’instance « {name} » a été placée")
            return redirect(_governance_url(convention))
    return render(
        request,
        "governance/body_delete.html",
        {"convention": convention, "body": body, "error": error},
    )


# --------------------------------------------------------------------------- meetings


def _get_meeting(convention, pk: int) -> Meeting:
    """Return the meeting of this CTG with this pk, or 404 (also when it is another CTG's)."""
    return get_object_or_404(
        Meeting.objects.select_related("body", "convention"), convention=convention, pk=pk
    )


@require_http_methods(["GET", "POST"])
def meeting_add(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    initial = {}
    if request.GET.get("instance", "").isdecimal():
        initial["body"] = int(request.GET["instance"])
    form = MeetingForm(request.POST or None, convention=convention, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = create_meeting(convention, form.to_data(), by=request.user)
        except GovernanceError as error:
            _add_error(form, error)
        else:
            messages.success(request, f"La réunion du {meeting.date:%d/%m/%Y} a été planifiée.")
            return redirect(meeting.get_absolute_url())
    return _meeting_form_page(request, convention, form)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    meeting = _get_meeting(convention, pk)

    def build(data, read):
        return MeetingForm(data, convention=convention, initial=MeetingForm.initial_from(read))

    form = build(request.POST or None, meeting)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            dropped = save_if_current(
                request.POST,
                form,
                lock=lambda: relock(Meeting, pk, lambda: _get_meeting(convention, pk)),
                fresh=lambda locked: build(None, locked),
                save=lambda: update_meeting(meeting, form.to_data(), by=request.user),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except GovernanceError as error:
            _add_error(form, error)
        else:
            message = "La réunion a été enregistrée."
            if dropped:
                message += (
                    f" Elle a changé d'instance : les {dropped} présences saisies pour les "
                    "membres de l'ancienne instance ont été effacées."
                )
            messages.success(request, message)
            return redirect(meeting.get_absolute_url())
    return _meeting_form_page(request, convention, form, meeting, conflict)


def _meeting_form_page(
    request, convention, form: MeetingForm, meeting: Meeting | None = None, conflict=None
):
    return render_edit(
        request,
        "governance/meeting_form.html",
        {
            "convention": convention,
            "form": form,
            "meeting": meeting,
            "errors": error_summary(form),
            "cancel_url": meeting.get_absolute_url() if meeting else _governance_url(convention),
        },
        form,
        conflict,
    )


@dataclass
class AttendanceRow:
    member: BodyMember
    status: str
    label: str


def _attendance(meeting: Meeting) -> tuple[list[AttendanceRow], dict]:
    """Return each member with his or her attendance, and the counts by status."""
    members = list(meeting.body.members.order_by("position", "pk"))
    statuses = {a.member_id: a.status for a in meeting.attendances.all()}
    labels = dict(AttendanceStatus.choices)
    rows = [
        AttendanceRow(
            member=member,
            status=statuses.get(member.pk, ""),
            label=labels.get(statuses.get(member.pk, ""), "Non renseigné"),
        )
        for member in members
    ]
    voting = [row for row in rows if row.member.voting]
    counts = {
        "present": sum(row.status == AttendanceStatus.PRESENT for row in rows),
        "represented": sum(row.status == AttendanceStatus.REPRESENTED for row in rows),
        "excused": sum(row.status == AttendanceStatus.EXCUSED for row in rows),
        "absent": sum(row.status == AttendanceStatus.ABSENT for row in rows),
        "unknown": sum(not row.status for row in rows),
        "voting": len(voting),
        "voting_attended": sum(row.status in ATTENDED for row in voting),
        "recorded": bool(statuses),
    }
    return rows, counts


@require_GET
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show a meeting: agenda, attendance, minutes and the relevé de décisions."""
    convention = get_convention_for_user(request, slug)
    meeting = _get_meeting(convention, pk)
    can_edit = can_edit_convention(request.user, convention)
    rows, counts = _attendance(meeting)
    decisions = list(meeting.decisions.select_related("node__level").order_by("position", "pk"))
    if not can_see_internal(request.user, convention):
        for decision in decisions:
            if decision.node is not None and decision.node.is_internal:
                decision.node = None  # not named to those who may not see it (plans.visibility)
    decision_form = None
    if can_edit:
        decision_form = DecisionForm(plan=plan_choices(convention), prefix="decision")
    return render(
        request,
        "governance/meeting.html",
        {
            "convention": convention,
            "meeting": meeting,
            "attendance": rows,
            "counts": counts,
            "decisions": decisions,
            "decision_form": decision_form,
            "can_edit": can_edit,
            "is_past": meeting.date <= timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_attendance(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Record the attendance of every member in one form, and the other attendees."""
    convention = get_convention_for_user(request, slug, edit=True)
    meeting = _get_meeting(convention, pk)

    def build(data, read):
        return AttendanceForm(
            data,
            members=list(read.body.members.order_by("position", "pk")),
            statuses={a.member_id: a.status for a in read.attendances.all()},
            initial={"other_attendees": read.other_attendees},
        )

    form = build(request.POST or None, meeting)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_if_current(
                request.POST,
                form,
                lock=lambda: relock(Meeting, pk, lambda: _get_meeting(convention, pk)),
                fresh=lambda locked: build(None, locked),
                changed=lambda locked: [locked, Attendance.history.filter(meeting_id=pk)],
                save=lambda: record_attendance(
                    meeting,
                    form.statuses(),
                    other_attendees=form.cleaned_data["other_attendees"],
                    by=request.user,
                ),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        except GovernanceError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Les présences ont été enregistrées.")
            return redirect(meeting.get_absolute_url() + "#presences")
    return render_edit(
        request,
        "governance/meeting_attendance.html",
        {
            "convention": convention,
            "meeting": meeting,
            "form": form,
            "statuses": AttendanceStatus.choices,
            "errors": error_summary(form),
            "cancel_url": meeting.get_absolute_url() + "#presences",
        },
        form,
        conflict,
    )


@require_http_methods(["GET", "POST"])
def meeting_minutes(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    meeting = _get_meeting(convention, pk)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_if_current(
                request.POST,
                form,
                lock=lambda: relock(Meeting, pk, lambda: _get_meeting(convention, pk)),
                fresh=lambda locked: MinutesForm(initial={"minutes": locked.minutes}),
                save=lambda: record_minutes(meeting, form.cleaned_data["minutes"], by=request.user),
            )
        except StaleEdit as stale:
            conflict = stale.conflict
        else:
            messages.success(request, "Le compte rendu a été enregistré.")
            return redirect(meeting.get_absolute_url() + "#compte-rendu")
    return render_edit(
        request,
        "governance/meeting_minutes.html",
        {
            "convention": convention,
            "meeting": meeting,
            "form": form,
            "errors": error_summary(form),
            "cancel_url": meeting.get_absolute_url() + "#compte-rendu",
        },
        form,
        conflict,
    )


@require_http_methods(["GET", "POST"])
def meeting_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    meeting = _get_meeting(convention, pk)
    if request.method == "POST":
        label = str(meeting)
        count = meeting.decisions.count()
        item = delete_meeting(meeting, by=request.user)
        message = f"La réunion « {label} »"
        if count:
            message += f", avec ses {count} décision{'s' if count > 1 else ''},"
        announce_trashed(request, item, message + " a été placée")
        return redirect(_governance_url(convention))
    return render(
        request,
        "governance/meeting_delete.html",
        {
            "convention": convention,
            "meeting": meeting,
            "decision_count": meeting.decisions.count(),
            "attendance_count": meeting.attendances.count(),
            "what_goes": what_goes(meeting),
        },
    )


# --------------------------------------------------------------------------- the action's page


def node_decisions_context(convention, node: PlanNode) -> dict:
    """Return what an action's page (plans:node) needs to list its decisions (one query).

    Render it with governance/includes/decisions_node.html.
    """
    decisions = list(
        Decision.objects.filter(node=node, meeting__convention=convention)
        .select_related("meeting__body")
        .order_by("-meeting__date", "-position", "-pk")
    )
    for decision in decisions:
        decision.meeting.convention = convention  # for the meeting's URL, without a query each
    return {"decisions": decisions, "governance_url": _governance_url(convention)}
