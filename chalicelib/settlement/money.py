"""Chilean pesos: whole numbers inside, decimal strings with their currency in the API.

CLP has no minor unit, so every amount is an `int` of pesos. Rounding is the kernel's
(`chalicelib.kernel.money.round_to_unit`): half-up to the peso.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

CURRENCY: Final = "CLP"
# The platform's commission on card transactions: 0.25% of the financed amount, per
# transaction, rounded half-up to the peso (DESIGN.md §4.5).
PLATFORM_COMMISSION_RATE: Final = Decimal("0.0025")


# The rate as a fraction of whole numbers, so the commission needs no Decimal per transaction.
_RATE_NUMERATOR, _RATE_DENOMINATOR = PLATFORM_COMMISSION_RATE.as_integer_ratio()


def platform_commission(financed_amount: int) -> int:
    """0.25% of the amount, half-up to the peso: floor(amount × rate + ½) in exact integers
    (the same as `round_to_unit` for the non-negative amounts transactions carry)."""
    return (2 * financed_amount * _RATE_NUMERATOR + _RATE_DENOMINATOR) // (2 * _RATE_DENOMINATOR)


def to_api(amount: int) -> dict[str, str]:
    return {"amount": str(int(amount)), "currency": CURRENCY}


def format_clp(amount: int) -> str:
    """How a person in Chile reads an amount: $1.234.567."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,}".replace(",", ".")
