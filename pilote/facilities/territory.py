"""Keep a CTG's territory and its facilities and schémas in step."""

from collections import defaultdict

from pilote.conventions import signals
from pilote.conventions.models import Convention
from pilote.conventions.services import ConventionError
from pilote.territories.models import Commune

from .models import Facility, Schema

SHOWN = 5


def _names(names: list[str]) -> str:
    text = ", ".join(f"« {name} »" for name in names[:SHOWN])
    if len(names) > SHOWN:
        text += f" et {len(names) - SHOWN} autre(s)"
    return text


def check_communes_unused(sender, *, convention: Convention, codes: set[str], **kwargs) -> None:
    """Refuse to take communes off a CTG while its facilities or schémas still use them."""
    used: dict[Commune, list[str]] = defaultdict(list)
    facilities = (
        Facility.objects.filter(convention=convention, commune_id__in=codes)
        .select_related("commune")
        .order_by("commune__name", "name", "pk")
    )
    by_commune: dict[Commune, list[str]] = defaultdict(list)
    for facility in facilities:
        by_commune[facility.commune].append(facility.name)
    for commune, names in by_commune.items():
        used[commune].append(f"{len(names)} équipement(s) ou service(s) : {_names(names)}")
    schemas = Schema.objects.filter(convention=convention, commune_id__in=codes).select_related(
        "commune"
    )
    schema_counts: dict[Commune, int] = defaultdict(int)
    for schema in schemas:
        schema_counts[schema.commune] += 1
    for commune, count in schema_counts.items():
        used[commune].append(f"{count} schéma(s) pluriannuel(s) petite enfance")
    if not used:
        return
    parts = [
        f"{commune.name} ({commune.code}) est utilisée par {' et '.join(uses)}"
        for commune, uses in sorted(used.items(), key=lambda item: item[0].name)
    ]
    raise ConventionError(
        f"Impossible de retirer {'cette commune' if len(parts) == 1 else 'ces communes'} du "
        f"territoire : {' ; '.join(parts)}. Rattachez d'abord ces équipements et schémas à une "
        "autre commune, ou supprimez-les."
    )


def connect_signals() -> None:
    """Connect the facilities' receivers to the CTG's signals (once, from the AppConfig)."""
    signals.communes_leaving.connect(check_communes_unused, dispatch_uid="facilities.communes")
