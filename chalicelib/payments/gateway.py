"""The card payment gateway: a port, and the sandbox adapter the local stack ships.

Card numbers never reach our code: the browser hands the card to the gateway's own script,
which answers a single-use token; the API only sees the token. The sandbox's "script" is
`static_site/js/sandbox-gateway.js`, which turns the documented test cards into tokens.

Sandbox tokens (`tok_sandbox_<outcome>_<random>`):
    tok_sandbox_approved_…            approved       (test card 4242 4242 4242 4242)
    tok_sandbox_declined_…            card_declined  (test card 4000 0000 0000 0002)
    tok_sandbox_insufficient_funds_…  insufficient_funds (test card 4000 0000 0000 9995)
Anything else is declined as `invalid_token`.

A real gateway is one more class with `charge` (its SDK or HTTPS API, the token, the amount
in centavos and our idempotency key so a retried call never charges twice) chosen in
`gateway_for`; nothing else changes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Protocol

APPROVED = "aprobado"
DECLINED = "rechazado"


@dataclass(frozen=True)
class Charge:
    status: str  # aprobado | rechazado
    charge_id: str
    decline_code: str | None = None


class PaymentGateway(Protocol):
    def charge(
        self, *, token: str, amount_cents: int, currency: str, idempotency_key: str
    ) -> Charge: ...


_SANDBOX_TOKEN = re.compile(
    r"^tok_sandbox_(approved|declined|insufficient_funds)_[A-Za-z0-9]{8,40}$"
)


class SandboxGateway:
    """Decides by the token alone, deterministically, so a retried charge answers the same."""

    def charge(
        self, *, token: str, amount_cents: int, currency: str, idempotency_key: str
    ) -> Charge:
        charge_id = "ch_sandbox_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
        match = _SANDBOX_TOKEN.match(token)
        if match is None:
            return Charge(DECLINED, charge_id, "invalid_token")
        outcome = match.group(1)
        if outcome == "approved":
            return Charge(APPROVED, charge_id)
        return Charge(DECLINED, charge_id, "card_declined" if outcome == "declined" else outcome)


def gateway_for(name: str = "sandbox") -> PaymentGateway:
    if name == "sandbox":
        return SandboxGateway()
    raise ValueError(f"unknown payment gateway {name}")
