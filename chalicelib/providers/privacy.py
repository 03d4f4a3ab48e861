"""Privacy rights (ARCO) of a provider: what this context keeps about it, its erasure (what
the fiscal period keeps, said with ids) and the purge of what was kept once it ends."""

from __future__ import annotations

from chalicelib.documents.service import DocumentOwner
from chalicelib.personal_data import FISCAL, PersonalData, Retained, Retention
from chalicelib.providers import repository
from chalicelib.providers.repository import Invoice


def _all_invoices(provider_id: str) -> list[Invoice]:
    found: list[Invoice] = []
    cursor: str | None = None
    while True:
        page = repository.invoices_of_provider(provider_id, limit=100, cursor=cursor)
        found += page.items
        cursor = page.next_cursor
        if cursor is None:
            return found


def personal_data(account_id: str) -> PersonalData:
    """The provider's bank accounts, care orders and invoices, and what owns their files."""
    from dataclasses import asdict

    banks = repository.bank_accounts(account_id)
    orders = list(repository.all_orders_of_provider(account_id))
    invoices = _all_invoices(account_id)
    dates = [o.created_at for o in orders] + [i.created_at for i in invoices]
    return PersonalData(
        "prestador",
        {
            "cuentas_bancarias": [asdict(b) for b in banks],
            "ordenes_de_atencion": [asdict(o) for o in orders],
            "facturas": [asdict(i) for i in invoices],
        },
        document_owners=(
            *((str(DocumentOwner.BANK_ACCOUNT), b.bank_account_id) for b in banks),
            *((str(DocumentOwner.CARE_ORDER), o.order_id) for o in orders),
            *((str(DocumentOwner.INVOICE), i.invoice_id) for i in invoices),
        ),
        last_activity={FISCAL: max(dates, default="")},
    )


def _invoice_last(invoice: Invoice) -> str:
    """The invoice's last fiscal act: issued, decided, paid or its payment complement."""
    payment = invoice.payment or {}
    dates = [invoice.created_at, invoice.decided_at, payment.get("paid_on")]
    dates.append(payment.get("recorded_at"))
    return max(str(d) for d in dates if d)


def erase_personal_data(account_id: str, retention: Retention) -> list[Retained]:
    """Invoices (with their complements and payments) still in their fiscal period (CFF
    art. 30) stay with the orders they bill; the rest goes, bank accounts included (no law
    keeps them once the provider leaves). Repeatable. What is kept names its ids (`invoice:`,
    `order:`) for `purge_retained`."""
    kept_invoices: list[str] = []
    invoice_ids: list[str] = []
    kept_orders: set[str] = set()
    for invoice in _all_invoices(account_id):
        last = _invoice_last(invoice)
        if retention.keeps(FISCAL, last):
            kept_invoices.append(last)
            invoice_ids.append(f"invoice:{invoice.invoice_id}")
            kept_orders.update(invoice.care_order_ids)
        else:
            repository.delete_invoice(invoice)
    order_dates: list[str] = []
    order_ids: list[str] = []
    for order in list(repository.all_orders_of_provider(account_id)):
        if order.order_id in kept_orders or retention.keeps(FISCAL, order.created_at):
            order_dates.append(order.created_at)
            order_ids.append(f"order:{order.order_id}")
        else:
            repository.delete_order(order)
    for bank in repository.bank_accounts(account_id):
        repository.delete_bank_account(bank)
    kept: list[Retained] = []
    if kept_invoices:
        kept.append(
            Retained(
                what="Facturas CFDI con sus complementos y pagos",
                category=FISCAL,
                count=len(kept_invoices),
                last_activity=max(kept_invoices),
                ids=tuple(invoice_ids),
            )
        )
    if order_dates:
        kept.append(
            Retained(
                what="Órdenes de atención que respaldan esas facturas o aún en su plazo fiscal",
                category=FISCAL,
                count=len(order_dates),
                last_activity=max([*order_dates, *kept_invoices] if kept_orders else order_dates),
                ids=tuple(order_ids),
            )
        )
    return kept


def purge_retained(ids: list[str]) -> int:
    """Delete the invoices and orders a deletion kept, once their period ended (the account
    is anonymised by then, so they come by id). Repeatable: a gone record is skipped."""
    purged = 0
    for kept_id in ids:
        kind, _, record_id = kept_id.partition(":")
        if kind == "invoice" and (invoice := repository.get_invoice(record_id)) is not None:
            repository.delete_invoice(invoice)
            purged += 1
        elif kind == "order" and (order := repository.get_order(record_id)) is not None:
            repository.delete_order(order)
            purged += 1
    return purged
