"""Providers persistence: the only module that touches this context's PynamoDB models.

Models are imported inside the functions (the API's import path must not load PynamoDB).
Every state change is conditional on the state it leaves, so a repeated or concurrent call
(a redelivered verdict, a double click) changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors, paging

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action
    from pynamodb.transactions import TransactWrite

    from chalicelib.providers.models import BankAccountModel, CareOrderModel, InvoiceModel

StageEmails = Callable[["TransactWrite"], list[str]]


class AccountNumberTaken(errors.Conflict):
    code = "account_number_taken"
    message = "Ya existe una orden de atención con ese número de cuenta para la aseguradora."


class OrdersNotAvailable(errors.Conflict):
    code = "care_orders_not_available"
    message = (
        "Alguna de las órdenes ya está en otra factura o ya no está pendiente de facturar. "
        "Actualiza la página y vuelve a elegirlas."
    )


class InvoiceStateChanged(errors.Conflict):
    code = "invoice_state_changed"
    message = "La factura cambió de estado mientras tanto. Actualiza la página."


@dataclass
class CareOrder:
    order_id: str
    provider_id: str
    insurer_id: str
    kind: str
    account_number: str
    patient_name: str
    service: str
    service_date: str
    amount: int
    coinsurance: int
    iva_taxed: bool
    regime: str
    jalisco_cedular: bool
    insured_signed: bool
    doctor_signed: bool
    status: str
    loaded_by: str
    created_at: str
    invoice_id: str | None = None
    paid: int | None = None
    format_document_ids: list[str] = field(default_factory=list)
    format_key: str | None = None
    format_status: str | None = None
    format_reasons: list[dict[str, str]] = field(default_factory=list)


@dataclass
class BankAccount:
    bank_account_id: str
    provider_id: str
    clabe: str
    bank: str
    status: str
    created_at: str
    reasons: list[dict[str, str]] = field(default_factory=list)
    document_id: str | None = None
    decided_at: str | None = None


@dataclass
class Invoice:
    invoice_id: str
    provider_id: str
    insurer_id: str
    care_order_ids: list[str]
    status: str
    document_id: str
    subtotal: int
    total: int
    created_at: str
    reasons: list[dict[str, str]] = field(default_factory=list)
    uuid: str | None = None
    decided_at: str | None = None
    payment: dict[str, Any] | None = None
    complement_document_id: str | None = None
    complement_status: str | None = None
    complement_reasons: list[dict[str, str]] = field(default_factory=list)
    complement_uuid: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


# --- keys ----------------------------------------------------------------------------------


def _order_key(order_id: str) -> tuple[str, str]:
    return f"ORDER#{order_id}", "ORDER"


def _account_key(insurer_id: str, number: str) -> tuple[str, str]:
    return f"ACCOUNT#{insurer_id}#{number}", "ACCOUNT"


def _bank_key(provider_id: str, bank_account_id: str) -> tuple[str, str]:
    return f"PROVIDER#{provider_id}", f"BANK#{bank_account_id}"


def _invoice_key(invoice_id: str) -> tuple[str, str]:
    return f"INVOICE#{invoice_id}", "INVOICE"


# --- conversions ------------------------------------------------------------------------------


def _to_order(item: CareOrderModel) -> CareOrder:
    return CareOrder(
        order_id=item.order_id,
        provider_id=item.provider_id,
        insurer_id=item.insurer_id,
        kind=item.kind,
        account_number=item.account_number,
        patient_name=item.patient_name,
        service=item.service,
        service_date=item.service_date,
        amount=int(item.amount),
        coinsurance=int(item.coinsurance),
        iva_taxed=bool(item.iva_taxed),
        regime=item.regime,
        jalisco_cedular=bool(item.jalisco_cedular),
        insured_signed=bool(item.insured_signed),
        doctor_signed=bool(item.doctor_signed),
        status=item.status,
        loaded_by=item.loaded_by,
        created_at=item.created_at,
        invoice_id=item.invoice_id,
        paid=int(item.paid) if item.paid is not None else None,
        format_document_ids=list(item.format_document_ids or []),
        format_key=item.format_key,
        format_status=item.format_status,
        format_reasons=list(item.format_reasons or []),
    )


def _to_bank_account(item: BankAccountModel) -> BankAccount:
    return BankAccount(
        bank_account_id=item.bank_account_id,
        provider_id=item.provider_id,
        clabe=item.clabe,
        bank=item.bank,
        status=item.status,
        created_at=item.created_at,
        reasons=list(item.reasons or []),
        document_id=item.document_id,
        decided_at=item.decided_at,
    )


def _to_invoice(item: InvoiceModel) -> Invoice:
    return Invoice(
        invoice_id=item.invoice_id,
        provider_id=item.provider_id,
        insurer_id=item.insurer_id,
        care_order_ids=list(item.care_order_ids),
        status=item.status,
        document_id=item.document_id,
        subtotal=int(item.subtotal),
        total=int(item.total),
        created_at=item.created_at,
        reasons=list(item.reasons or []),
        uuid=item.uuid,
        decided_at=item.decided_at,
        payment=dict(item.payment) if item.payment else None,
        complement_document_id=item.complement_document_id,
        complement_status=item.complement_status,
        complement_reasons=list(item.complement_reasons or []),
        complement_uuid=item.complement_uuid,
    )


def _order_model(order: CareOrder) -> CareOrderModel:
    from chalicelib.providers.models import CareOrderModel

    sort = f"ORDER#{order.created_at}#{order.order_id}"
    return CareOrderModel(
        *_order_key(order.order_id),
        order_id=order.order_id,
        provider_id=order.provider_id,
        insurer_id=order.insurer_id,
        kind=order.kind,
        account_number=order.account_number,
        patient_name=order.patient_name,
        service=order.service,
        service_date=order.service_date,
        amount=order.amount,
        coinsurance=order.coinsurance,
        iva_taxed=order.iva_taxed,
        regime=order.regime,
        jalisco_cedular=order.jalisco_cedular,
        insured_signed=order.insured_signed,
        doctor_signed=order.doctor_signed,
        status=order.status,
        loaded_by=order.loaded_by,
        created_at=order.created_at,
        format_document_ids=order.format_document_ids or None,
        format_status=order.format_status,
        gsi1pk=f"PROVIDER#{order.provider_id}",
        gsi1sk=sort,
        gsi2pk=f"INSURER#{order.insurer_id}",
        gsi2sk=sort,
    )


# --- care orders ------------------------------------------------------------------------------


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


def get_order(order_id: str) -> CareOrder | None:
    from chalicelib.providers.models import CareOrderModel

    try:
        return _to_order(CareOrderModel.get(*_order_key(order_id), consistent_read=True))
    except CareOrderModel.DoesNotExist:
        return None


def get_orders(order_ids: list[str]) -> list[CareOrder]:
    """The orders that exist, in the order asked (consistent reads; a handful per invoice)."""
    found = [get_order(order_id) for order_id in dict.fromkeys(order_ids)]
    return [order for order in found if order is not None]


def _page(
    query: Callable[..., Any],
    convert: Callable[[Any], Any],
    limit: int,
    cursor: str | None,
    **kwargs: Any,
) -> Page:
    """Up to `limit` items after `cursor`, a filter (`filter_condition`) applied before the
    page is cut, and a cursor only when another item follows (see chalicelib/paging.py)."""

    def read(key: dict[str, Any] | None, wanted: int) -> tuple[list[Any], dict[str, Any] | None]:
        results = query(limit=wanted, last_evaluated_key=key, scan_index_forward=False, **kwargs)
        return [convert(item) for item in results], results.last_evaluated_key

    items, next_cursor = paging.page_through(read, limit, cursor)
    return Page(items, next_cursor)


def orders_of_provider(
    provider_id: str, *, limit: int, cursor: str | None, status: str | None = None
) -> Page:
    """A provider's orders, newest first (Query on gsi1)."""
    from chalicelib.providers.models import CareOrderModel

    condition = CareOrderModel.status == status if status else None
    return _page(
        lambda **kw: CareOrderModel.by_provider.query(
            f"PROVIDER#{provider_id}", CareOrderModel.gsi1sk.startswith("ORDER#"), **kw
        ),
        _to_order,
        limit,
        cursor,
        filter_condition=condition,
    )


def all_orders_of_provider(provider_id: str) -> Iterator[CareOrder]:
    """Every order of a provider, oldest first, page by page (the statement)."""
    from chalicelib.providers.models import CareOrderModel

    for item in CareOrderModel.by_provider.query(
        f"PROVIDER#{provider_id}", CareOrderModel.gsi1sk.startswith("ORDER#"), page_size=200
    ):
        yield _to_order(item)


def orders_of_insurer(insurer_id: str, *, limit: int, cursor: str | None) -> Page:
    from chalicelib.providers.models import CareOrderModel

    return _page(
        lambda **kw: CareOrderModel.by_insurer.query(
            f"INSURER#{insurer_id}", CareOrderModel.gsi2sk.startswith("ORDER#"), **kw
        ),
        _to_order,
        limit,
        cursor,
    )


def set_order_format(
    order_id: str, status: str, reasons: list[dict[str, str]], format_key: str | None
) -> None:
    """A traditional order's format: merged (with its key) or rejected (with why)."""
    from chalicelib.providers.models import CareOrderModel

    item = CareOrderModel(*_order_key(order_id))
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


# --- bank accounts --------------------------------------------------------------------------


def bank_accounts(provider_id: str) -> list[BankAccount]:
    """A provider's bank accounts, oldest first (a handful; Query on the provider's key)."""
    from chalicelib.providers.models import BankAccountModel

    items = BankAccountModel.query(
        f"PROVIDER#{provider_id}", BankAccountModel.sk.startswith("BANK#"), consistent_read=True
    )
    return sorted((_to_bank_account(item) for item in items), key=lambda a: a.created_at)


def create_bank_account(account: BankAccount, replaces_pending: str | None) -> None:
    """A new account under validation; one still under validation is replaced by it."""
    from chalicelib.providers.models import BankAccountModel

    def build(transaction: TransactWrite) -> None:
        transaction.save(
            BankAccountModel(
                *_bank_key(account.provider_id, account.bank_account_id),
                bank_account_id=account.bank_account_id,
                provider_id=account.provider_id,
                clabe=account.clabe,
                bank=account.bank,
                status=account.status,
                document_id=account.document_id,
                created_at=account.created_at,
            ),
            condition=BankAccountModel.pk.does_not_exist(),
        )
        if replaces_pending:
            transaction.update(
                BankAccountModel(*_bank_key(account.provider_id, replaces_pending)),
                actions=[BankAccountModel.status.set("reemplazada")],
                condition=BankAccountModel.status == "en_validacion",
            )

    dynamo.transact(
        build,
        conflict=errors.Conflict(
            "Tu cuenta bancaria cambió mientras tanto. Actualiza la página e intenta de nuevo.",
            code="bank_account_changed",
        ),
    )


def decide_bank_account(
    account: BankAccount,
    *,
    accepted: bool,
    reasons: list[dict[str, str]],
    now: str,
    previous_active: str | None,
    stage_emails: StageEmails,
) -> list[str] | None:
    """en_validacion → activa (the previous active one → reemplazada) or rechazada, with the
    email; None when it was already decided (a redelivered verdict)."""
    from chalicelib.providers.models import BankAccountModel

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            BankAccountModel(*_bank_key(account.provider_id, account.bank_account_id)),
            actions=[
                BankAccountModel.status.set("activa" if accepted else "rechazada"),
                BankAccountModel.reasons.set(reasons),
                BankAccountModel.decided_at.set(now),
            ],
            condition=BankAccountModel.status == "en_validacion",
        )
        if accepted and previous_active:
            transaction.update(
                BankAccountModel(*_bank_key(account.provider_id, previous_active)),
                actions=[BankAccountModel.status.set("reemplazada")],
                condition=BankAccountModel.status == "activa",
            )
        return stage_emails(transaction)

    class _Refused(errors.Conflict):
        pass

    try:
        return dynamo.transact(build, conflict=_Refused())
    except _Refused:
        current = next(
            (
                a
                for a in bank_accounts(account.provider_id)
                if a.bank_account_id == account.bank_account_id
            ),
            None,
        )
        if current is None or current.status != "en_validacion":
            return None
        raise StillUndecided() from None


# --- invoices -------------------------------------------------------------------------------


def create_invoice(invoice: Invoice) -> None:
    """The invoice, and each of its orders taken for it, all or none."""
    from chalicelib.providers.models import CareOrderModel, InvoiceModel

    sort = f"INVOICE#{invoice.created_at}#{invoice.invoice_id}"

    def build(transaction: TransactWrite) -> None:
        transaction.save(
            InvoiceModel(
                *_invoice_key(invoice.invoice_id),
                invoice_id=invoice.invoice_id,
                provider_id=invoice.provider_id,
                insurer_id=invoice.insurer_id,
                care_order_ids=invoice.care_order_ids,
                status=invoice.status,
                document_id=invoice.document_id,
                subtotal=invoice.subtotal,
                total=invoice.total,
                created_at=invoice.created_at,
                gsi1pk=f"PROVIDER#{invoice.provider_id}",
                gsi1sk=sort,
                gsi2pk=f"INSURER#{invoice.insurer_id}",
                gsi2sk=sort,
            ),
            condition=InvoiceModel.pk.does_not_exist(),
        )
        for order_id in invoice.care_order_ids:
            transaction.update(
                CareOrderModel(*_order_key(order_id)),
                actions=[CareOrderModel.invoice_id.set(invoice.invoice_id)],
                condition=(CareOrderModel.status == "registrada")
                & CareOrderModel.invoice_id.does_not_exist()
                & (CareOrderModel.provider_id == invoice.provider_id),
            )

    dynamo.transact(build, conflict=OrdersNotAvailable())


def get_invoice(invoice_id: str) -> Invoice | None:
    from chalicelib.providers.models import InvoiceModel

    try:
        return _to_invoice(InvoiceModel.get(*_invoice_key(invoice_id), consistent_read=True))
    except InvoiceModel.DoesNotExist:
        return None


def invoices_of_provider(
    provider_id: str, *, limit: int, cursor: str | None, status: str | None = None
) -> Page:
    from chalicelib.providers.models import InvoiceModel

    return _page(
        lambda **kw: InvoiceModel.by_provider.query(
            f"PROVIDER#{provider_id}", InvoiceModel.gsi1sk.startswith("INVOICE#"), **kw
        ),
        _to_invoice,
        limit,
        cursor,
        filter_condition=InvoiceModel.status == status if status else None,
    )


def invoices_of_insurer(
    insurer_id: str, *, limit: int, cursor: str | None, status: str | None = None
) -> Page:
    from chalicelib.providers.models import InvoiceModel

    return _page(
        lambda **kw: InvoiceModel.by_insurer.query(
            f"INSURER#{insurer_id}", InvoiceModel.gsi2sk.startswith("INVOICE#"), **kw
        ),
        _to_invoice,
        limit,
        cursor,
        filter_condition=InvoiceModel.status == status if status else None,
    )


class StillUndecided(RuntimeError):
    """A verdict's change could not be written though nothing else decided it (a conflict
    that outlived the retries): raised so the queue delivers the verdict again."""


def _run_once(build: Callable[[TransactWrite], None], decided: Callable[[], bool]) -> bool:
    """True when the transaction ran; False when it had already run (`decided()` says so)."""

    class _Refused(errors.Conflict):
        pass

    try:
        dynamo.transact(build, conflict=_Refused())
    except _Refused:
        if decided():
            return False
        raise StillUndecided() from None
    return True


def decide_invoice(
    invoice: Invoice,
    *,
    accepted: bool,
    reasons: list[dict[str, str]],
    uuid: str | None,
    now: str,
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
        transaction.update(
            InvoiceModel(*_invoice_key(invoice.invoice_id)),
            actions=actions,
            condition=InvoiceModel.status == "en_validacion",
        )
        for order_id in invoice.care_order_ids:
            transaction.update(
                CareOrderModel(*_order_key(order_id)),
                actions=[CareOrderModel.status.set("factura_validada")]
                if accepted
                else [CareOrderModel.invoice_id.remove()],
                condition=CareOrderModel.invoice_id == invoice.invoice_id,
            )

    def decided() -> bool:
        current = get_invoice(invoice.invoice_id)
        return current is None or current.status != "en_validacion"

    return _run_once(build, decided)


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
            InvoiceModel(*_invoice_key(invoice.invoice_id)),
            actions=[InvoiceModel.status.set("pagada"), InvoiceModel.payment.set(payment)],
            condition=InvoiceModel.status == "aceptada",
        )
        for order_id, paid in paid_per_order.items():
            transaction.update(
                CareOrderModel(*_order_key(order_id)),
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

    try:
        InvoiceModel(*_invoice_key(invoice_id)).update(
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
        )
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            raise InvoiceStateChanged() from None
        raise


def decide_complement(
    invoice: Invoice,
    document_id: str,
    *,
    accepted: bool,
    reasons: list[dict[str, str]],
    uuid: str | None,
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
        transaction.update(
            InvoiceModel(*_invoice_key(invoice.invoice_id)),
            actions=actions,
            condition=(InvoiceModel.complement_document_id == document_id)
            & (InvoiceModel.complement_status == "pendiente")
            & (InvoiceModel.status == "pagada"),
        )
        if accepted:
            for order_id in invoice.care_order_ids:
                transaction.update(
                    CareOrderModel(*_order_key(order_id)),
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

    return _run_once(build, decided)


# --- privacy rights (ARCO) ------------------------------------------------------------------


def delete_bank_account(account: BankAccount) -> None:
    from chalicelib.providers.models import BankAccountModel

    BankAccountModel(*_bank_key(account.provider_id, account.bank_account_id)).delete()


def delete_invoice(invoice: Invoice) -> None:
    from chalicelib.providers.models import InvoiceModel

    InvoiceModel(*_invoice_key(invoice.invoice_id)).delete()


def delete_order(order: CareOrder) -> None:
    """The order only: its account-number guard stays (it holds no personal data and still
    stops the same admission from being loaded and paid twice)."""
    from chalicelib.providers.models import CareOrderModel

    CareOrderModel(*_order_key(order.order_id)).delete()
