"""The audit log: who did what and when, for the Caf and the coordination (the « Journal » pages).

Every app records through `record`, the only writer of AuditEvent. Recording never gets in the
way of what is recorded: `record` costs one INSERT (no read: names and départements come from
the objects given), and a failure is logged, never raised into the caller's flow.

Recorded here, from signals: logins, failed logins, lockouts (django-axes), logouts, and every
download (pilote.core.security.download_served). Elsewhere, by the code that does the action:
publications (conventions), deletions, invitations, internal markers… A service that is not
handed the request still gets the client's address when it runs in a web request.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pilote.core.security import client_ip

from .enums import AuditAction
from .models import AuditEvent

logger = logging.getLogger(__name__)

TARGET_MAX = AuditEvent._meta.get_field("target").max_length


def record(
    action: AuditAction,
    *,
    user=None,
    request: HttpRequest | None = None,
    convention=None,
    departement=None,
    target: str = "",
    **details: Any,
) -> AuditEvent | None:
    """Record that `user` (or the request's user) did `action`; return the event, None on failure.

    The CTG's département is taken from `convention` when not given. `details` must be JSON.
    """
    try:
        if request is None:
            request = _served_request()
        if user is None and request is not None:
            request_user = getattr(request, "user", None)
            if request_user is not None and request_user.is_authenticated:
                user = request_user
        event = AuditEvent(
            action=action,
            user=user if user is not None and user.pk else None,
            user_name=_name(user, details),
            convention=convention,
            departement_id=departement.pk
            if departement is not None
            else getattr(convention, "departement_id", None),
            target=str(target)[:TARGET_MAX],
            ip_address=client_ip(request) if request is not None else None,
            details=details,
        )
        if connection.in_atomic_block:
            # A savepoint: a failed insert must not break the caller's transaction.
            with transaction.atomic():
                event.save(force_insert=True)
        else:
            event.save(force_insert=True)
    except Exception:
        logger.exception("Événement du journal non enregistré : %s", action)
        return None
    return event


def _served_request() -> HttpRequest | None:
    """Return the web request being served, else None (a command, a task, a test's service call).

    django-simple-history's middleware keeps it for the history's author: the services that
    record (deletions, internal markers…) get the address without being handed the request.
    pilote.core.history.acting_as puts a stand-in there, which is no HttpRequest.
    """
    current = getattr(HistoricalRecords.context, "request", None)
    return current if isinstance(current, HttpRequest) else None


def _name(user, details: dict[str, Any]) -> str:
    if user is None:
        return str(details.get("identifiant", ""))[:255]
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    username = getattr(user, "username", "")
    label = f"{full} ({username})" if full and username else full or username or str(user)
    return label[:255]


def purge(*, days: int | None = None) -> int:
    """Delete the events older than `days` (settings.AUDIT_RETENTION_DAYS); return how many."""
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
