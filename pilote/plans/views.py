from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from pilote.conventions.access import get_convention_for_user

from .models import PlanNode


@login_required
def plan_tree(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    return render(request, "plans/tree.html", {"convention": convention})


@login_required
def node_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    node = get_object_or_404(PlanNode, convention=convention, pk=pk)
    return render(request, "plans/node.html", {"convention": convention, "node": node})
