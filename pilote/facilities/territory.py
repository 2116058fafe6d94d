"""Keep a CTG's territory and its facilities, figures, transfers and schémas in step."""

from collections import defaultdict

from django.db.models import Count

from pilote.conventions import signals
from pilote.conventions.models import Convention
from pilote.conventions.services import ConventionError
from pilote.territories.models import Commune

from .enums import AreaKind
from .models import CompetenceTransfer, Facility, Schema, TerritoryFigure

SHOWN = 5


def _names(names: list[str]) -> str:
    text = ", ".join(f"« {name} »" for name in names[:SHOWN])
    if len(names) > SHOWN:
        text += f" et {len(names) - SHOWN} autre(s)"
    return text


def _facility_uses(convention: Convention, codes: set[str]) -> dict[str, list[str]]:
    facilities = Facility.objects.filter(convention=convention, commune_id__in=codes).order_by(
        "name", "pk"
    )
    by_commune: dict[str, list[str]] = defaultdict(list)
    for commune_id, name in facilities.values_list("commune_id", "name"):
        by_commune[commune_id].append(name)
    return {
        code: [f"{len(names)} équipement(s) ou service(s) : {_names(names)}"]
        for code, names in by_commune.items()
    }


def _counted_uses(convention: Convention, codes: set[str]) -> dict[str, list[str]]:
    """Return, per commune code, the schémas, transfers and diagnostic figures that name it."""
    uses: dict[str, list[str]] = defaultdict(list)
    counted = [
        (
            Schema.objects.filter(convention=convention, commune_id__in=codes),
            "commune_id",
            "schéma(s) pluriannuel(s) petite enfance",
        ),
        (
            CompetenceTransfer.objects.filter(convention=convention, commune_id__in=codes),
            "commune_id",
            "transfert(s) de compétence à l'EPCI",
        ),
        (
            TerritoryFigure.objects.filter(
                convention=convention, area_kind=AreaKind.COMMUNE, area_code__in=codes
            ),
            "area_code",
            "chiffre(s) du diagnostic",
        ),
    ]
    for queryset, column, label in counted:
        rows = queryset.values(column).annotate(n=Count("pk")).order_by(column)
        for row in rows:
            uses[row[column]].append(f"{row['n']} {label}")
    return uses


def check_communes_unused(sender, *, convention: Convention, codes: set[str], **kwargs) -> None:
    """Refuse to take communes off a CTG while its facilities, figures or schémas still use them.

    Frozen bilans keep their snapshot (a copy of the names): they are not a use.
    """
    used: dict[str, list[str]] = defaultdict(list)
    for uses in (_facility_uses(convention, codes), _counted_uses(convention, codes)):
        for code, labels in uses.items():
            used[code].extend(labels)
    if not used:
        return
    names = dict(Commune.objects.filter(code__in=used).values_list("code", "name"))
    parts = [
        f"{names.get(code, code)} ({code}) est utilisée par {' et '.join(used[code])}"
        for code in sorted(used, key=lambda code: (names.get(code, code), code))
    ]
    raise ConventionError(
        f"Impossible de retirer {'cette commune' if len(parts) == 1 else 'ces communes'} du "
        f"territoire : {' ; '.join(parts)}. Rattachez d'abord ces équipements et schémas à une "
        "autre commune, ou supprimez-les, ainsi que les transferts de compétence et les chiffres "
        "du diagnostic de la commune."
    )


def connect_signals() -> None:
    """Connect the facilities' receivers to the CTG's signals (once, from the AppConfig)."""
    signals.communes_leaving.connect(check_communes_unused, dispatch_uid="facilities.communes")
