from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_password

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by e-mail (open without a login) and change (from « Mon compte »).
    path(
        "mot-de-passe/oublie/",
        views_password.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oublie/envoye/",
        views_password.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views_password.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/enregistre/",
        views_password.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe/modifier/",
        views_password.PasswordChangeView.as_view(),
        name="password_change",
    ),
]
