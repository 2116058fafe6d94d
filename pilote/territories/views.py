from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse

from .models import Commune


@login_required
def commune_search(request: HttpRequest) -> JsonResponse:
    """Return up to 20 communes whose name or INSEE code starts with the query."""
    query = request.GET.get("q", "").strip()
    communes = Commune.objects.none()
    if len(query) >= 2:
        communes = Commune.objects.filter(name__istartswith=query) | Commune.objects.filter(
            code__startswith=query
        )
    results = [
        {"code": c.code, "name": c.name, "departement": c.departement_id}
        for c in communes.order_by("name")[:20]
    ]
    return JsonResponse({"results": results})
