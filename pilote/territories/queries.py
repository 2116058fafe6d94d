"""Read API of the territories app for the other apps, the views and the REST API."""

from __future__ import annotations

import re

from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from pilote.core.text import normalize_search

from .models import EPCI, Commune

SEARCH_MIN_LENGTH = 2
SEARCH_MAX_RESULTS = 50
_CODE_QUERY = re.compile(r"^(\d|2[ab])", re.IGNORECASE)


def communes_of_epci(siren: str) -> QuerySet[Commune]:
    """Return the member communes of the EPCI with this SIREN, by name (empty if unknown)."""
    return Commune.objects.of_epci(siren).select_related("departement").order_by("name", "code")


def search_communes(
    query: str,
    *,
    departement: str | None = None,
    epci: str | None = None,
    limit: int = 20,
) -> list[Commune]:
    """Return current communes matching `query`: INSEE code or postal code prefix, or name.

    Names whose beginning matches come first (the exact name first, then by decreasing
    population), then names with a later word that matches; the first lookup uses the index on
    `search_name`, the second only runs to fill the page.
    """
    query = query.strip()
    limit = max(1, min(limit, SEARCH_MAX_RESULTS))
    if len(query) < SEARCH_MIN_LENGTH:
        return []
    communes = Commune.objects.current().select_related("departement", "epci")
    if departement:
        communes = communes.filter(departement_id=departement.upper())
    if epci:
        communes = communes.filter(epci_id=epci)
    if _CODE_QUERY.match(query):
        return list(communes.code_or_postal_code_starts_with(query).order_by("code")[:limit])
    return _ranked(
        communes.name_starts_with(query),
        communes.name_has_word_starting_with(query),
        query=query,
        population="population",
        limit=limit,
    )


def search_epcis(query: str, *, departement: str | None = None, limit: int = 20) -> list[EPCI]:
    """Return current EPCI whose SIREN starts with `query`, or whose name matches it.

    Ranked like `search_communes()`: whole name first, then any word, larger EPCI first.
    """
    query = query.strip()
    limit = max(1, min(limit, SEARCH_MAX_RESULTS))
    if len(query) < SEARCH_MIN_LENGTH:
        return []
    epcis = EPCI.objects.current()
    if departement:
        epcis = epcis.filter(communes__departement_id=departement.upper()).distinct()
    if query.isdecimal():
        return list(epcis.filter(siren__startswith=query).order_by("siren")[:limit])
    return _ranked(
        epcis.name_starts_with(query),
        epcis.name_has_word_starting_with(query),
        query=query,
        population="population_municipale",
        limit=limit,
    )


def _ranked(first: QuerySet, then: QuerySet, *, query: str, population: str, limit: int) -> list:
    """Return up to `limit` rows of `first`, completed by rows of `then` not already in it."""
    ordering = [
        Case(
            When(search_name=normalize_search(query), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        F(population).desc(nulls_last=True),
        "search_name",
        "pk",
    ]
    results = list(first.order_by(*ordering)[:limit])
    if len(results) < limit:
        seen = {obj.pk for obj in results}
        results.extend(then.exclude(pk__in=seen).order_by(*ordering)[: limit - len(results)])
    return results
