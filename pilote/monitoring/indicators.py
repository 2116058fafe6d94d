"""Writes of the indicators: measurements of any indicator, and the CTG-wide indicators."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.locks import lock_convention
from pilote.core.transactions import retry_transaction
from pilote.plans.models import Indicator, IndicatorTarget
from pilote.plans.services import IndicatorData

from .models import Measurement
from .periods import Quarter, convention_quarters
from .perms import can_measure

MAX_VALUE = Decimal("999999999999.99")  # what Measurement.value (14 digits, 2 decimals) holds


class IndicatorError(Exception):
    """A change to an indicator that cannot be made; the message is in French, for users."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def parse_value(raw) -> Decimal:
    """Return a measured value as a Decimal, accepting French writing ("1 234,5")."""
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int | float):
        value = Decimal(str(raw))
    else:
        text = str(raw or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        text = text.removesuffix("%").replace(",", ".")
        if not text:
            raise IndicatorError("Indiquez la valeur mesurée.", field="value")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise IndicatorError(
                f"« {raw} » n'est pas un nombre : indiquez une valeur numérique, "
                "par exemple 12 ou 12,5.",
                field="value",
            ) from None
    if not value.is_finite():
        raise IndicatorError("Indiquez une valeur numérique finie.", field="value")
    if abs(value) > MAX_VALUE:
        raise IndicatorError("Cette valeur est trop grande.", field="value")
    return value.quantize(Decimal("0.01"))


def check_period(convention, year: int | None, quarter: int | None) -> None:
    """Raise IndicatorError unless the year (and quarter) fall within the CTG's period."""
    years = convention.years
    span = f"{years[0]}–{years[-1]}"
    if not year:
        raise IndicatorError("Indiquez l'année de la mesure.", field="year")
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise IndicatorError("Le trimestre doit être T1, T2, T3 ou T4.", field="quarter")
    if year not in years:
        raise IndicatorError(
            f"L'année {year} est hors de la période de la CTG ({span}).", field="year"
        )
    if quarter is not None:
        quarters = convention_quarters(convention)
        period = Quarter(year, quarter)
        if period not in quarters:
            raise IndicatorError(
                f"Le trimestre {period} est hors de la période de la CTG "
                f"({quarters[0]} – {quarters[-1]}).",
                field="quarter",
            )
        if period > Quarter.current():
            raise IndicatorError(
                f"Le trimestre {period} n'a pas encore commencé : une mesure rend compte "
                "d'une période en cours ou passée.",
                field="quarter",
            )
    elif year > Quarter.current().year:
        raise IndicatorError(
            f"L'année {year} n'a pas encore commencé : une mesure rend compte "
            "d'une période en cours ou passée.",
            field="year",
        )


MEASURE_REFUSED = (
    "Vous ne pouvez enregistrer des mesures que pour les actions que votre organisation pilote."
)


def _check_can_edit(by, convention) -> None:
    if not can_edit_convention(by, convention):
        raise IndicatorError("Vous ne pouvez pas modifier les indicateurs de cette CTG.")


def record_measurement(
    indicator: Indicator,
    *,
    by,
    year: int,
    quarter: int | None = None,
    value,
    comment: str = "",
    source: str = "",
) -> Measurement:
    """Record a value of an indicator for a year or a quarter of the CTG."""
    convention = indicator.convention
    if not can_measure(by, indicator, convention):
        raise IndicatorError(MEASURE_REFUSED)
    check_period(convention, year, quarter)
    measured = parse_value(value)
    return _write_measurement(
        indicator,
        by=by,
        year=year,
        quarter=quarter,
        value=measured,
        comment=comment.strip(),
        source=source.strip()[:255],
    )


@retry_transaction
@transaction.atomic
def _write_measurement(indicator: Indicator, *, by, year, quarter, value, comment, source):
    # An indicator removed from its fiche meanwhile must not receive a measurement.
    if not Indicator.objects.select_for_update(no_key=True).filter(pk=indicator.pk).exists():
        raise IndicatorError(
            f"L'indicateur « {indicator.name} » a été supprimé pendant votre saisie : la mesure "
            "n'a pas été enregistrée."
        )
    return Measurement.objects.create(
        indicator=indicator,
        year=year,
        quarter=quarter,
        value=value,
        comment=comment,
        source=source,
        author=by if by.is_authenticated else None,
    )


def _check_indicator_data(convention, data: IndicatorData) -> None:
    if not data.name.strip():
        raise IndicatorError("Indiquez l'intitulé de l'indicateur.", field="name")
    years = convention.years
    for year in data.targets:
        if year not in years:
            raise IndicatorError(
                f"L'année {year} est hors de la période de la CTG ({years[0]}–{years[-1]}).",
                field=f"target_{year}",
            )


def save_ctg_indicator(
    convention, *, by, data: IndicatorData, indicator: Indicator | None = None
) -> Indicator:
    """Create a CTG-wide indicator, or change one, with its yearly targets."""
    _check_can_edit(by, convention)
    if indicator is not None and (
        indicator.convention_id != convention.pk or indicator.node_id is not None
    ):
        raise IndicatorError("Cet indicateur n'est pas un indicateur de toute la CTG.")
    _check_indicator_data(convention, data)
    return _write_ctg_indicator(convention, data=data, indicator=indicator)


@retry_transaction
@transaction.atomic
def _write_ctg_indicator(convention, *, data: IndicatorData, indicator: Indicator | None):
    # Positions and targets are read then written: writers of one CTG take turns (plan order).
    lock_convention(convention)
    if indicator is None:
        last = (
            Indicator.objects.filter(convention=convention, node=None)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        indicator = Indicator(convention=convention, node=None, position=(last or 0) + 1)
    indicator.name = data.name.strip()
    indicator.unit = data.unit.strip()
    indicator.baseline_value = data.baseline_value
    indicator.baseline_year = data.baseline_year
    indicator.source = data.source.strip()
    indicator.frequency = data.frequency.strip()
    indicator.save()
    targets = {target.year: target for target in indicator.targets.all()}
    for year, value in data.targets.items():
        target = targets.pop(year, None) or IndicatorTarget(indicator=indicator, year=year)
        if target.pk is None or target.value != value:
            target.value = value
            target.save()
    if targets:
        IndicatorTarget.objects.filter(pk__in=[t.pk for t in targets.values()]).delete()
    return indicator
