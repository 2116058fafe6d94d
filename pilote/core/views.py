"""Views every app shares: the French page of a refused form (CSRF)."""

from django.http import HttpRequest, HttpResponseForbidden
from django.template import loader


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseForbidden:
    """Return the French 403 page of a form whose CSRF check failed (settings.CSRF_FAILURE_VIEW)."""
    return HttpResponseForbidden(loader.get_template("403_csrf.html").render())
