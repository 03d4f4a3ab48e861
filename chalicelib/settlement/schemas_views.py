"""Request and response models of the settlement's views beyond API.md's first list: a
settlement as Excel, a platform invoice's detail, the provider's current account, and the
operators' checks of a run (its settlements, the loaded transactions)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.schema import ListQuery, Page, PageWithNextCursor, Schema, Strict
from chalicelib.settlement.schemas import Money, PlatformInvoiceOut

RUT_PATTERN = r"^[0-9.]{1,12}-?[0-9kK]$"


class SettlementDetailQuery(Strict):
    format: Literal["json", "xlsx"] = Field(
        default="json", description="xlsx: the settlement with every transaction, as Excel"
    )


class PlatformInvoiceQuery(Strict):
    issued_on: date = Field(description="Fecha de emisión (AAAA-MM-DD), como en la lista")


class PlatformInvoiceDetailOut(PlatformInvoiceOut):
    type_label: str
    paid: Money
    overdue: bool
    days_overdue: int
    how_paid: str


class CurrentAccountQuery(Strict):
    year: int = Field(ge=2000, le=2100)


class MovementOut(Schema):
    on: date
    concept: str
    credit: Money | None = None
    debit: Money | None = None
    balance: Money


class MonthBalanceOut(Schema):
    month: int
    credits: Money
    debits: Money
    closing_balance: Money


class CurrentAccountOut(Schema):
    """Credits: settlements; debits: their payments and what the provider still owes on the
    platform's payable invoices; the balance is in the provider's favour when positive."""

    year: int
    opening_balance: Money
    closing_balance: Money
    settlements_unpaid: Money
    invoices_due: Money
    months: list[MonthBalanceOut]
    movements: list[MovementOut]


class RunSettlementOut(Schema):
    folio: str
    insurer_id: str
    provider_rut: str
    transactions: int
    insurer_credit: Money
    card_credit: Money
    total: Money
    paid_on: date | None


class RunSettlementsOut(Page[RunSettlementOut]):
    pass


class OperatorTransactionsQuery(ListQuery):
    provider: str = Field(pattern=RUT_PATTERN, description="RUT del prestador")
    from_: date = Field(alias="from")
    to: date
    limit: int = Field(default=100, ge=1, le=500)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class OperatorTransactionOut(Schema):
    id: str
    insurer_id: str
    kind: Literal["bono", "tarjeta"]
    occurred_at: str
    occurred_on: date
    place: str
    amount: Money
    credit: Money
    status: Literal["liquidada", "pendiente"]
    folio: str | None


class OperatorTransactionsOut(PageWithNextCursor[OperatorTransactionOut]):
    pass
