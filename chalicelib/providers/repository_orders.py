"""Care orders in DynamoDB: loading them with their account-number guards, reading them one by
one or page by page, a traditional order's format, and deleting one (privacy rights).

The models are imported inside the functions (the API's import path must not load PynamoDB).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from chalicelib import dynamo
from chalicelib.providers.repository_common import (
    AccountNumberTaken,
    CareOrder,
    Page,
    order_key,
    party_keys,
    party_page,
)

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from chalicelib.providers.models import CareOrderModel


def _account_key(insurer_id: str, number: str) -> tuple[str, str]:
    return f"ACCOUNT#{insurer_id}#{number}", "ACCOUNT"


def _to_order(item: CareOrderModel) -> CareOrder:
    return dynamo.record_from(
        CareOrder,
        item,
        amount=int(item.amount),
        coinsurance=int(item.coinsurance),
        iva_taxed=bool(item.iva_taxed),
        jalisco_cedular=bool(item.jalisco_cedular),
        insured_signed=bool(item.insured_signed),
        doctor_signed=bool(item.doctor_signed),
        paid=int(item.paid) if item.paid is not None else None,
        format_document_ids=list(item.format_document_ids or []),
        format_reasons=list(item.format_reasons or []),
    )


def _order_model(order: CareOrder) -> CareOrderModel:
    from chalicelib.providers.models import CareOrderModel

    return CareOrderModel(
        *order_key(order.order_id),
        **(
            dynamo.attributes_of(
                order,
                format_document_ids=order.format_document_ids or None,
                format_reasons=order.format_reasons or None,
            )
            | party_keys(
                order.provider_id, order.insurer_id, f"ORDER#{order.created_at}#{order.order_id}"
            )
        ),
    )


def create_orders(orders: list[CareOrder]) -> None:
    """Orders and their account-number guards, all or none (at most 50 orders)."""
    from chalicelib.providers.models import AccountNumberModel, CareOrderModel

    def build(transaction: TransactWrite) -> None:
        for order in orders:
            transaction.save(_order_model(order), condition=CareOrderModel.pk.does_not_exist())
            transaction.save(
                AccountNumberModel(
                    *_account_key(order.insurer_id, order.account_number),
                    order_id=order.order_id,
                ),
                condition=AccountNumberModel.pk.does_not_exist(),
            )

    dynamo.transact(build, conflict=AccountNumberTaken())


def orders_by_account(insurer_id: str, numbers: list[str]) -> dict[str, CareOrder]:
    """An insurer's orders by account number: the guards, then their orders, each read in
    batches (BatchGetItem)."""
    from chalicelib.providers.models import AccountNumberModel, CareOrderModel

    guards = AccountNumberModel.batch_get(
        [_account_key(insurer_id, number) for number in dict.fromkeys(numbers)]
    )
    order_ids = [guard.order_id for guard in guards]
    found = CareOrderModel.batch_get([order_key(order_id) for order_id in dict.fromkeys(order_ids)])
    return {order.account_number: order for order in map(_to_order, found)}


def replace_orders(orders: list[CareOrder]) -> None:
    """Write these existing orders again with their new values (batched writes)."""
    from chalicelib.providers.models import CareOrderModel

    with CareOrderModel.batch_write() as batch:
        for order in orders:
            batch.save(_order_model(order))


def get_order(order_id: str) -> CareOrder | None:
    from chalicelib.providers.models import CareOrderModel

    item = CareOrderModel.find(*order_key(order_id), consistent_read=True)
    return None if item is None else _to_order(item)


def get_orders(order_ids: list[str]) -> list[CareOrder]:
    """The orders that exist, in the order asked (consistent reads; a handful per invoice)."""
    found = [get_order(order_id) for order_id in dict.fromkeys(order_ids)]
    return [order for order in found if order is not None]


def orders_of_provider(
    provider_id: str, *, limit: int, cursor: str | None, status: str | None = None
) -> Page:
    """A provider's orders, newest first (Query on gsi1)."""
    from chalicelib.providers.models import CareOrderModel

    return party_page(
        CareOrderModel,
        "PROVIDER",
        provider_id,
        "ORDER#",
        _to_order,
        limit=limit,
        cursor=cursor,
        status=status,
    )


def all_orders_of_provider(provider_id: str) -> Iterator[CareOrder]:
    """Every order of a provider, oldest first, page by page (the statement)."""
    from chalicelib.providers.models import CareOrderModel

    for item in CareOrderModel.by_provider.query(
        f"PROVIDER#{provider_id}", CareOrderModel.gsi1sk.startswith("ORDER#"), page_size=200
    ):
        yield _to_order(item)


def orders_of_insurer(insurer_id: str, *, limit: int, cursor: str | None) -> Page:
    """An insurer's orders, newest first (Query on gsi2)."""
    from chalicelib.providers.models import CareOrderModel

    return party_page(
        CareOrderModel, "INSURER", insurer_id, "ORDER#", _to_order, limit=limit, cursor=cursor
    )


def set_order_format(
    order_id: str, status: str, reasons: list[dict[str, str]], format_key: str | None
) -> None:
    """A traditional order's format: merged (with its key) or rejected (with why)."""
    from chalicelib.providers.models import CareOrderModel

    item = CareOrderModel(*order_key(order_id))
    item.update(
        actions=[
            CareOrderModel.format_status.set(status),
            CareOrderModel.format_reasons.set(reasons),
            CareOrderModel.format_key.set(format_key)
            if format_key
            else CareOrderModel.format_key.remove(),
        ],
        condition=CareOrderModel.pk.exists(),
    )


def delete_order(order: CareOrder) -> None:
    """The order only: its account-number guard stays (it holds no personal data and still
    stops the same admission from being loaded and paid twice)."""
    from chalicelib.providers.models import CareOrderModel

    CareOrderModel(*order_key(order.order_id)).delete()
