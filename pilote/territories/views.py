"""JSON search endpoints for territory pickers (login required, like every view)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from pilote.core.plausible import strip_invalid_characters

from .models import EPCI, Commune
from .queries import search_communes, search_epcis

DEFAULT_LIMIT = 20


def _limit(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("limit", DEFAULT_LIMIT))
    except ValueError:
        return DEFAULT_LIMIT


def _param(request: HttpRequest, name: str) -> str:
    """Return a search parameter without NUL nor control characters (PostgreSQL refuses NUL)."""
    return strip_invalid_characters(request.GET.get(name, "")).strip()


def _commune_json(commune: Commune) -> dict:
    return {
        "code": commune.code,
        "name": commune.name,
        "departement": commune.departement_id,
        "epci": commune.epci_id,
        "epci_name": commune.epci.name if commune.epci else None,
        "postal_codes": commune.postal_codes.split(),
        "population": commune.population,
        "population_millesime": commune.population_millesime,
        "label": f"{commune.name} ({commune.departement_id})",
    }


def _epci_json(epci: EPCI) -> dict:
    return {
        "siren": epci.siren,
        "name": epci.name,
        "kind": epci.kind,
        "kind_label": epci.get_kind_display(),
        "population_municipale": epci.population_municipale,
        "population_totale": epci.population_totale,
        "population_millesime": epci.population_millesime,
        "label": epci.name,
    }


@require_GET
def commune_search(request: HttpRequest) -> JsonResponse:
    """Return communes matching `q` (name, INSEE code or postal code), by `departement`/`epci`."""
    communes = search_communes(
        _param(request, "q"),
        departement=_param(request, "departement") or None,
        epci=_param(request, "epci") or None,
        limit=_limit(request),
    )
    return JsonResponse({"results": [_commune_json(c) for c in communes]})


@require_GET
def epci_search(request: HttpRequest) -> JsonResponse:
    """Return EPCI whose name matches `q` or whose SIREN starts with it, by `departement`."""
    epcis = search_epcis(
        _param(request, "q"),
        departement=_param(request, "departement") or None,
        limit=_limit(request),
    )
    return JsonResponse({"results": [_epci_json(e) for e in epcis]})
