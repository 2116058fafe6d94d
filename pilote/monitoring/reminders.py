"""Quarterly reminders: e-mail each pilot the actions that have no update for the quarter.

One e-mail per recipient and CTG, at most once per quarter (ReminderLog's unique constraint).
Recipients are the pilot organisations that have an e-mail address and the référent·es whose
membership organisation pilots actions (an action without pilots of its own is piloted by its
fiche's); one address gets one e-mail listing all its actions.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership, Organisation
from pilote.conventions.enums import ConventionStatus
from pilote.conventions.models import Convention
from pilote.plans.models import PlanNode

from .enums import CLOSED_STATUSES
from .models import ActionUpdate, ReminderLog
from .periods import Quarter
from .queries import latest_updates

logger = logging.getLogger(__name__)

# CTGs whose actions are followed: signed or running (not in preparation, not over).
FOLLOWED_STATUSES = (ConventionStatus.SIGNED, ConventionStatus.ACTIVE)


@dataclass
class Reminder:
    """One e-mail to send: a recipient of a CTG and the actions he or she pilots to update."""

    convention: Convention
    quarter: Quarter
    recipient: str
    names: list[str] = field(default_factory=list)  # the organisations or people addressed
    actions: list[PlanNode] = field(default_factory=list)

    @property
    def subject(self) -> str:
        count = len(self.actions)
        plural = "s" if count > 1 else ""
        return (
            f"[Pilote CTG] {self.convention.name} : {count} action{plural} à mettre à jour "
            f"pour le {self.quarter}"
        )

    def body(self, base_url: str) -> str:
        """Return the plain-text e-mail."""
        quarter = self.quarter
        lines = [
            "Bonjour,",
            "",
            f"Dans le cadre du suivi de la {self.convention.name}, les actions suivantes, "
            f"pilotées par {', '.join(self.names)}, n’ont pas encore de point de suivi pour le "
            f"{quarter} (du {quarter.start:%d/%m/%Y} au {quarter.end:%d/%m/%Y}) :",
            "",
        ]
        for node in self.actions:
            label = f"{node.number} {node.title}".strip()
            lines.append(f"- {label}")
        lines += [
            "",
            "Pour indiquer où en est chaque action (statut, avancement, ce qui a été fait, "
            "difficultés, prochaines étapes), rendez-vous sur le tableau de suivi partagé :",
            followup_url(self.convention, base_url),
            "",
            "Merci pour votre contribution au suivi de la convention territoriale globale.",
            "",
            "-- ",
            "Pilote CTG – message automatique, envoyé au plus une fois par trimestre.",
        ]
        return "\n".join(lines)


def followup_url(convention: Convention, base_url: str) -> str:
    path = reverse("monitoring:followup", kwargs={"slug": convention.slug})
    return base_url.rstrip("/") + path


def followed_conventions(quarter: Quarter):
    """Return the CTGs whose actions are followed during this quarter."""
    return Convention.objects.filter(
        status__in=FOLLOWED_STATUSES, start_date__lte=quarter.end, end_date__gte=quarter.start
    ).order_by("name")


def actions_to_update(convention: Convention, quarter: Quarter) -> list[PlanNode]:
    """Return the tracked actions of the CTG that still need an update for this quarter.

    An action needs one if it has none for the quarter, is not over (réalisée, abandonnée) and
    is not planned to start after the quarter. An internal action is never reminded: it is the
    Caf's and the coordination's alone (pilote.plans.visibility), and the e-mail goes to its
    pilots and référent·es.
    """
    nodes = (
        PlanNode.objects.filter(convention=convention, level__tracked=True).public().order_by("pk")
    )
    updated = set(
        ActionUpdate.objects.filter(
            convention=convention, year=quarter.year, quarter=quarter.quarter
        ).values_list("node_id", flat=True)
    )
    # Any update counts (an internal one too): the action was followed this quarter.
    latest = latest_updates(convention, include_internal=True)
    pending = []
    for node in nodes:
        if node.pk in updated:
            continue
        if node.pk in latest and latest[node.pk].status in CLOSED_STATUSES:
            continue
        if node.start_year and (node.start_year, node.start_quarter or 1) > (
            quarter.year,
            quarter.quarter,
        ):
            continue
        pending.append(node)
    pending.sort(key=lambda node: number_order(node.number))
    return pending


def effective_pilots(convention: Convention) -> dict[int, list[Organisation]]:
    """Return each element's pilots: its own, else those of its nearest piloted ancestor.

    Plans often name the pilots on the fiche action and not on each of its objectives or key
    actions (seed 001), so the actions under a fiche are reminded to the fiche's pilots.
    """
    parents = dict(PlanNode.objects.filter(convention=convention).values_list("pk", "parent_id"))
    own: dict[int, list[Organisation]] = defaultdict(list)
    links = (
        PlanNode.pilots.through.objects.filter(plannode__convention=convention)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    for link in links:
        own[link.plannode_id].append(link.organisation)
    resolved: dict[int, list[Organisation]] = {}

    def pilots_of(pk: int | None) -> list[Organisation]:
        chain = []
        while pk is not None and pk not in resolved and not own.get(pk):
            chain.append(pk)
            pk = parents.get(pk)
        found = [] if pk is None else resolved.get(pk, own.get(pk, []))
        for item in chain:
            resolved[item] = found
        return found

    return {pk: pilots_of(pk) for pk in parents}


def number_order(number: str) -> tuple:
    """Return what sorts plan numbers as people read them: 1.2 before 1.10, letters after."""
    return tuple((0, int(part)) if part.isdecimal() else (1, part) for part in number.split("."))


def reminders_for(convention: Convention, quarter: Quarter) -> list[Reminder]:
    """Return the e-mails to send for the CTG this quarter, already-sent ones left out."""
    actions = actions_to_update(convention, quarter)
    pilots = effective_pilots(convention) if actions else {}
    by_organisation: dict[int, list[PlanNode]] = defaultdict(list)
    organisations = {}
    for node in actions:
        for organisation in pilots.get(node.pk, []):
            by_organisation[organisation.pk].append(node)
            organisations[organisation.pk] = organisation
    reminders: dict[str, Reminder] = {}

    def add(address: str, name: str, nodes: list[PlanNode]) -> None:
        key = address.strip().lower()
        reminder = reminders.setdefault(key, Reminder(convention, quarter, address.strip()))
        if name not in reminder.names:
            reminder.names.append(name)
        known = {node.pk for node in reminder.actions}
        reminder.actions += [node for node in nodes if node.pk not in known]

    for pk, organisation in organisations.items():
        if organisation.email:
            add(organisation.email, organisation.name, by_organisation[pk])
    referents = Membership.objects.filter(
        convention=convention, role=Role.REFERENT, organisation_id__in=organisations.keys()
    ).select_related("user", "organisation")
    for membership in referents:
        if membership.user.email and membership.user.is_active:
            add(
                membership.user.email,
                membership.organisation.name,
                by_organisation[membership.organisation_id],
            )
    sent = {
        recipient.lower()
        for recipient in ReminderLog.objects.filter(
            convention=convention, year=quarter.year, quarter=quarter.quarter
        ).values_list("recipient", flat=True)
    }
    result = [r for key, r in sorted(reminders.items()) if key not in sent]
    for reminder in result:
        reminder.actions.sort(key=lambda node: number_order(node.number))
    return result


def pending_reminders(quarter: Quarter) -> list[Reminder]:
    """Return every e-mail to send this quarter, CTG by CTG."""
    return [
        reminder
        for convention in followed_conventions(quarter)
        for reminder in reminders_for(convention, quarter)
    ]


def send_reminder(reminder: Reminder, *, base_url: str) -> bool:
    """Send one reminder and log it; return False if it had already been sent."""
    try:
        with transaction.atomic():
            # Logged first: a concurrent run hits the unique constraint instead of sending twice;
            # a failed send rolls the log back so that the next run tries again.
            ReminderLog.objects.create(
                convention=reminder.convention,
                recipient=reminder.recipient.lower(),
                year=reminder.quarter.year,
                quarter=reminder.quarter.quarter,
                action_count=len(reminder.actions),
            )
            send_mail(
                reminder.subject,
                reminder.body(base_url),
                settings.DEFAULT_FROM_EMAIL,
                [reminder.recipient],
            )
    except IntegrityError:
        logger.info("reminder to %s already sent", reminder.recipient)
        return False
    return True
