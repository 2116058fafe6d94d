from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_tree, name="tree"),
    path("<int:pk>/", views.node_detail, name="node"),
]
