"""Record the audit events that signals announce: logins, failures, lockouts, logouts, downloads.

Connected by AccountsConfig.ready().
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from pilote.core.security import download_served

from .audit import record
from .enums import AuditAction
from .models import User

# Files that are stored and handed back as they are (a follow-up's attachment): a download.
# Every other file is made from the CTG's data at the request: an export.
STORED_FILE_VIEWS = {"monitoring:attachment"}


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    record(AuditAction.LOGIN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is None or getattr(request, "pilote_session_expired", False):
        return  # nobody was logged in, or the expiry is recorded as such
    record(AuditAction.LOGOUT, user=user, request=request)


def _attempted_user(request, username: str | None):
    """Return the account a failed login named, if it exists (read once per request)."""
    if request is None or not username:
        return None
    if not hasattr(request, "pilote_attempted_user"):
        request.pilote_attempted_user = User.objects.filter(username=username).first()
    return request.pilote_attempted_user


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or "")[:150]
    # Refused by django-axes before the password was even checked: the lockout is in force.
    refused = bool(getattr(request, "axes_locked_out", False)) and (
        getattr(request, "axes_failures_since_start", None) is None
    )
    details = {"identifiant": username}
    if refused:
        details["refus"] = "compte ou adresse verrouillé"
    record(
        AuditAction.LOGIN_FAILED,
        user=_attempted_user(request, username),
        request=request,
        target=username,
        **details,
    )
    if request is not None:
        request.pilote_failure_recorded = True
        pending = getattr(request, "pilote_lockout_pending", None)
        if pending is not None:
            _record_lockout(request, pending)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    if getattr(request, "axes_failures_since_start", None) is None:
        return  # an attempt during the lockout, not the failure that started it
    if getattr(request, "pilote_failure_recorded", False):
        _record_lockout(request, username)
    else:
        # django-axes answers user_login_failed before this app: the failure that started the
        # lockout is recorded first, then the lockout (by _login_failed).
        request.pilote_lockout_pending = username


def _record_lockout(request, username: str | None) -> None:
    record(
        AuditAction.LOCKED_OUT,
        user=_attempted_user(request, username),
        request=request,
        target=username or "",
        identifiant=username or "",
        echecs=request.axes_failures_since_start,
    )


@receiver(download_served, dispatch_uid="audit_download")
def _download_served(sender, request, response, filename, **kwargs) -> None:
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match else ""
    record(
        AuditAction.DOWNLOAD if view in STORED_FILE_VIEWS else AuditAction.EXPORT,
        request=request,
        convention=getattr(request, "pilote_convention", None),
        target=filename,
        adresse=request.path,
    )
