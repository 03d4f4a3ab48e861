"""Request and response models of the settlement routes (API.md "Settlement")."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from chalicelib.schema import Schema, SingleLine

MAX_BATCH = 1000


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class Money(Schema):
    amount: str = Field(examples=["592199"])
    currency: Literal["CLP"] = "CLP"


class LoadIn(_In):
    """Up to 1,000 items; each is judged on its own (rejects listed by index and code)."""

    items: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH)


class RejectedOut(Schema):
    index: int
    code: str
    message: str


class LoadOut(Schema):
    accepted: int
    rejected: list[RejectedOut]


class RunIn(_In):
    period_end: date | None = Field(
        default=None,
        description="Último día incluido (jueves); por omisión, la última semana cerrada.",
    )


class RunStarted(Schema):
    run_id: str
    period_end: date
    providers: int


class RunOut(Schema):
    run_id: str
    period_end: date
    providers: int
    done: int
    settled: int
    finished: bool
    created_at: str


class BankAccountOut(Schema):
    bank: str
    account_type: str
    number_masked: str
    holder: str


class ProviderAccountOut(Schema):
    full_name: str
    rut: str
    email: str
    phone: str | None
    bank_account: BankAccountOut | None


class YearQuery(_In):
    year: int = Field(ge=2000, le=2100)


class PlatformInvoiceOut(Schema):
    folio: str
    type: Literal["mensualidad", "transacciones_lme", "comision"]
    issued_on: date
    due_on: date
    total: Money
    balance: Money
    status: Literal["pendiente", "pagada"]
    payable: bool


class PlatformInvoicesOut(Schema):
    items: list[PlatformInvoiceOut]
    next_cursor: str | None = None


class SettlementsQuery(_In):
    year: int = Field(ge=2000, le=2100)
    month: int | None = Field(default=None, ge=1, le=12)


class SettlementOut(Schema):
    folio: str
    settled_on: date
    paid_on: date
    period_end: date
    total: Money
    status: Literal["pendiente", "pagado"]
    transactions: int


class SettlementsOut(Schema):
    items: list[SettlementOut]
    next_cursor: str | None = None


class CreditOut(Schema):
    type: Literal["seguros", "tarjetas"]
    amount: Money


class SummaryOut(Schema):
    provider_rut: str
    total_value: Money
    payer_contribution: Money
    insurer_contribution: Money
    copay: Money
    issuer_commission: Money
    platform_commission: Money
    transaction_cost: Money
    paid_amount: Money


class SettlementDetailOut(SettlementOut):
    credits: list[CreditOut]
    summary: SummaryOut


class DetailQuery(_In):
    type: Literal["seguros", "tarjetas"] | None = None
    limit: int = Field(default=100, ge=1, le=500)
    cursor: str | None = None


class SettledTransactionOut(Schema):
    id: str
    kind: Literal["bono", "tarjeta"]
    type: Literal["seguros", "tarjetas"]
    occurred_at: str
    occurred_on: date
    place: str
    payer: str
    insurer: str
    total_value: Money | None = None
    payer_contribution: Money | None = None
    insurer_contribution: Money | None = None
    copay: Money | None = None
    card_amount: Money | None = None
    installments: int | None = None
    issuer_commission: Money | None = None
    platform_commission: Money | None = None
    transaction_cost: Money | None = None
    issuer_answer: str | None = None
    credit: Money


class SettledTransactionsOut(Schema):
    items: list[SettledTransactionOut]
    next_cursor: str | None


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class PeriodQuery(_In):
    from_: str = Field(alias="from", description="AAAA-MM")
    to: str = Field(description="AAAA-MM")
    format: Literal["json", "xlsx", "csv"] = "json"

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("from_", "to")
    @classmethod
    def _month(cls, value: str) -> str:
        if not _MONTH.fullmatch(value):
            raise ValueError("Usa el formato AAAA-MM.")
        return value


class PeriodRow(Schema):
    year: int
    month: int
    amount: Money
    settlements: int


class PeriodOut(Schema):
    items: list[PeriodRow]
    next_cursor: str | None = None
    total: Money


class ExportOut(Schema):
    url: str
    expires_at: str
    rows: int


class VouchersQuery(_In):
    from_: date = Field(alias="from")
    to: date
    place: SingleLine[str] | None = Field(default=None, max_length=120)
    payer: SingleLine[str] | None = Field(default=None, max_length=120)
    format: Literal["json", "xlsx", "csv"] = "json"
    limit: int = Field(default=100, ge=1, le=500)
    cursor: str | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class VoucherRow(Schema):
    folio: str
    issued_on: date
    status: Literal["liquidado", "pendiente"]
    settlement: str | None
    payer: str
    total_value: Money
    payer_contribution: Money
    insurer_contribution: Money
    copay: Money
    insurer: str
    place: str


class VouchersOut(Schema):
    items: list[VoucherRow]
    next_cursor: str | None


class LmeQuery(_In):
    by: Literal["provider", "professional", "place"]
    from_: date = Field(alias="from")
    to: date

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class LmeRow(Schema):
    key: str
    validation_0: int
    validation_1: int
    validation_2: int
    total: int


class LmeOut(Schema):
    items: list[LmeRow]
    next_cursor: str | None = None
