"""Membership periods: how far dues are paid and what that means today (pure).

A membership is `pendiente` until its first payment, `al_corriente` while today is on or
before `paid_through`, `vencida` after. A payment of n months extends `paid_through` by n
calendar months from where it stands, or from the payment date when it had lapsed.
"""

from __future__ import annotations

from datetime import date

from chalicelib.kernel.months import add_months

PENDING = "pendiente"
CURRENT = "al_corriente"
LAPSED = "vencida"


def extend(paid_through: date | None, months: int, paid_on: date) -> date:
    if months < 1:
        raise ValueError("months must be positive")
    start = paid_through if paid_through is not None and paid_through >= paid_on else paid_on
    return add_months(start, months)


def status(paid_through: date | None, today: date) -> str:
    if paid_through is None:
        return PENDING
    return CURRENT if today <= paid_through else LAPSED


def months_due(paid_through: date | None, today: date) -> int:
    """Months to pay to be current again: 1 before the first payment, 0 while current, and
    every month begun since `paid_through` when lapsed."""
    if paid_through is None:
        return 1
    if today <= paid_through:
        return 0
    months = (today.year - paid_through.year) * 12 + today.month - paid_through.month
    if add_months(paid_through, months) < today:
        months += 1
    return max(1, months)
