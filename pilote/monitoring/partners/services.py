"""Every write of the partner links, each in one transaction; PartnerError says why in French.

Accepting a submission records the update (monitoring.services.record_update) and the
measurements (monitoring.indicators.record_measurement) in one transaction, as the editor who
accepts, and marks both with who sent them; a conditional update of the submission's state
makes sure that two editors accepting at once record it once.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pilote.accounts.audit import record
from pilote.accounts.enums import AuditAction
from pilote.conventions.versioning import bump
from pilote.core.history import acting_as
from pilote.core.transactions import retry_transaction
from pilote.plans.models import Indicator, PlanNode

from ..indicators import IndicatorError, record_measurement
from ..models import ActionUpdate, Measurement
from ..periods import Quarter
from ..services import FollowUpError, record_update
from .emails import send_link_email, send_refusal_email
from .models import PartnerLink, PartnerSubmission, SubmissionState

RATE_WINDOW = datetime.timedelta(hours=1)


class PartnerError(Exception):
    """A partner link write that cannot be made; the message is in French, for users."""


def max_age_days() -> int:
    return int(getattr(settings, "PARTNER_LINK_MAX_AGE_DAYS", 30))


def max_submissions_per_hour() -> int:
    return int(getattr(settings, "PARTNER_LINK_MAX_SUBMISSIONS_PER_HOUR", 20))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """Return a random token and its SHA-256 (the only thing stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def find_link(token: str) -> PartnerLink | None:
    """Return the usable link of this raw token, or None (unknown, expired or revoked alike)."""
    if not token or len(token) > 100:
        return None
    return (
        PartnerLink.objects.usable()
        .select_related("convention", "organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )


def _check_actions(convention, nodes: list[PlanNode]) -> None:
    if not nodes:
        raise PartnerError("Choisissez au moins une action.")
    # A partner link never shows internal items (plans.visibility); read as they stand now.
    internal = PlanNode.objects.filter(pk__in=[n.pk for n in nodes], is_internal=True).first()
    if internal is not None:
        raise PartnerError(
            f"« {internal} » est interne : un lien partenaire ne peut pas la montrer."
        )
    for node in nodes:
        if node.convention_id != convention.pk or not node.level.tracked:
            raise PartnerError(f"« {node} » n'est pas une action suivie de cette CTG.")


def create_link(
    convention,
    *,
    by,
    recipient_name: str,
    email: str,
    actions: list[PlanNode],
    quarter: Quarter,
    days: int,
    base_url: str,
    organisation=None,
) -> PartnerLink:
    """Create a link for these actions and e-mail it; nothing is kept if the e-mail fails."""
    _check_actions(convention, actions)
    if not 1 <= days <= max_age_days():
        raise PartnerError(f"La durée de validité va de 1 à {max_age_days()} jours.")
    if not recipient_name.strip() or not email.strip():
        raise PartnerError("Indiquez le nom et le courriel du destinataire.")
    token, digest = new_token()
    with transaction.atomic():
        link = PartnerLink.objects.create(
            convention=convention,
            recipient_name=recipient_name.strip(),
            email=email.strip(),
            organisation=organisation,
            year=quarter.year,
            quarter=quarter.quarter,
            token_hash=digest,
            created_by=by,
            expires_at=timezone.now() + datetime.timedelta(days=days),
        )
        link.actions.set(actions)
        # Sent last: a failed send rolls the link back, and no one holds a link that is not kept.
        send_link_email(link, token, _ordered(actions), base_url=base_url)
    return link


def resend_link(link: PartnerLink, *, base_url: str) -> PartnerLink:
    """Send a new token for the link, valid as long again; the previous one stops working."""
    if link.revoked_at is not None:
        raise PartnerError("Ce lien a été retiré : créez-en un nouveau.")
    given = round((link.expires_at - link.created_at).total_seconds() / 86400)
    lifetime = max(1, min(max_age_days(), given))
    token, digest = new_token()
    with transaction.atomic():
        link.token_hash = digest
        link.expires_at = timezone.now() + datetime.timedelta(days=lifetime)
        link.save(update_fields=["token_hash", "expires_at"])
        nodes = _ordered(link.actions.public().select_related("level"))
        send_link_email(link, token, nodes, base_url=base_url)
    return link


def revoke_link(link: PartnerLink) -> None:
    """Stop the link from opening its form (what it already sent stays to review)."""
    PartnerLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    bump(link.convention_id)


def _ordered(nodes) -> list[PlanNode]:
    return sorted(nodes, key=lambda n: (n.number, n.pk))


@dataclass
class ActionReport:
    """What a partner reports for one action (measurements: indicator pk → (value, comment))."""

    node: PlanNode
    status: str
    progress: int
    done: str = ""
    difficulties: str = ""
    next_steps: str = ""
    measurements: dict[int, str] = field(default_factory=dict)


def submit(link: PartnerLink, reports: list[ActionReport]) -> list[PartnerSubmission]:
    """Keep what a partner sent, pending; it replaces a pending one for the same quarter."""
    if not reports:
        raise PartnerError("Remplissez le point d’au moins une action avant d’envoyer.")
    allowed = set(link.actions.public().values_list("pk", flat=True))
    if any(report.node.pk not in allowed for report in reports):
        raise PartnerError("Ce lien ne permet de rendre compte que des actions qu’il nomme.")
    now = timezone.now()
    with transaction.atomic():
        locked = PartnerLink.objects.select_for_update().get(pk=link.pk)
        if locked.window_start is None or now - locked.window_start >= RATE_WINDOW:
            locked.window_start, locked.window_count = now, 0
        if locked.window_count >= max_submissions_per_hour():
            raise PartnerError(
                "Trop d’envois par ce lien en une heure : réessayez dans une heure. Ce que vous "
                "avez saisi n’a pas été enregistré."
            )
        locked.window_count += 1
        locked.last_used_at = now
        locked.save(update_fields=["window_start", "window_count", "last_used_at"])
        saved = []
        for report in reports:
            values = {
                "convention_id": link.convention_id,
                "status": report.status,
                "progress": report.progress,
                "done": report.done.strip(),
                "difficulties": report.difficulties.strip(),
                "next_steps": report.next_steps.strip(),
                "measurements": [
                    {"indicator": pk, "value": value} for pk, value in report.measurements.items()
                ],
                "sender_name": link.recipient_name,
                "sender_email": link.email,
                "sender_organisation": link.organisation.name if link.organisation_id else "",
                "submitted_at": now,
            }
            submission, _ = PartnerSubmission.objects.update_or_create(
                link=link,
                node=report.node,
                year=link.year,
                quarter=link.quarter,
                state=SubmissionState.PENDING,
                defaults=values,
            )
            saved.append(submission)
        record(
            AuditAction.PARTNER_SUBMISSION,
            convention=link.convention,
            target=f"{link.recipient_name} <{link.email}>"[:255],
            identifiant=link.recipient_name,
            actions=[report.node.pk for report in reports],
        )
    return saved


def _claim(submission: PartnerSubmission, by, state: str, **extra) -> None:
    """Move a pending submission to `state`, or raise if someone else reviewed it first."""
    claimed = PartnerSubmission.objects.filter(
        pk=submission.pk, state=SubmissionState.PENDING
    ).update(state=state, reviewed_by=by, reviewed_at=timezone.now(), **extra)
    bump(submission.convention_id)
    if not claimed:
        current = (
            PartnerSubmission.objects.select_related("reviewed_by").filter(pk=submission.pk).first()
        )
        who = ""
        if current and current.reviewed_by:
            who = f" par {current.reviewed_by.get_full_name() or current.reviewed_by.username}"
        verb = "refusé" if current and current.state == SubmissionState.REFUSED else "accepté"
        raise PartnerError(
            f"Cet envoi a déjà été {verb}{who} entre-temps : rien n’a été enregistré de nouveau."
        )


def accept(submission: PartnerSubmission, *, by, values: dict | None = None) -> ActionUpdate:
    """Record the submission's update and measurements as accepted by `by`, in one transaction.

    `values` (the same keys as the submission's fields, measurements as {indicator pk: value})
    replaces what the partner sent: « Modifier puis accepter ».
    """
    data = {
        "status": submission.status,
        "progress": submission.progress,
        "done": submission.done,
        "difficulties": submission.difficulties,
        "next_steps": submission.next_steps,
        "measurements": {int(m["indicator"]): m["value"] for m in submission.measurements},
    }
    if values:
        data.update(values)
    node = PlanNode.objects.select_related("level", "convention").get(pk=submission.node_id)
    try:
        update = _record_accepted(submission, by=by, node=node, data=data)
    except (FollowUpError, IndicatorError) as error:
        raise PartnerError(str(error)) from error
    record(
        AuditAction.VALIDATION,
        user=by,
        convention=node.convention,
        target=f"{node} ({submission.sender_name})"[:255],
        accepted=True,
        edited=bool(values),
    )
    return update


@retry_transaction
@transaction.atomic
def _record_accepted(submission: PartnerSubmission, *, by, node, data: dict) -> ActionUpdate:
    """Claim the submission, then record its update and measurements, all or nothing."""
    sender = submission.sender_label
    with acting_as(by):
        _claim(submission, by, SubmissionState.ACCEPTED)
        update = record_update(
            node,
            by=by,
            year=submission.year,
            quarter=submission.quarter,
            status=data["status"],
            progress=data["progress"],
            done=data["done"],
            difficulties=data["difficulties"],
            next_steps=data["next_steps"],
        )
        _mark_sent_by(ActionUpdate, update.pk, sender)
        _record_measurements(node, submission, data["measurements"], by=by, sender=sender)
        PartnerSubmission.objects.filter(pk=submission.pk).update(update=update)
        bump(submission.convention_id)
    return update


def _record_measurements(node, submission, measurements: dict, *, by, sender: str) -> None:
    indicators = {i.pk: i for i in Indicator.objects.filter(node=node).select_related("node")}
    for indicator_pk, value in measurements.items():
        indicator = indicators.get(int(indicator_pk))
        if indicator is None or value in (None, ""):
            continue  # an indicator removed from the action since: its value has no home
        measurement = record_measurement(
            indicator,
            by=by,
            year=submission.year,
            quarter=submission.quarter,
            value=value,
            source="Lien partenaire",
        )
        _mark_sent_by(Measurement, measurement.pk, sender)


def _mark_sent_by(model, pk: int, sender: str) -> None:
    """Say who sent the row, on it and on the history row its creation wrote."""
    model.objects.filter(pk=pk).update(submitted_by_name=sender)
    model.history.filter(id=pk).update(submitted_by_name=sender)


def refuse(submission: PartnerSubmission, *, by, reason: str, notify: bool = False) -> None:
    """Refuse a pending submission with a reason, and tell its sender if asked."""
    reason = reason.strip()
    if not reason:
        raise PartnerError("Indiquez le motif du refus.")
    with transaction.atomic():
        _claim(submission, by, SubmissionState.REFUSED, refusal_reason=reason)
        record(
            AuditAction.VALIDATION,
            user=by,
            convention=submission.link.convention,
            target=f"{submission.node} ({submission.sender_name})"[:255],
            accepted=False,
        )
        if notify:
            submission.refusal_reason = reason
            send_refusal_email(submission)
