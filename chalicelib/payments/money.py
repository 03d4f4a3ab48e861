"""Money: integer centavos inside, decimal strings with currency in the API.

Rounding is the kernel's (`chalicelib.kernel.money`): half-up to the centavo.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from chalicelib.kernel.money import centavos

CURRENCY = "MXN"
_CENT = Decimal("0.01")


def to_cents(amount: str | Decimal) -> int:
    """Centavos of a decimal amount, rounded half-up. Raises ValueError for non-numbers."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError):
        raise ValueError("La cantidad no es un número decimal.") from None
    if not value.is_finite():
        raise ValueError("La cantidad no es un número decimal.")
    return centavos(value)


def to_decimal_string(cents: int) -> str:
    """`45000` → `"450.00"`."""
    return str((Decimal(cents) * _CENT).quantize(_CENT))


def display(cents: int) -> str:
    """For people: `$1,350.00 MXN`."""
    return f"${Decimal(cents) * _CENT:,.2f} {CURRENCY}"
