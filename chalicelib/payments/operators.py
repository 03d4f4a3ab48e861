"""What operators see: the confirmations that were not applied to the memberships of their
insurer, to resolve.
"""

from __future__ import annotations

from chalicelib.auth import Principal, operator_insurer
from chalicelib.payments import repository as repo
from chalicelib.payments.common import as_money
from chalicelib.payments.schemas import ExceptionsQuery, PaymentExceptionOut, PaymentExceptionsOut

EXCEPTION_LABELS = {
    "unknown_reference": "Referencia desconocida",
    "amount_mismatch": "El monto pagado no coincide",
    "expired": "Pagada después del vencimiento",
    "already_paid": "Referencia ya pagada con otro pago",
}


def payment_exceptions(principal: Principal, query: ExceptionsQuery) -> PaymentExceptionsOut:
    """Confirmations that were not applied to the memberships of the operator's insurer,
    newest first, for its operators to resolve."""
    from chalicelib.dynamo import decode_cursor, encode_cursor

    insurer_id = operator_insurer(principal, query.insurer_id)
    items, last = repo.open_exceptions(insurer_id, query.limit, decode_cursor(query.cursor))
    return PaymentExceptionsOut(
        items=[
            PaymentExceptionOut(
                event_id=e.event_id,
                reason=e.reason,
                reason_label=EXCEPTION_LABELS.get(e.reason, e.reason),
                reference=e.reference,
                amount=as_money(e.amount_cents),
                channel=e.channel,
                paid_at=e.paid_at,
                received_at=e.received_at,
            )
            for e in items
        ],
        next_cursor=encode_cursor(last),
    )
