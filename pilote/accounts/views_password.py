"""Password reset by e-mail and password change: Django's views, with DSFR French pages."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from . import audit
from .enums import AuditAction
from .forms_people import (
    PilotePasswordChangeForm,
    PilotePasswordResetForm,
    PiloteSetPasswordForm,
)


class PasswordResetView(auth_views.PasswordResetView):
    """Send the reset link; its address is SITE_URL's when set (as in the reminders)."""

    form_class = PilotePasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if settings.SITE_URL:
            site = urlsplit(settings.SITE_URL)
            self.extra_email_context = {"protocol": site.scheme, "domain": site.netloc}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = PiloteSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            AuditAction.PASSWORD_CHANGED,
            user=form.user,
            request=self.request,
            moyen="lien de réinitialisation",
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PilotePasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("people:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(AuditAction.PASSWORD_CHANGED, request=self.request, moyen="Mon compte")
        messages.success(self.request, "Votre mot de passe est changé.")
        return response
