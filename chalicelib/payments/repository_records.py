"""The payments context's own records, as its repository modules return them, and the conflict
a write raises when its condition does not hold.

Everything that must happen once (a payment applied, a reminder sent, an exception recorded)
is one conditional transaction run through `run_transaction`, with the email that goes with
it staged in the same transaction (outbox).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chalicelib import dynamo, errors


class ConditionFailed(errors.Conflict):
    """A condition of a write did not hold (a concurrent or repeated request won)."""

    code = "conflict"


@dataclass(frozen=True)
class Plan:
    plan_id: str
    name: str
    monthly_fee_cents: int
    coverage: list[str]
    description: str = ""
    # The insurer (health plan operator) offering the plan; its memberships are its records.
    insurer_id: str = ""


@dataclass(frozen=True)
class Membership:
    membership_id: str
    account_id: str
    plan_id: str
    plan_name: str
    monthly_fee_cents: int
    member_number: str
    rfc: str
    full_name: str
    email: str
    phone: str
    created_at: str
    paid_through: date | None = None
    version: int = 0
    insurer_id: str = ""  # the plan's insurer, copied when enrolling


@dataclass(frozen=True)
class Reference:
    reference: str
    membership_id: str
    member_number: str
    method: str
    months: int
    amount_cents: int
    created_at: datetime
    expires_at: datetime
    status: str = "vigente"  # vigente | pagada | vencida


@dataclass(frozen=True)
class Payment:
    payment_id: str
    membership_id: str
    channel: str
    amount_cents: int
    months: int
    paid_at: datetime
    paid_through: date
    reference: str | None = None


@dataclass(frozen=True)
class PaymentEvent:
    """A confirmation (webhook or card charge) and what became of it."""

    event_id: str
    outcome: str  # aplicado | excepcion | rechazado
    received_at: datetime
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentException:
    event_id: str
    reason: str  # unknown_reference | amount_mismatch | expired | already_paid
    reference: str
    amount_cents: int
    channel: str
    paid_at: str
    received_at: str
    membership_id: str | None = None
    # The membership's insurer; empty when the confirmation names no membership we know.
    insurer_id: str = ""


def run_transaction(build: Any) -> list[str]:
    """Run one transaction; a failed condition raises ConditionFailed."""
    ids: list[str] = dynamo.transact(build, conflict=ConditionFailed())
    return ids
