"""End a session after SESSION_IDLE_TIMEOUT without activity, or SESSION_COOKIE_AGE after login.

The session keeps when its user logged in and was last seen. The last activity is written at most
every SESSION_ACTIVITY_REFRESH seconds: a page read does not write the session each time. Each
write also pushes Django's own expiry (SESSION_COOKIE_AGE) forward, so the absolute limit is
checked here, from the login time, not left to the cookie.

An ended session is recorded in the audit log; the login page then says why it is shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from .audit import record
from .enums import AuditAction

LOGIN_AT = "pilote_login_at"
SEEN_AT = "pilote_seen_at"
EXPIRED = "pilote_session_expired"  # read (and removed) by the login page


@receiver(user_logged_in, dispatch_uid="session_login_time")
def _remember_login(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[LOGIN_AT] = now
        session[SEEN_AT] = now


def session_end_reason(session, now: float) -> str | None:
    """Return why this session is over ("inactivite", "duree"), or None if it is still valid."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        return None
    if now - login_at > settings.SESSION_COOKIE_AGE:
        return "duree"
    if now - seen_at > settings.SESSION_IDLE_TIMEOUT:
        return "inactivite"
    return None


class SessionTimeoutMiddleware:
    """Log out a session idle or too old; refresh the last activity now and then."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            reason = session_end_reason(session, now)
            if reason is not None:
                return self._end(request, user, reason) or self.get_response(request)
            if session.get(LOGIN_AT) is None:
                # A session opened before this middleware existed: it starts counting now.
                session[LOGIN_AT] = session[SEEN_AT] = int(now)
            elif now - session[SEEN_AT] > settings.SESSION_ACTIVITY_REFRESH:
                session[SEEN_AT] = int(now)
        return self.get_response(request)

    def _end(self, request: HttpRequest, user, reason: str) -> HttpResponse | None:
        record(AuditAction.SESSION_EXPIRED, user=user, request=request, raison=reason)
        request.pilote_session_expired = True
        logout(request)
        request.session[EXPIRED] = reason
        if request.headers.get("HX-Request") == "true":
            # A fragment must not be swapped for the login page: the whole page goes there.
            # (HtmxMiddleware runs after this one: the header is read directly.)
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            path = current.path + (f"?{current.query}" if current.query else "")
            login = resolve_url(settings.LOGIN_URL)
            return HttpResponseClientRedirect(f"{login}?{urlencode({'next': path or '/'})}")
        return None
