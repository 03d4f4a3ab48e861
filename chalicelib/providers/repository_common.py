"""What the providers repository modules share: the records they hand out, the conflicts they
raise, the care order's key (invoices update their orders) and paging; no model is loaded here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors, paging

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

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


class StillUndecided(RuntimeError):
    """A verdict's change could not be written though nothing else decided it (a conflict
    that outlived the retries): raised so the queue delivers the verdict again."""


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
    seal_tail: str | None = None
    sat_status: dict[str, Any] | None = None
    complement_seal_tail: str | None = None
    complement_sat_status: dict[str, Any] | None = None


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def order_key(order_id: str) -> tuple[str, str]:
    return f"ORDER#{order_id}", "ORDER"


def invoice_key(invoice_id: str) -> tuple[str, str]:
    return f"INVOICE#{invoice_id}", "INVOICE"


def page(
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


def party_keys(provider_id: str, insurer_id: str, sort: str) -> dict[str, Any]:
    """The index keys of an order or invoice: listed under its provider (gsi1) and its
    insurer (gsi2), both by the same `sort` key (what `party_page` reads)."""
    return {
        "gsi1pk": f"PROVIDER#{provider_id}",
        "gsi1sk": sort,
        "gsi2pk": f"INSURER#{insurer_id}",
        "gsi2sk": sort,
    }


def party_page(
    model: Any,
    party: str,
    party_id: str,
    prefix: str,
    convert: Callable[[Any], Any],
    *,
    limit: int,
    cursor: str | None,
    status: str | None = None,
) -> Page:
    """A provider's items (gsi1, `party` "PROVIDER") or an insurer's (gsi2, "INSURER") whose
    sort key starts with `prefix`, newest first, only those in `status` when one is given."""
    if party == "PROVIDER":
        index, sort = model.by_provider, model.gsi1sk
    else:
        index, sort = model.by_insurer, model.gsi2sk
    return page(
        lambda **kw: index.query(f"{party}#{party_id}", sort.startswith(prefix), **kw),
        convert,
        limit,
        cursor,
        filter_condition=model.status == status if status else None,
    )


def run_once(build: Callable[[TransactWrite], None], decided: Callable[[], bool]) -> bool:
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
