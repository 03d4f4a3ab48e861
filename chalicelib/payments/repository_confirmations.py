"""Confirmations persistence (part of the payments repository, see `repository`): the record
of every confirmation received (the exactly-once guard), the one transaction that applies a
payment, and the exceptions left for operators.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.clock import iso
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email
from chalicelib.payments.repository_memberships import membership_key
from chalicelib.payments.repository_records import (
    ConditionFailed,
    Membership,
    Payment,
    PaymentEvent,
    PaymentException,
    run_transaction,
)
from chalicelib.payments.repository_references import reference_key

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from chalicelib.payments.models import ReferenceItem

OPEN_EXCEPTIONS = "EXCEPTIONS#abierta"
UNATTRIBUTED = "-"


def _event_key(event_id: str) -> tuple[str, str]:
    return f"EVENT#{event_id}", "EVENT"


def get_event(event_id: str) -> PaymentEvent | None:
    from chalicelib.payments.models import ReferenceItem

    item = ReferenceItem.find(*_event_key(event_id))
    if item is None:
        return None
    data = dict(item.data or {})
    return PaymentEvent(
        event_id=event_id,
        outcome=item.status or "",
        received_at=datetime.fromisoformat(data.pop("received_at")),
        details=data,
    )


def _event_item(event: PaymentEvent) -> ReferenceItem:
    from chalicelib.payments.models import ReferenceItem

    return ReferenceItem(
        *_event_key(event.event_id),
        kind="event",
        status=event.outcome,
        data={**event.details, "received_at": iso(event.received_at)},
    )


def apply_payment(
    event: PaymentEvent,
    membership: Membership,
    payment: Payment,
    emails: list[Email],
) -> list[str]:
    """The one transaction that applies a payment: the event (once per id), the reference
    (once: it must not be paid already), the membership (its version must not have moved)
    and the payment record, with the receipt email. Raises ConditionFailed otherwise."""
    from chalicelib.payments.models import MembershipItem, ReferenceItem

    paid_through = payment.paid_through.isoformat()
    membership_item = MembershipItem(*membership_key(membership.membership_id))
    payment_data = {
        "payment_id": payment.payment_id,
        "membership_id": payment.membership_id,
        "channel": payment.channel,
        "amount_cents": payment.amount_cents,
        "months": payment.months,
        "paid_at": iso(payment.paid_at),
        "paid_through": paid_through,
        "reference": payment.reference,
    }

    def build(transaction: TransactWrite) -> list[str]:
        transaction.save(_event_item(event), condition=ReferenceItem.pk.does_not_exist())
        if payment.reference is not None:
            transaction.update(
                ReferenceItem(*reference_key(payment.reference)),
                actions=[
                    ReferenceItem.status.set("pagada"),
                    ReferenceItem.gsi1pk.remove(),
                    ReferenceItem.gsi1sk.remove(),
                ],
                condition=ReferenceItem.pk.exists() & (ReferenceItem.status != "pagada"),
            )
        transaction.update(
            membership_item,
            actions=[
                MembershipItem.paid_through.set(paid_through),
                MembershipItem.version.set(membership.version + 1),
                MembershipItem.gsi2pk.set(f"DUE#{paid_through}"),
                MembershipItem.gsi2sk.set(membership.membership_id),
            ],
            condition=MembershipItem.version == membership.version,
        )
        transaction.save(
            MembershipItem(
                f"MEMBERSHIP#{membership.membership_id}",
                f"PAYMENT#{iso(payment.paid_at)}#{payment.payment_id}",
                kind="payment",
                data=payment_data,
                membership_id=membership.membership_id,
            ),
            condition=MembershipItem.pk.does_not_exist(),
        )
        return notifications.stage_emails(transaction, emails)

    return run_transaction(build)


def record_event(event: PaymentEvent, exception: PaymentException | None = None) -> bool:
    """An event that is not applied (an exception for operators, a declined charge), once.
    False when the event id was already recorded."""
    from chalicelib.payments.models import ReferenceItem

    def build(transaction: TransactWrite) -> list[str]:
        transaction.save(_event_item(event), condition=ReferenceItem.pk.does_not_exist())
        if exception is not None:
            transaction.save(
                ReferenceItem(
                    f"EXCEPTION#{exception.event_id}",
                    "EXCEPTION",
                    kind="exception",
                    status="abierta",
                    reference=exception.reference,
                    data=asdict(exception),
                    gsi1pk=_open_exceptions(exception.insurer_id),
                    gsi1sk=f"{exception.received_at}#{exception.event_id}",
                )
            )
        return []

    try:
        run_transaction(build)
    except ConditionFailed:
        return False
    return True


def _open_exceptions(insurer_id: str) -> str:
    # One partition per insurer, so an operator's list is one Query over its own tenant;
    # confirmations that name no known membership fall in the partition with no insurer.
    return f"{OPEN_EXCEPTIONS}#{insurer_id or UNATTRIBUTED}"


def open_exceptions(
    insurer_id: str, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[PaymentException], dict[str, Any] | None]:
    from chalicelib.payments.models import ReferenceItem

    result = ReferenceItem.by_expiry.query(
        _open_exceptions(insurer_id),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=cursor,
    )
    items = [PaymentException(**dict(item.data or {})) for item in result]
    return items, result.last_evaluated_key
