"""Card payments: a card token charged through the gateway and applied once; sending the
same token again answers what happened the first time.
"""

from __future__ import annotations

import hashlib
from datetime import date

from chalicelib import clock
from chalicelib.payments import gateway, money
from chalicelib.payments import repository as repo
from chalicelib.payments.common import limit_requests
from chalicelib.payments.confirmations import apply_once
from chalicelib.payments.memberships import existing_membership
from chalicelib.payments.repository import PaymentEvent
from chalicelib.payments.schemas import CardPaymentOut, CardPaymentRequest


def pay_by_card(membership_id: str, body: CardPaymentRequest, source_ip: str) -> CardPaymentOut:
    """Charge a card token through the gateway and apply the payment once. A token is single
    use: sending it again answers what happened the first time."""
    limit_requests("pay-ip", source_ip)
    found = existing_membership(membership_id)
    # The token itself is never stored or logged: only its hash names the payment.
    event_id = "card_" + hashlib.sha256(body.card_token.encode()).hexdigest()[:32]
    previous = repo.get_event(event_id)
    if previous is not None:
        return _card_answer(event_id, previous.outcome, previous.details.get("decline_code"))
    amount_cents = found.monthly_fee_cents * body.months
    charge = gateway.gateway_for("sandbox").charge(
        token=body.card_token,
        amount_cents=amount_cents,
        currency=money.CURRENCY,
        idempotency_key=event_id,
    )
    if charge.status != gateway.APPROVED:
        repo.record_event(
            PaymentEvent(
                event_id,
                "rechazado",
                clock.now(),
                {"decline_code": charge.decline_code, "charge_id": charge.charge_id},
            )
        )
        return _card_answer(event_id, "rechazado", charge.decline_code)
    _outcome, payment = apply_once(
        event_id,
        membership_id,
        channel="tarjeta",
        amount_cents=amount_cents,
        months=body.months,
        paid_at=clock.now(),
        reference=None,
        details={"charge_id": charge.charge_id},
    )
    return _card_answer(event_id, "aplicado", None, payment.paid_through if payment else None)


_DECLINES = {
    "card_declined": "El banco rechazó la tarjeta. Intenta con otra o paga en tienda o banco.",
    "insufficient_funds": "La tarjeta no tiene fondos suficientes. Intenta con otra tarjeta.",
    "invalid_token": "No pudimos leer los datos de la tarjeta. Vuelve a capturarlos.",
}


def _card_answer(
    event_id: str, outcome: str, decline_code: object, paid_through: date | None = None
) -> CardPaymentOut:
    if outcome == "aplicado":
        return CardPaymentOut(
            payment_id=event_id,
            status="aprobado",
            message="¡Pago aprobado! Te enviamos el recibo por correo.",
            paid_through=paid_through,
        )
    code = str(decline_code or "card_declined")
    return CardPaymentOut(
        payment_id=event_id,
        status="rechazado",
        message=_DECLINES.get(code, _DECLINES["card_declined"]),
        decline_code=code,
    )
