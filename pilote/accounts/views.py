"""The login page (with why it is shown after a session ended) and the lockout page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .forms import LoginForm
from .sessions import EXPIRED

EXPIRY_MESSAGES = {
    "inactivite": "Votre session a expiré après {hours} sans activité. Reconnectez-vous pour "
    "continuer : ce qui n’avait pas été enregistré est perdu.",
    "duree": "Votre session a expiré : une connexion dure au plus {hours}. Reconnectez-vous pour "
    "continuer.",
}


def _hours(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    if rest:
        return f"{seconds // 60} minutes"
    return "1 heure" if hours == 1 else f"{hours} heures"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = self.request.session.pop(EXPIRED, None)
        if reason in EXPIRY_MESSAGES:
            seconds = (
                settings.SESSION_IDLE_TIMEOUT
                if reason == "inactivite"
                else settings.SESSION_COOKIE_AGE
            )
            context["expiry_message"] = EXPIRY_MESSAGES[reason].format(hours=_hours(seconds))
        return context


def lockout(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Return the French page shown when django-axes refuses a login (429 Too Many Requests)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "accounts/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": seconds // 60},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
