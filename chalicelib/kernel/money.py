"""The one rounding rule for money, in every context and currency.

Amounts are integers of the currency's smallest unit (MXN centavos, CLP pesos) or exact
`Decimal`s, never floats. Whenever an amount must lose digits it is rounded **half-up**
(half away from zero: 0.005 → 0.01, 2.5 → 3), not Decimal's default half-even ("banker's"
rounding, 2.5 → 2), because that is how SAT's CFDI rules, the insurers' payment details and
the settlement contracts round (DESIGN.md §4.3, §4.5, §5).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Final

CENTAVO: Final = Decimal("0.01")
_UNIT: Final = Decimal(1)


def round_to_centavo(value: Decimal) -> Decimal:
    """`Decimal("10.125")` → `Decimal("10.13")`: half-up to two decimals."""
    return value.quantize(CENTAVO, rounding=ROUND_HALF_UP)


def round_to_unit(value: Decimal) -> int:
    """`Decimal("2.5")` → `3`: half-up to a whole number of the unit (CLP pesos, centavos)."""
    return int(value.quantize(_UNIT, rounding=ROUND_HALF_UP))


def centavos(pesos: Decimal) -> int:
    """`Decimal("10.125")` → `1013`: an MXN amount in pesos as whole centavos, half-up."""
    return round_to_unit(pesos * 100)
