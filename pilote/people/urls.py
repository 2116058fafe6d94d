from django.urls import path

from . import views_account, views_invitation, views_members, views_tokens

app_name = "people"

urlpatterns = [
    path("ctg/<slug:slug>/membres/", views_members.members_page, name="members"),
    path("ctg/<slug:slug>/membres/inviter/", views_members.invite, name="invite"),
    path(
        "ctg/<slug:slug>/membres/invitations/<int:pk>/renvoyer/",
        views_members.resend_invitation,
        name="invitation_resend",
    ),
    path(
        "ctg/<slug:slug>/membres/invitations/<int:pk>/retirer/",
        views_members.withdraw_invitation,
        name="invitation_withdraw",
    ),
    path(
        "ctg/<slug:slug>/membres/roles/<int:pk>/modifier/",
        views_members.change_role,
        name="role_change",
    ),
    path(
        "ctg/<slug:slug>/membres/roles/<int:pk>/retirer/",
        views_members.remove_role,
        name="role_remove",
    ),
    path(
        "ctg/<slug:slug>/membres/comptes/<int:pk>/suspendre/",
        views_members.suspend_account,
        name="account_suspend",
    ),
    path("invitation/<str:token>/", views_invitation.invitation, name="invitation"),
    path("mon-compte/", views_account.account, name="account"),
    path("mon-compte/suppression/", views_account.deletion_request, name="deletion_request"),
    path("mon-compte/jetons-api/", views_tokens.create, name="api_token_create"),
    path(
        "mon-compte/jetons-api/<int:pk>/revoquer/",
        views_tokens.revoke,
        name="api_token_revoke",
    ),
    path("mon-compte/mes-donnees.json", views_account.download_my_data, name="my_data"),
]
