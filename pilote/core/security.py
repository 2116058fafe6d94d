"""Response headers every page needs, the client's address, and the signal of a served download.

- Permissions-Policy (settings.PERMISSIONS_POLICY) on every response;
- Cache-Control: no-store on every response to a logged-in user and on every download, so
  that neither a shared computer's cache nor a proxy keeps a page or a file of a CTG;
- `download_served`: sent once a download (a response with Content-Disposition: attachment) is
  on its way to a logged-in user. core is below the apps that know who did what: the audit log
  (pilote.accounts) listens to it, so every download is recorded without each view doing it.

The Content-Security-Policy itself is django-csp's (settings.CONTENT_SECURITY_POLICY).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse

# Arguments: request, response, filename.
download_served = Signal()


def client_ip(request: HttpRequest) -> str | None:
    """Return the address of the client, read past settings.TRUSTED_PROXY_COUNT proxies.

    Without a proxy, REMOTE_ADDR. Behind N proxies, each appends the address it received the
    request from to X-Forwarded-For: the N-th address from the right is the client's, the ones
    before it are whatever the client wrote, and are never trusted.
    """
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None


def is_download(response: HttpResponse) -> bool:
    """Return True if the response makes the browser save a file."""
    return response.get("Content-Disposition", "").lower().startswith("attachment")


def download_filename(response: HttpResponse) -> str:
    """Return the file name a download response announces (its ASCII form, if no other)."""
    disposition = response.get("Content-Disposition", "")
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename*" and value.lower().startswith("utf-8''"):
            return unquote(value[7:])
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename":
            return value.strip('"')
    return ""


class SecurityHeadersMiddleware:
    """Add Permissions-Policy to every response, and no-store to private ones and downloads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        logged_in = user is not None and user.is_authenticated
        download = is_download(response)
        if logged_in or download:
            # no-store alone says it all; private and max-age=0 for caches that ignore it.
            response["Cache-Control"] = "no-store, private, max-age=0"
        if download and logged_in and response.status_code == 200:
            download_served.send(
                sender=self.__class__,
                request=request,
                response=response,
                filename=download_filename(response),
            )
        return response
