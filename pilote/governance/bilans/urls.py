"""Routes of the bilans of a CTG."""

from django.urls import path

from . import views

urlpatterns = [
    path("bilans/", views.review_list, name="reviews"),
    path("bilans/preparer/", views.review_create, name="review_create"),
    path("bilans/<int:pk>/", views.review_detail, name="review"),
    path("bilans/<int:pk>/figer/", views.review_close, name="review_close"),
    path("bilans/<int:pk>/supprimer/", views.review_delete, name="review_delete"),
]
