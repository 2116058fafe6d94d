"""URLs of the partner links (included by monitoring.urls): the editors' pages and the form."""

from django.urls import path

from . import views, views_public

urlpatterns = [
    path("ctg/<slug:slug>/suivi/partenaires/", views.links, name="partner_links"),
    path("ctg/<slug:slug>/suivi/partenaires/nouveau/", views.link_add, name="partner_link_add"),
    path(
        "ctg/<slug:slug>/suivi/partenaires/<int:pk>/renvoyer/",
        views.link_resend,
        name="partner_link_resend",
    ),
    path(
        "ctg/<slug:slug>/suivi/partenaires/<int:pk>/retirer/",
        views.link_revoke,
        name="partner_link_revoke",
    ),
    path("ctg/<slug:slug>/suivi/a-valider/", views.review, name="partner_review"),
    path("ctg/<slug:slug>/suivi/a-valider/<int:pk>/accepter/", views.accept, name="partner_accept"),
    path(
        "ctg/<slug:slug>/suivi/a-valider/<int:pk>/modifier/",
        views.edit_accept,
        name="partner_edit",
    ),
    path("ctg/<slug:slug>/suivi/a-valider/<int:pk>/refuser/", views.refuse, name="partner_refuse"),
    # Open without an account: the personal link is the only key (views_public).
    path("partenaire/<str:token>/", views_public.partner_form, name="partner_form"),
    path("partenaire/<str:token>/merci/", views_public.partner_thanks, name="partner_thanks"),
]
