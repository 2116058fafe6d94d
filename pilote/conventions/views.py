from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import get_convention_for_user
from .models import Convention


@login_required
def convention_list(request: HttpRequest) -> HttpResponse:
    conventions = Convention.objects.visible_to(request.user).select_related("departement", "epci")
    return render(request, "conventions/list.html", {"conventions": conventions})


@login_required
def convention_detail(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    return render(request, "conventions/detail.html", {"convention": convention})
