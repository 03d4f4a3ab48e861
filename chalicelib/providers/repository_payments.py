"""An invoice's payment and its payment complement in DynamoDB: the payment recorded (its
orders paid), the complement's upload and its verdict.

The models are imported inside the functions (the API's import path must not load PynamoDB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import dynamo
from chalicelib.providers.repository_common import (
    Invoice,
    InvoiceStateChanged,
    StageEmails,
    invoice_key,
    order_key,
    run_once,
)
from chalicelib.providers.repository_invoices import get_invoice

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action
    from pynamodb.transactions import TransactWrite


def record_payment(
    invoice: Invoice,
    payment: dict[str, Any],
    paid_per_order: dict[str, int],
    stage_emails: StageEmails,
) -> list[str]:
    """aceptada → pagada; its orders are paid and now owe the payment complement."""
    from chalicelib.providers.models import CareOrderModel, InvoiceModel

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            InvoiceModel(*invoice_key(invoice.invoice_id)),
            actions=[InvoiceModel.status.set("pagada"), InvoiceModel.payment.set(payment)],
            condition=InvoiceModel.status == "aceptada",
        )
        for order_id, paid in paid_per_order.items():
            transaction.update(
                CareOrderModel(*order_key(order_id)),
                actions=[
                    CareOrderModel.status.set("complemento_pendiente"),
                    CareOrderModel.paid.set(paid),
                ],
                condition=CareOrderModel.invoice_id == invoice.invoice_id,
            )
        return stage_emails(transaction)

    return dynamo.transact(build, conflict=InvoiceStateChanged())


def attach_complement(invoice_id: str, document_id: str) -> None:
    """The complement being uploaded (a new one replaces one that was rejected)."""
    from chalicelib.providers.models import InvoiceModel

    if not dynamo.try_write(
        InvoiceModel(*invoice_key(invoice_id)).update,
        actions=[
            InvoiceModel.complement_document_id.set(document_id),
            InvoiceModel.complement_status.set("pendiente"),
            InvoiceModel.complement_reasons.set([]),
        ],
        condition=(InvoiceModel.status == "pagada")
        & (
            InvoiceModel.complement_status.does_not_exist()
            | (InvoiceModel.complement_status != "aceptado")
        ),
    ):
        raise InvoiceStateChanged()


def decide_complement(
    invoice: Invoice,
    document_id: str,
    *,
    accepted: bool,
    reasons: list[dict[str, str]],
    uuid: str | None,
    seal_tail: str | None = None,
) -> bool:
    """The complement's verdict; accepted: invoice and orders → complemento_recibido."""
    from chalicelib.providers.models import CareOrderModel, InvoiceModel

    def build(transaction: TransactWrite) -> None:
        actions: list[Action] = [
            InvoiceModel.complement_status.set("aceptado" if accepted else "rechazado"),
            InvoiceModel.complement_reasons.set(reasons),
        ]
        if accepted:
            actions.append(InvoiceModel.status.set("complemento_recibido"))
            if uuid:
                actions.append(InvoiceModel.complement_uuid.set(uuid))
            if seal_tail:
                actions.append(InvoiceModel.complement_seal_tail.set(seal_tail))
        transaction.update(
            InvoiceModel(*invoice_key(invoice.invoice_id)),
            actions=actions,
            condition=(InvoiceModel.complement_document_id == document_id)
            & (InvoiceModel.complement_status == "pendiente")
            & (InvoiceModel.status == "pagada"),
        )
        if accepted:
            for order_id in invoice.care_order_ids:
                transaction.update(
                    CareOrderModel(*order_key(order_id)),
                    actions=[CareOrderModel.status.set("complemento_recibido")],
                    condition=CareOrderModel.invoice_id == invoice.invoice_id,
                )

    def decided() -> bool:
        current = get_invoice(invoice.invoice_id)
        return (
            current is None
            or current.complement_document_id != document_id
            or current.complement_status != "pendiente"
            or current.status != "pagada"
        )

    return run_once(build, decided)
