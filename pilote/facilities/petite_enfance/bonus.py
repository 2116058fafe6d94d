"""The bonus trajectoire de développement of the Caf (DOMAIN.md §7), without the ORM.

If the co-financed crèche places grow from 2023 to 2027 by at least 4 %, 8 % or 12 %, each PSU
place with the bonus territoire gets 100, 200 or 300 € more a year. The growth is computed in
Decimal, never rounded before the comparison and never clamped (a loss of places is shown as a
negative growth).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from pilote.core.formats import french_euros, french_percent

# (minimum growth in %, yearly amount per PSU place with bonus territoire, in €), highest first.
STEPS: tuple[tuple[Decimal, int], ...] = (
    (Decimal(12), 300),
    (Decimal(8), 200),
    (Decimal(4), 100),
)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class NextStep:
    threshold: Decimal  # growth in % to reach
    amount: int  # € per place and per year at that step
    places_2027: int  # the fewest places in 2027 that reach it
    missing_places: int  # how many more than planned


@dataclass(frozen=True)
class BonusTrajectory:
    """The growth of the co-financed crèche places 2023 → 2027 and the bonus step it reaches."""

    places_2023: int | None
    places_2027: int | None
    bonus_places: int | None
    growth: Decimal | None  # in %, exact
    step: int | None  # € per place and per year: 0, 100, 200 or 300; None if not computable
    next_step: NextStep | None
    reason: str  # why it is not computable, in French; "" when it is

    @property
    def computable(self) -> bool:
        return self.growth is not None

    @property
    def yearly_amount(self) -> Decimal | None:
        """Return the estimated yearly bonus (step × PSU places with bonus), when both are known."""
        if self.step is None or self.bonus_places is None:
            return None
        return Decimal(self.step) * self.bonus_places

    @property
    def yearly_amount_text(self) -> str:
        amount = self.yearly_amount
        return "" if amount is None else french_euros(int(amount))

    @property
    def growth_display(self) -> str:
        """Return the growth rounded to two decimals for reading ("4,17 %"), or ""."""
        if self.growth is None:
            return ""
        rounded = self.growth.quantize(Decimal("0.01"))
        sign = "+" if rounded > 0 else ("−" if rounded < 0 else "")
        return f"{sign}{french_percent(abs(rounded))}"


def growth_percent(places_2023: int, places_2027: int) -> Decimal:
    """Return the growth from 2023 to 2027 in %, exact (places_2023 must be positive)."""
    return (Decimal(places_2027) - Decimal(places_2023)) * HUNDRED / Decimal(places_2023)


def step_for(growth: Decimal) -> int:
    """Return the yearly amount per place reached by this growth (0 below 4 %)."""
    for threshold, amount in STEPS:
        if growth >= threshold:
            return amount
    return 0


def places_for(places_2023: int, threshold: Decimal) -> int:
    """Return the fewest places in 2027 whose growth from places_2023 reaches the threshold."""
    exact = Decimal(places_2023) * (HUNDRED + threshold) / HUNDRED
    return math.ceil(exact)


def trajectory(
    places_2023: int | None, places_2027: int | None, bonus_places: int | None = None
) -> BonusTrajectory:
    """Return the bonus trajectoire of these figures, or a "non calculable" state and why."""
    reason = ""
    if places_2023 is None or places_2027 is None:
        reason = (
            "Non calculable : renseignez les places de crèche cofinancées en 2023 et les places "
            "prévues en 2027."
        )
    elif places_2023 <= 0:
        reason = (
            "Non calculable : aucune place de crèche cofinancée en 2023, la croissance ne peut "
            "pas être mesurée."
        )
    if reason:
        return BonusTrajectory(
            places_2023, places_2027, bonus_places, None, None, next_step=None, reason=reason
        )
    growth = growth_percent(places_2023, places_2027)
    step = step_for(growth)
    next_step = None
    for threshold, amount in reversed(STEPS):
        if amount > step:
            target = places_for(places_2023, threshold)
            next_step = NextStep(threshold, amount, target, target - places_2027)
            break
    return BonusTrajectory(
        places_2023, places_2027, bonus_places, growth, step, next_step=next_step, reason=""
    )
