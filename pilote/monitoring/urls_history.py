from django.urls import path

from . import views_history

urlpatterns = [
    path("ctg/<slug:slug>/historique/", views_history.convention_history, name="history"),
]
