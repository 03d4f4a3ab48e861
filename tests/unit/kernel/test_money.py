"""The one rounding rule: half-up, to the centavo or to the whole unit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.kernel.money import centavos, round_to_centavo, round_to_unit

# Exact decimal amounts with up to six decimals, as a CFDI or a rate product can carry.
amounts = st.decimals(
    min_value=Decimal("-1000000000"),
    max_value=Decimal("1000000000"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),  # half-even would give 0.02
        ("10.125", "10.13"),  # half-even would give 10.12
        ("4.166875", "4.17"),
        ("0.004999", "0.00"),
        ("-0.005", "-0.01"),  # half away from zero
        ("9000", "9000.00"),
    ],
)
def test_centavo_rounding_is_half_up(value: str, expected: str) -> None:
    assert round_to_centavo(Decimal(value)) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.5", 1), ("1.5", 2), ("2.5", 3), ("0.4975", 0), ("2.4999", 2), ("-2.5", -3)],
)
def test_unit_rounding_is_half_up(value: str, expected: int) -> None:
    assert round_to_unit(Decimal(value)) == expected


@given(amounts)
def test_rounding_to_the_centavo_moves_an_amount_by_at_most_half_a_centavo(
    value: Decimal,
) -> None:
    rounded = round_to_centavo(value)
    assert rounded == rounded.quantize(Decimal("0.01"))
    assert abs(rounded - value) <= Decimal("0.005")
    # Exactly half a centavo away only when the amount sat on a half, and then away from zero.
    if abs(rounded - value) == Decimal("0.005"):
        assert abs(rounded) > abs(value)


@given(amounts)
def test_rounding_to_the_unit_is_floor_of_the_amount_plus_a_half(value: Decimal) -> None:
    magnitude = abs(value)
    expected = int((magnitude + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR"))
    assert round_to_unit(value) == (expected if value >= 0 else -expected)


@given(amounts)
def test_centavos_agree_with_the_rounded_pesos(value: Decimal) -> None:
    assert Decimal(centavos(value)) / 100 == round_to_centavo(value)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_amounts_already_whole_are_left_alone(whole: int) -> None:
    assert round_to_unit(Decimal(whole)) == whole
    assert centavos(Decimal(whole) / 100) == whole
