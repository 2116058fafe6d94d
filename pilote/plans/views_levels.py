"""The page where editors name, order and flag the levels of a CTG's action plan.

It is one of the CTG's edition sub-pages (URL name conventions:levels, see config/urls.py).
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from pilote.conventions.access import get_convention_for_user
from pilote.conventions.views import bound_data, formset_page

from .forms_levels import LevelFormSet
from .levels import LevelData, replace_levels
from .models import PlanLevel


@login_required
@require_http_methods(["GET", "POST"])
def convention_levels(request: HttpRequest, slug: str) -> HttpResponse:
    """Name, order and flag the levels of the CTG's action plan."""
    convention = get_convention_for_user(request, slug, edit=True)

    def build(data=None):
        queryset = PlanLevel.objects.filter(convention=convention)
        queryset = queryset.annotate(node_count=Count("nodes"))
        return LevelFormSet(data, queryset=queryset, prefix="niveaux")

    return formset_page(
        request,
        convention,
        build(bound_data(request)),
        fresh=build,
        history=PlanLevel.history.filter(convention_id=convention.pk),
        to_row=lambda form: LevelData(
            pk=form.instance.pk,
            name=form.cleaned_data["name"],
            tracked=form.cleaned_data["tracked"],
        ),
        save=lambda rows: replace_levels(convention, by=request.user, levels=rows),
        success="Les niveaux du plan d'actions ont été enregistrés.",
        page="levels",
        title="Niveaux du plan d'actions",
    )
