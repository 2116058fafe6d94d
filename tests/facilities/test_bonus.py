"""The bonus trajectoire: growth of co-financed crèche places 2023 → 2027 and the step reached."""

from decimal import Decimal

import pytest

from pilote.facilities.petite_enfance.bonus import growth_percent, step_for, trajectory


@pytest.mark.parametrize(
    ("places_2023", "places_2027", "step"),
    [
        (100, 104, 100),  # exactly 4 %: the first step
        (10_000, 10_399, 0),  # 3.99 %
        (100, 108, 200),  # exactly 8 %
        (10_000, 10_799, 100),  # 7.99 %
        (100, 112, 300),  # exactly 12 %
        (10_000, 11_199, 200),  # 11.99 %
        (100, 150, 300),  # no step above 12 %
        (25, 26, 100),  # 4 % from a small crèche
        (189, 189, 0),
    ],
)
def test_growth_reaches_the_step_at_4_8_and_12_percent(places_2023, places_2027, step):
    assert trajectory(places_2023, places_2027).step == step


def test_the_growth_is_exact_decimal_arithmetic():
    assert growth_percent(10_000, 10_399) == Decimal("3.99")
    assert growth_percent(189, 200) == Decimal(1100) / Decimal(189)
    assert step_for(Decimal("3.9999999")) == 0
    assert step_for(Decimal(4)) == 100


def test_a_loss_of_places_is_a_negative_growth_never_clamped():
    result = trajectory(200, 180)
    assert result.growth == Decimal(-10)
    assert result.step == 0
    assert result.growth_display == "−10\u00a0%"


def test_the_yearly_amount_is_the_step_times_the_places_with_bonus():
    result = trajectory(189, 200, bonus_places=189)
    assert result.step == 100  # 5.82 %
    assert result.growth_display == "+5,82\u00a0%"
    assert result.yearly_amount == Decimal(18_900)


def test_without_bonus_places_there_is_no_amount():
    assert trajectory(100, 104).yearly_amount is None


def test_the_next_step_says_how_many_places_are_missing():
    result = trajectory(189, 200)
    assert result.next_step.threshold == Decimal(8)
    assert result.next_step.places_2027 == 205  # 189 × 1.08 = 204.12
    assert result.next_step.missing_places == 5
    assert trajectory(100, 112).next_step is None


def test_no_places_in_2023_is_not_computable():
    result = trajectory(0, 20, bonus_places=20)
    assert not result.computable
    assert result.step is None
    assert result.yearly_amount is None
    assert "aucune place de crèche cofinancée en 2023" in result.reason


@pytest.mark.parametrize(("places_2023", "places_2027"), [(None, 10), (10, None), (None, None)])
def test_missing_figures_are_not_computable(places_2023, places_2027):
    result = trajectory(places_2023, places_2027)
    assert not result.computable
    assert result.reason.startswith("Non calculable : renseignez")
