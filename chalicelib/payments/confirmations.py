"""Payment confirmations: the signed notices of the payment network matched to their
reference and applied exactly once (with the receipt), the ones that cannot be applied
recorded as exceptions for operators, and the local stack's simulator.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from chalicelib import clock, errors, json_body
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.insurers import service as insurers
from chalicelib.kernel import formats
from chalicelib.notifications.service import Email
from chalicelib.observability import logger
from chalicelib.payments import money, periods, references, signatures
from chalicelib.payments import repository as repo
from chalicelib.payments.common import MEXICO_CITY, as_money, dispatch, long_date, site_link
from chalicelib.payments.repository import (
    ConditionFailed,
    Membership,
    Payment,
    PaymentEvent,
    PaymentException,
)
from chalicelib.payments.schemas import Simulation, SimulationOut, WebhookAnswer, WebhookEvent

_APPLY_ATTEMPTS = 5


class BadSignature(errors.Unauthorized):
    code = "bad_signature"
    message = "La firma de la notificación no es válida."


def _receipt(found: Membership, payment: Payment) -> Email:
    channels = {"tienda": "tienda de conveniencia", "banco": "banco", "tarjeta": "tarjeta"}
    return Email(
        [found.email],
        "payment_receipt",
        {
            "name": found.full_name,
            "amount": money.display(payment.amount_cents),
            "months": f"{payment.months} {'mes' if payment.months == 1 else 'meses'}",
            "channel": channels.get(payment.channel, payment.channel),
            "reference": payment.reference or payment.payment_id,
            "member_number": found.member_number,
            "plan": found.plan_name,
            "paid_through": long_date(payment.paid_through),
            "paid_at": formats.moment(payment.paid_at, MEXICO_CITY),
            "link": site_link(f"afiliados/membresia.html#id={found.membership_id}"),
            **insurers.email_brand(found.insurer_id),
        },
    )


def apply_once(
    event_id: str,
    membership_id: str,
    *,
    channel: str,
    amount_cents: int,
    months: int,
    paid_at: datetime,
    reference: str | None,
    details: dict[str, object],
) -> tuple[str, Payment | None]:
    """Apply a payment exactly once; returns ("aplicado", payment) or ("duplicado", None).

    A concurrent payment to the same membership moves its version: read again and retry.
    Raises ConditionFailed when the reference was paid by another event."""
    for _ in range(_APPLY_ATTEMPTS):
        found = repo.get_membership(membership_id)
        if found is None:
            raise errors.NotFound()
        payment = Payment(
            payment_id=event_id,
            membership_id=membership_id,
            channel=channel,
            amount_cents=amount_cents,
            months=months,
            paid_at=paid_at,
            paid_through=periods.extend(
                found.paid_through, months, paid_at.astimezone(MEXICO_CITY).date()
            ),
            reference=reference,
        )
        event = PaymentEvent(event_id, "aplicado", clock.now(), dict(details))
        try:
            dispatch(repo.apply_payment(event, found, payment, [_receipt(found, payment)]))
        except ConditionFailed:
            if repo.get_event(event_id) is not None:
                return "duplicado", None
            if reference is not None:
                paid = repo.get_reference(reference)
                if paid is not None and paid.status == "pagada":
                    raise
            continue
        logger.info(
            "payment applied",
            extra={"event_id": event_id, "membership_id": membership_id, "channel": channel},
        )
        return "aplicado", payment
    raise errors.Conflict("El pago no se pudo aplicar por ahora; se reintentará.")


def _insurer_of(event: WebhookEvent, membership_id: str | None) -> tuple[str | None, str]:
    """The membership a confirmation is for and its insurer, so the exception is listed to
    that insurer's operators only. An unknown reference still names a member number when its
    check digits are right."""
    if membership_id is None:
        parsed = references.parse(event.reference)
        if parsed is not None:
            membership_id = repo.membership_id_for_number(parsed.member_number)
    found = repo.get_membership(membership_id) if membership_id else None
    return membership_id, found.insurer_id if found is not None else ""


def _exception(event: WebhookEvent, reason: str, membership_id: str | None) -> str:
    now = clock.now()
    membership_id, insurer_id = _insurer_of(event, membership_id)
    recorded = repo.record_event(
        PaymentEvent(event.event_id, "excepcion", now, {"reason": reason}),
        PaymentException(
            event_id=event.event_id,
            reason=reason,
            reference=event.reference,
            amount_cents=money.to_cents(event.amount.amount),
            channel=event.channel,
            paid_at=clock.iso(event.paid_at),
            received_at=clock.iso(now),
            membership_id=membership_id,
            insurer_id=insurer_id,
        ),
    )
    logger.warning("payment not applied", extra={"event_id": event.event_id, "reason": reason})
    return "excepcion" if recorded else "duplicado"


def _handle(event: WebhookEvent) -> str:
    if repo.get_event(event.event_id) is not None:
        return "duplicado"
    number = references.normalize(event.reference)
    parsed = references.parse(number)
    found = repo.get_reference(number) if parsed is not None else None
    if found is None:
        return _exception(event, "unknown_reference", None)
    if money.to_cents(event.amount.amount) != found.amount_cents:
        return _exception(event, "amount_mismatch", found.membership_id)
    if event.paid_at > found.expires_at:
        return _exception(event, "expired", found.membership_id)
    if found.status == "pagada":
        return _exception(event, "already_paid", found.membership_id)
    try:
        outcome, _ = apply_once(
            event.event_id,
            found.membership_id,
            channel=found.method,
            amount_cents=found.amount_cents,
            months=found.months,
            paid_at=event.paid_at,
            reference=found.reference,
            details={"reference": found.reference, "channel": event.channel},
        )
    except ConditionFailed:
        return _exception(event, "already_paid", found.membership_id)
    return outcome


def receive_webhook(raw_body: bytes | str, signature_header: str | None) -> WebhookAnswer:
    """A signed confirmation from the payment network: applied once per event id and once
    per reference; anything not applicable is recorded for operators and still answered 200
    so the network stops retrying."""
    raw = raw_body.encode() if isinstance(raw_body, str) else raw_body
    try:
        signatures.verify(
            get_settings().payments_webhook_secret,
            signature_header,
            raw,
            int(clock.now().timestamp()),
        )
    except signatures.BadSignature as exc:
        logger.warning("webhook refused", extra={"reason": str(exc)})
        raise BadSignature() from None
    event = WebhookEvent.model_validate(json_body.load(raw))
    return WebhookAnswer(received=True, outcome=_handle(event))  # type: ignore[arg-type]


def simulate_payment(principal: Principal, body: Simulation) -> SimulationOut:
    """Local stack only: sign a confirmation for a reference, as the network would, and send
    it through the same verification as the webhook route."""
    settings = get_settings()
    if not settings.payments_simulator:
        raise errors.NotFound()
    number = references.normalize(body.reference)
    found = repo.get_reference(number)
    cents = found.amount_cents if found is not None else 0
    if body.amount is not None:
        cents = money.to_cents(body.amount)
    parsed = references.parse(number)
    event = WebhookEvent(
        event_id=f"sim_{uuid.uuid4().hex}",
        type="payment.succeeded",
        reference=number,
        amount=as_money(cents),
        paid_at=clock.now().replace(microsecond=0),
        channel=parsed.method if parsed is not None else "tienda",
    )
    raw = event.model_dump_json().encode()
    signature = signatures.sign(settings.payments_webhook_secret, int(clock.now().timestamp()), raw)
    logger.info("payment simulated", extra={"operator": principal.account_id})
    return SimulationOut(signature=signature, body=event, answer=receive_webhook(raw, signature))
