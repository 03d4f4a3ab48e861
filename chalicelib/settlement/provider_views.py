"""What a provider sees of its settlements: its account and bank account, the platform's
invoices, its complete settlements with their detail and settled transactions.

`provider_of` (the provider asking, by its RUT), `clp` and `settlement_out` are shared with
the reports, the exports and the privacy export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib import clock, errors, paging
from chalicelib.auth import Principal
from chalicelib.settlement import calendar
from chalicelib.settlement.schemas import (
    BankAccountOut,
    CreditOut,
    DetailQuery,
    Money,
    PlatformInvoiceOut,
    PlatformInvoicesOut,
    ProviderAccountOut,
    SettledTransactionOut,
    SettledTransactionsOut,
    SettlementDetailOut,
    SettlementOut,
    SettlementsOut,
    SummaryOut,
)


class UnknownSettlement(errors.NotFound):
    code = "not_found"
    message = "No encontramos esa liquidación."


def clp(amount: int) -> Money:
    """Whole pesos as the API writes them."""
    return Money(amount=str(int(amount)))


@dataclass(frozen=True)
class Provider:
    rut: str
    full_name: str
    email: str
    phone: str | None


def provider_of(principal: Principal) -> Provider:
    """The provider asking; NotFound unless it is a provider registered with a RUT."""
    from stdnum.cl import rut as cl_rut

    from chalicelib.accounts import service as accounts

    account = accounts.contact(principal)
    rut = account.details.get("rut")
    if account.role != "prestador" or not rut:
        raise errors.NotFound("Esta sección es para prestadores registrados con RUT.")
    return Provider(str(cl_rut.compact(str(rut))), account.full_name, account.email, account.phone)


def provider_account(principal: Principal) -> ProviderAccountOut:
    """General data and the bank account settlements are paid into."""
    from stdnum.cl import rut as cl_rut

    from chalicelib.settlement import repository

    provider = provider_of(principal)
    bank = repository.bank_account(provider.rut)
    return ProviderAccountOut(
        full_name=provider.full_name,
        rut=str(cl_rut.format(provider.rut)),
        email=provider.email,
        phone=provider.phone,
        bank_account=BankAccountOut(**bank) if bank else None,
    )


def set_bank_account(rut: str, bank: str, account_type: str, number: str, holder: str) -> None:
    """The account settlements are paid into (loaded with the provider's data)."""
    from chalicelib.settlement import repository

    masked = "•" * max(0, len(number) - 4) + number[-4:]
    repository.put_bank_account(
        rut, {"bank": bank, "account_type": account_type, "number_masked": masked, "holder": holder}
    )


def platform_invoices(
    principal: Principal, year: int, *, limit: int | None = None, cursor: str | None = None
) -> PlatformInvoicesOut:
    """The platform's invoices to the provider issued in `year` (a page of `limit`)."""
    from chalicelib.settlement import repository

    provider = provider_of(principal)
    items = [
        PlatformInvoiceOut(
            folio=d["folio"],
            type=d["type"],
            issued_on=date.fromisoformat(d["issued_on"]),
            due_on=date.fromisoformat(d["due_on"]),
            total=clp(d["total"]),
            balance=clp(d["balance"]),
            status="pagada" if int(d["balance"]) == 0 else "pendiente",
            # Commission invoices are settled from the settlements themselves.
            payable=d["type"] != "comision",
        )
        for d in repository.records(
            "settlements", f"PINV#{provider.rut}", f"{year}-", f"{year}-12-31"
        )
    ]
    if limit is None:
        return PlatformInvoicesOut(items=items)
    page, next_cursor = paging.page_in_memory(items, limit, cursor)
    return PlatformInvoicesOut(items=page, next_cursor=next_cursor)


def _status(header: Any) -> str:
    today = calendar.local_date(clock.now()).isoformat()
    return "pagado" if header.paid_on and header.paid_on <= today else "pendiente"


def settlement_out(header: Any) -> SettlementOut:
    """A complete settlement as the provider sees it."""
    return SettlementOut(
        folio=header.folio,
        settled_on=date.fromisoformat(header.settled_on),
        paid_on=date.fromisoformat(header.paid_on),
        period_end=date.fromisoformat(header.period_end),
        total=clp(header.figures["total"]),
        status=_status(header),  # type: ignore[arg-type]
        transactions=header.figures["count"],
    )


def settlements(
    principal: Principal,
    year: int,
    month: int | None,
    *,
    limit: int | None = None,
    cursor: str | None = None,
) -> SettlementsOut:
    """The provider's settlements of a year (and month), newest first (a page of `limit`)."""
    from chalicelib.settlement import repository

    provider = provider_of(principal)
    prefix = f"{year}-{month:02d}" if month else f"{year}"
    headers = repository.provider_settlements(provider.rut, prefix, prefix)
    headers.sort(key=lambda h: (h.settled_on or "", h.folio), reverse=True)
    items = [settlement_out(h) for h in headers]
    if limit is None:
        return SettlementsOut(items=items)
    page, next_cursor = paging.page_in_memory(items, limit, cursor)
    return SettlementsOut(items=page, next_cursor=next_cursor)


def _own_settlement(principal: Principal, folio: str) -> Any:
    from chalicelib.settlement import repository

    provider = provider_of(principal)
    header = repository.get_header(folio) if len(folio) < 80 else None
    if header is None or header.rut != provider.rut or header.state != "completa":
        raise UnknownSettlement()
    return header


def settlement_detail(principal: Principal, folio: str) -> SettlementDetailOut:
    """One settlement with its credits by type and the provider's summary."""
    header = _own_settlement(principal, folio)
    f = header.figures
    from stdnum.cl import rut as cl_rut

    return SettlementDetailOut(
        **settlement_out(header).model_dump(),
        credits=[
            CreditOut(type="seguros", amount=clp(f["insurer_credit"])),
            CreditOut(type="tarjetas", amount=clp(f["card_credit"])),
        ],
        summary=SummaryOut(
            provider_rut=str(cl_rut.format(header.rut)),
            total_value=clp(f["total_value"]),
            payer_contribution=clp(f["payer_contribution"]),
            insurer_contribution=clp(f["insurer_contribution"]),
            copay=clp(f["copay"]),
            issuer_commission=clp(f["issuer_commission"]),
            platform_commission=clp(f["platform_commission"]),
            transaction_cost=clp(f["transaction_cost"]),
            paid_amount=clp(f["card_net"]),
        ),
    )


def _transaction_out(row: dict[str, Any]) -> SettledTransactionOut:
    from chalicelib.settlement import repository

    transaction = repository.transaction_from_data(
        {k: v for k, v in row.items() if k not in ("credit", "platform_commission")}
    )
    bono = transaction.kind == "bono"
    return SettledTransactionOut(
        id=transaction.transaction_id,
        kind=transaction.kind,  # type: ignore[arg-type]
        type=transaction.credit_type,  # type: ignore[arg-type]
        occurred_at=clock.iso(transaction.occurred_at),
        occurred_on=calendar.local_date(transaction.occurred_at),
        place=transaction.place,
        payer=transaction.payer,
        insurer=transaction.insurer,
        total_value=clp(transaction.total_value) if bono else None,
        payer_contribution=clp(transaction.payer_contribution) if bono else None,
        insurer_contribution=clp(transaction.insurer_contribution) if bono else None,
        copay=clp(transaction.copay) if bono else None,
        card_amount=None if bono else clp(transaction.card_amount),
        installments=None if bono else transaction.installments,
        issuer_commission=None if bono else clp(transaction.issuer_commission),
        platform_commission=None if bono else clp(int(row.get("platform_commission", 0))),
        transaction_cost=None if bono else clp(transaction.transaction_cost),
        issuer_answer=None if bono else transaction.issuer_answer,
        credit=clp(int(row["credit"])),
    )


def settlement_transactions(
    principal: Principal, folio: str, query: DetailQuery
) -> SettledTransactionsOut:
    """The settled transactions of one settlement, `limit` at a time (read a chunk at a time)."""
    from chalicelib.settlement import repository

    _own_settlement(principal, folio)

    def read(
        key: dict[str, Any] | None, _wanted: int
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        # One chunk a read: a cursor counts positions inside one chunk.
        page = repository.chunks(folio, query.type, 1, key)
        return [row for rows in page.items for row in rows], page.last_key

    rows, next_cursor = paging.page_through(read, query.limit, query.cursor)
    return SettledTransactionsOut(
        items=[_transaction_out(row) for row in rows], next_cursor=next_cursor
    )
