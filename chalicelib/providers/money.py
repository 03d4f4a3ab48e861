"""Money of this context: integer centavos inside, decimal strings with currency outside.

Rounding is the kernel's (`chalicelib.kernel.money`, half-up to the centavo): the one rule
for money, applied per tax line of each order and to the amounts read from a CFDI.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Final

CURRENCY: Final = "MXN"
_HUNDRED: Final = Decimal(100)


def from_pesos(value: Decimal) -> int:
    """Centavos of an amount already rounded to the centavo (no rounding here)."""
    centavos = value * _HUNDRED
    if centavos != centavos.to_integral_value():
        raise ValueError("more than two decimals")
    return int(centavos)


def parse_amount(text: str) -> int:
    """Centavos of a decimal string like "9000.00" or "9000"; ValueError if it is not one."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError("not a decimal amount") from None
    if not value.is_finite() or value < 0:
        raise ValueError("not a positive amount")
    return from_pesos(value)


def to_pesos(centavos: int) -> Decimal:
    return (Decimal(centavos) / _HUNDRED).quantize(Decimal("0.01"))


def format_amount(centavos: int) -> str:
    """ "9000.00" for 900000 centavos."""
    return f"{to_pesos(centavos):.2f}"


def label(centavos: int) -> str:
    """ "$9,000.00" for pages and emails."""
    return f"${to_pesos(centavos):,.2f}"
