"""Invoices in DynamoDB: creating one with the orders it takes, reading them one by one or page
by page, the CFDI's verdict (its orders validated or freed), and deleting one (privacy rights).

The models are imported inside the functions (the API's import path must not load PynamoDB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import dynamo
from chalicelib.providers.repository_common import (
    Invoice,
    OrdersNotAvailable,
    Page,
    invoice_key,
    order_key,
    party_keys,
    party_page,
    run_once,
)

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action
    from pynamodb.transactions import TransactWrite

    from chalicelib.providers.models import InvoiceModel


def _to_invoice(item: InvoiceModel) -> Invoice:
    return dynamo.record_from(
        Invoice,
        item,
        care_order_ids=list(item.care_order_ids),
        subtotal=int(item.subtotal),
        total=int(item.total),
        reasons=list(item.reasons or []),
        payment=dict(item.payment) if item.payment else None,
        sat_status=dict(item.sat_status) if item.sat_status else None,
        complement_sat_status=(
            dict(item.complement_sat_status) if item.complement_sat_status else None
        ),
        complement_reasons=list(item.complement_reasons or []),
    )


def create_invoice(invoice: Invoice) -> None:
    """The invoice, and each of its orders taken for it, all or none."""
    from chalicelib.providers.models import CareOrderModel, InvoiceModel

    def build(transaction: TransactWrite) -> None:
        transaction.save(
            InvoiceModel(
                *invoice_key(invoice.invoice_id),
                **(
                    dynamo.attributes_of(
                        invoice,
                        reasons=invoice.reasons or None,
                        complement_reasons=invoice.complement_reasons or None,
                    )
                    | party_keys(
                        invoice.provider_id,
                        invoice.insurer_id,
                        f"INVOICE#{invoice.created_at}#{invoice.invoice_id}",
                    )
                ),
            ),
            condition=InvoiceModel.pk.does_not_exist(),
        )
        for order_id in invoice.care_order_ids:
            transaction.update(
                CareOrderModel(*order_key(order_id)),
                actions=[CareOrderModel.invoice_id.set(invoice.invoice_id)],
                condition=(CareOrderModel.status == "registrada")
                & CareOrderModel.invoice_id.does_not_exist()
                & (CareOrderModel.provider_id == invoice.provider_id),
            )

    dynamo.transact(build, conflict=OrdersNotAvailable())


def get_invoice(invoice_id: str) -> Invoice | None:
    from chalicelib.providers.models import InvoiceModel

    item = InvoiceModel.find(*invoice_key(invoice_id), consistent_read=True)
    return None if item is None else _to_invoice(item)


def invoices_of_provider(
    provider_id: str, *, limit: int, cursor: str | None, status: str | None = None
) -> Page:
    """A provider's invoices, newest first (Query on gsi1)."""
    return _invoices_of("PROVIDER", provider_id, limit, cursor, status)


def invoices_of_insurer(
    insurer_id: str, *, limit: int, cursor: str | None, status: str | None = None
) -> Page:
    """An insurer's invoices, newest first (Query on gsi2)."""
    return _invoices_of("INSURER", insurer_id, limit, cursor, status)


def _invoices_of(
    party: str, party_id: str, limit: int, cursor: str | None, status: str | None
) -> Page:
    from chalicelib.providers.models import InvoiceModel

    return party_page(
        InvoiceModel,
        party,
        party_id,
        "INVOICE#",
        _to_invoice,
        limit=limit,
        cursor=cursor,
        status=status,
    )


def decide_invoice(
    invoice: Invoice,
    *,
    accepted: bool,
    reasons: list[dict[str, str]],
    uuid: str | None,
    now: str,
    seal_tail: str | None = None,
) -> bool:
    """en_validacion → aceptada (orders → factura_validada) or rechazada (orders freed)."""
    from chalicelib.providers.models import CareOrderModel, InvoiceModel

    def build(transaction: TransactWrite) -> None:
        actions: list[Action] = [
            InvoiceModel.status.set("aceptada" if accepted else "rechazada"),
            InvoiceModel.reasons.set(reasons),
            InvoiceModel.decided_at.set(now),
        ]
        if uuid:
            actions.append(InvoiceModel.uuid.set(uuid))
        if seal_tail:
            actions.append(InvoiceModel.seal_tail.set(seal_tail))
        transaction.update(
            InvoiceModel(*invoice_key(invoice.invoice_id)),
            actions=actions,
            condition=InvoiceModel.status == "en_validacion",
        )
        for order_id in invoice.care_order_ids:
            transaction.update(
                CareOrderModel(*order_key(order_id)),
                actions=[CareOrderModel.status.set("factura_validada")]
                if accepted
                else [CareOrderModel.invoice_id.remove()],
                condition=CareOrderModel.invoice_id == invoice.invoice_id,
            )

    def decided() -> bool:
        current = get_invoice(invoice.invoice_id)
        return current is None or current.status != "en_validacion"

    return run_once(build, decided)


def record_sat_status(invoice_id: str, answer: dict[str, str], *, complement: bool = False) -> None:
    """Keep SAT's last answer about the invoice (or its payment complement) on the invoice;
    a later check replaces it."""
    from chalicelib.providers.models import InvoiceModel

    attribute = InvoiceModel.complement_sat_status if complement else InvoiceModel.sat_status
    dynamo.try_write(
        InvoiceModel(*invoice_key(invoice_id)).update,
        actions=[attribute.set(answer)],
        condition=InvoiceModel.pk.exists(),
    )


def delete_invoice(invoice: Invoice) -> None:
    from chalicelib.providers.models import InvoiceModel

    InvoiceModel(*invoice_key(invoice.invoice_id)).delete()
