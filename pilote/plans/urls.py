from django.urls import path

from . import views, views_levels

app_name = "plans"

urlpatterns = [
    path("", views.plan_tree, name="tree"),
    path("actions/", views.node_search, name="search"),
    path("ajouter/", views.node_add, name="add"),
    path("renumeroter/", views.plan_renumber, name="renumber"),
    path("<int:pk>/modifier/", views.node_edit, name="edit"),
    path("<int:pk>/deplacer/", views.node_move, name="move"),
    path("<int:pk>/monter/", views.node_shift, {"direction": "up"}, name="move_up"),
    path("<int:pk>/descendre/", views.node_shift, {"direction": "down"}, name="move_down"),
    path("<int:pk>/supprimer/", views.node_delete, name="delete"),
]

# The plan levels page is one of the CTG's edition pages: under /ctg/, in the "conventions"
# namespace (see config/urls.py).
levels_patterns = [
    path("<slug:slug>/niveaux/", views_levels.convention_levels, name="levels"),
]
