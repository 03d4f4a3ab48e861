"""Request and response models of the settlement routes (API.md "Settlement")."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Generic, Literal, TypeVar

from pydantic import ConfigDict, Field, StrictInt, field_validator

from chalicelib.schema import ListQuery, Page, PageWithNextCursor, Schema, SingleLine

MAX_BATCH = 1000


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class _Paged(ListQuery):
    """API.md's list parameters: at most `limit` items after `cursor`."""

    limit: int = Field(default=100, ge=1, le=500)


class Money(Schema):
    amount: str = Field(examples=["592199"])
    currency: Literal["CLP"] = "CLP"


# Loaded items are judged one by one (settlement/rules.py, `_parse_lme`, `_parse_invoice`): a
# missing or malformed value rejects that item only, by index and code. So these models name
# and type every field for outside loaders, and leave the judging of values to those rules:
# every field is optional here and a number may come as text. Unknown fields are ignored;
# texts are one line each, like every text the API takes.

# A whole number (Chilean pesos, installments, a validation type), as a number or as digits.
Whole = StrictInt | SingleLine[str] | None
# Text (the rules take up to 120 characters).
Text = SingleLine[str] | None
# Letters, digits, ".", "_" or "-", up to 64; a number is read as its digits.
ItemId = StrictInt | SingleLine[str] | None


class _Item(Schema):
    model_config = ConfigDict(extra="ignore")


class TransactionItemIn(_Item):
    """One transaction: a voucher (`bono`) or a card payment (`tarjeta`)."""

    kind: Text = Field(default=None, description="bono | tarjeta", examples=["bono"])
    id: ItemId = Field(
        default=None,
        description="Id de la transacción: letras, dígitos, «.», «_» o «-», hasta 64.",
        examples=["B-2026-000123"],
    )
    provider_rut: Text = Field(
        default=None, description="RUT del prestador.", examples=["76.123.456-0"]
    )
    occurred_at: Text = Field(
        default=None,
        description="Fecha (AAAA-MM-DD) o fecha y hora (AAAA-MM-DDTHH:MM:SS) de Santiago.",
        examples=["2026-11-20T10:15:00"],
    )
    total_value: Whole = Field(default=None, description="bono: valor total.")
    payer_contribution: Whole = Field(default=None, description="bono: aporte financiador.")
    insurer_contribution: Whole = Field(default=None, description="bono: aporte del seguro.")
    copay: Whole = Field(default=None, description="bono: copago del beneficiario.")
    insurer: Text = Field(default=None, description="bono: aseguradora.")
    payer: Text = Field(default=None, description="bono: financiador (Fonasa, Isapre…).")
    place: Text = Field(default=None, description="Lugar de atención.")
    card_amount: Whole = Field(default=None, description="tarjeta: monto.")
    installments: Whole = Field(default=None, description="tarjeta: número de cuotas (1 o más).")
    issuer_commission: Whole = Field(default=None, description="tarjeta: comisión del emisor.")
    transaction_cost: Whole = Field(
        default=None, description="tarjeta: costo de la transacción (0 si falta)."
    )
    issuer_answer: Text = Field(
        default=None, description="tarjeta: respuesta del emisor (aprobada para pagarse)."
    )


class LmeItemIn(_Item):
    """One sick-leave (LME) record of a provider."""

    id: ItemId = Field(default=None, description="Id del registro.")
    provider_rut: Text = Field(default=None, description="RUT del prestador.")
    issued_on: Text = Field(default=None, description="Fecha de emisión, AAAA-MM-DD.")
    validation_type: Whole = Field(
        default=None,
        description="0 presencial, 1 remota con ClaveÚnica, 2 remota con clave simple.",
    )
    professional: Text = Field(default=None, description="Profesional que la emitió.")
    place: Text = Field(default=None, description="Lugar de atención.")


class PlatformInvoiceItemIn(_Item):
    """One invoice of the platform to a provider."""

    folio: ItemId = Field(default=None, description="Folio de la factura.")
    provider_rut: Text = Field(default=None, description="RUT del prestador.")
    type: Text = Field(default=None, description="mensualidad | transacciones_lme | comision")
    issued_on: Text = Field(default=None, description="Fecha de emisión, AAAA-MM-DD.")
    due_on: Text = Field(default=None, description="Fecha de vencimiento, AAAA-MM-DD.")
    total: Whole = Field(default=None, description="Total.")
    balance: Whole = Field(default=None, description="Saldo por pagar (no mayor que el total).")


Item = TypeVar("Item", bound=_Item)


class _LoadIn(_In, Generic[Item]):
    """Up to 1,000 items; each is judged on its own (rejects listed by index and code)."""

    items: list[Item] = Field(min_length=1, max_length=MAX_BATCH)

    def raw_items(self) -> list[dict[str, Any]]:
        """The items as the loader's rules read them: only the fields that were sent."""
        return [item.model_dump(exclude_unset=True) for item in self.items]


class LoadIn(_LoadIn[TransactionItemIn]):
    """Transactions to load."""


class LmeLoadIn(_LoadIn[LmeItemIn]):
    """Sick-leave (LME) records to load."""


class PlatformInvoicesLoadIn(_LoadIn[PlatformInvoiceItemIn]):
    """The platform's invoices to load."""


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


class RunProviderOut(Schema):
    """A provider a run finished without settling, and why (`reason`: `sin_transacciones`,
    `solo_posteriores` (only transactions after the cut-off), `ya_liquidado`)."""

    insurer_id: str
    rut: str
    reason: Literal["sin_transacciones", "solo_posteriores", "ya_liquidado"]
    message: str
    folio: str | None = None


class RunOut(Schema):
    run_id: str
    period_end: date
    providers: int
    done: int
    settled: int
    finished: bool
    created_at: str
    # The providers finished without a settlement of this run (the first 100), with why.
    not_settled: list[RunProviderOut] = Field(default_factory=list)


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


class YearQuery(_Paged):
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


class PlatformInvoicesOut(Page[PlatformInvoiceOut]):
    pass


class SettlementsQuery(_Paged):
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


class SettlementsOut(Page[SettlementOut]):
    pass


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


class DetailQuery(ListQuery):
    type: Literal["seguros", "tarjetas"] | None = None
    limit: int = Field(default=100, ge=1, le=500)


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


class SettledTransactionsOut(PageWithNextCursor[SettledTransactionOut]):
    pass


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class PeriodQuery(_Paged):
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


class PeriodOut(Page[PeriodRow]):
    total: Money


class ExportOut(Schema):
    url: str
    expires_at: str
    rows: int


class VouchersQuery(ListQuery):
    from_: date = Field(alias="from")
    to: date
    place: SingleLine[str] | None = Field(default=None, max_length=120)
    payer: SingleLine[str] | None = Field(default=None, max_length=120)
    format: Literal["json", "xlsx", "csv"] = "json"
    limit: int = Field(default=100, ge=1, le=500)

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


class VouchersOut(PageWithNextCursor[VoucherRow]):
    pass


class LmeQuery(_Paged):
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


class LmeOut(Page[LmeRow]):
    pass
