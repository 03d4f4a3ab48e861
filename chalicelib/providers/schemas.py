"""Request and response bodies of the provider routes (API.md "Providers").

Money is `{"amount": "9000.00", "currency": "MXN"}`; rates are decimal strings.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from chalicelib.documents.schemas import ReasonOut, SlotOut
from chalicelib.schema import (
    ListQuery,
    OneOf,
    PageWithNextCursor,
    Schema,
    SingleLine,
    Strict,
    Text,
)

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,64}$")]
AccountNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z0-9-]{3,30}$")
]
FileName = Annotated[str, Field(min_length=1, max_length=1000)]
FileSize = Annotated[int, Field(ge=0, le=200 * 1024 * 1024)]
ContentType = SingleLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]]
Limit = Annotated[int, Field(ge=1, le=100)]
Service = Literal["consulta", "honorarios_quirurgicos"]
OrderStatus = Literal[
    "registrada", "factura_validada", "pagada", "complemento_pendiente", "complemento_recibido"
]
InvoiceStatus = Literal["en_validacion", "aceptada", "rechazada", "pagada", "complemento_recibido"]
BankStatus = Literal["sin_registrar", "en_validacion", "activa", "rechazada"]


class MoneyIn(Strict):
    amount: SingleLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]]
    currency: Literal["MXN"] = "MXN"

    @field_validator("amount")
    @classmethod
    def _amount(cls, value: str) -> str:
        import re

        if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", value):
            raise ValueError(
                "Escribe la cantidad en pesos con hasta dos decimales, p. ej. 1500.00."
            )
        return value


class MoneyOut(Schema):
    amount: str
    currency: Literal["MXN"] = "MXN"


class UploadFile(Strict):
    name: FileName
    size: FileSize
    content_type: ContentType = ""


# --- bank account ---------------------------------------------------------------------------


class BankAccountIn(Strict):
    clabe: SingleLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]]
    statement: UploadFile


class BankAccountOut(Schema):
    id: str
    clabe: str
    bank: str
    status: str
    reasons: list[ReasonOut]
    created_at: str
    decided_at: str | None = None
    document_id: str | None = None


class BankAccountsOut(Schema):
    active: BankAccountOut | None
    pending: BankAccountOut | None
    status: BankStatus  # the provider's situation in one word, for the dashboard


class BankAccountAccepted(Schema):
    status: BankStatus
    slot: SlotOut


# --- care orders and payment detail --------------------------------------------------------


class RetentionLineOut(Schema):
    tax: Literal["isr", "iva", "cedular"]
    rate: str
    amount: MoneyOut
    label: str


class RetentionOut(Schema):
    lines: list[RetentionLineOut]
    total: MoneyOut
    regime: str
    jalisco_cedular: bool
    iva: Literal["exento", "gravado"]
    iva_transferred: MoneyOut
    table_version: int
    table_valid_from: str
    explanation: str


class FormatOut(Schema):
    status: Literal["pendiente", "aceptado", "rechazado"]
    reasons: list[ReasonOut]
    document_ids: list[str]
    merged: bool


class CareOrderOut(Schema):
    id: str
    kind: Literal["digital", "tradicional"]
    insurer_id: str
    account_number: str
    patient_name: str
    service: Service
    date: str
    amount: MoneyOut
    coinsurance: MoneyOut
    retention: RetentionOut
    amount_to_invoice: MoneyOut
    status: OrderStatus
    invoice_id: str | None
    paid: MoneyOut | None
    insured_signed: bool
    doctor_signed: bool
    created_at: str
    format: FormatOut | None = None


class CareOrdersQuery(ListQuery):
    status: OrderStatus | None = None
    limit: Limit = 50


class CareOrderPage(PageWithNextCursor[CareOrderOut]):
    pass


class DigitalOrderIn(Strict):
    account_number: AccountNumber
    patient_name: Text
    service: Service
    date: datetime.date
    amount: MoneyIn
    coinsurance: MoneyIn = MoneyIn(amount="0.00")
    insured_signature: bool
    doctor_signature: bool
    iva_taxed: bool = False

    @field_validator("insured_signature", "doctor_signature")
    @classmethod
    def _signed(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("La orden digital debe estar firmada por el asegurado y el médico.")
        return value


class OperatorOrdersIn(Strict):
    insurer_id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,20}$")]
    provider_rfc: SingleLine[
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
    ]
    orders: Annotated[list[DigitalOrderIn], Field(min_length=1, max_length=25)]


class CareOrdersOut(Schema):
    items: list[CareOrderOut]


class TraditionalFileIn(UploadFile):
    # carta (letter), estado_cuenta (bank statement), constancia_fiscal (tax certificate) or
    # orden (the three already merged into one PDF)
    doc_type: Literal["orden", "carta", "estado_cuenta", "constancia_fiscal"] | None = None


class TraditionalOrderIn(Strict):
    insurer_id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,20}$")]
    account_number: AccountNumber
    patient_name: Text
    service: Service
    date: datetime.date
    amount: MoneyIn
    coinsurance: MoneyIn = MoneyIn(amount="0.00")
    files: Annotated[list[TraditionalFileIn], Field(min_length=1, max_length=3)]


class TraditionalOrderOut(Schema):
    order: CareOrderOut
    slots: list[SlotOut]


# --- invoices, payments, complements -------------------------------------------------------


class InvoiceIn(Strict):
    care_order_ids: Annotated[list[Id], Field(min_length=1, max_length=25)]
    file: UploadFile


class InvoiceCreated(Schema):
    invoice_id: str
    slot: SlotOut


class PaymentOut(Schema):
    amount: MoneyOut
    paid_on: str
    sat_status: str
    recorded_at: str


class SatStatusOut(Schema):
    """The last answer of SAT's CFDI status service about the invoice, and when it was asked."""

    status: Literal["vigente", "cancelado", "no_encontrado", "sin_respuesta"]
    label: str
    checked_at: str
    issuer_listed: bool = Field(
        description="ValidacionEFOS: the issuer is on SAT's list of article 69-B (no payment)"
    )
    cancellable: str
    cancellation_status: str


class ComplementOut(Schema):
    status: Literal["pendiente", "aceptado", "rechazado"]
    reasons: list[ReasonOut]
    uuid: str | None
    document_id: str
    sat: SatStatusOut | None = None


class InvoiceOut(Schema):
    id: str
    status: InvoiceStatus
    reasons: list[ReasonOut]
    uuid: str | None
    subtotal: MoneyOut
    total: MoneyOut
    care_order_ids: list[str]
    insurer_id: str
    document_id: str
    created_at: str
    decided_at: str | None
    payment: PaymentOut | None
    complement: ComplementOut | None
    sat: SatStatusOut | None = None


class InvoicesQuery(ListQuery):
    status: InvoiceStatus | None = None
    limit: Limit = 50


class InvoicePage(PageWithNextCursor[InvoiceOut]):
    pass


class ComplementIn(Strict):
    file: UploadFile


class ComplementCreated(Schema):
    slot: SlotOut


class PaymentIn(Strict):
    amount: MoneyIn
    paid_on: datetime.date


# --- statement ------------------------------------------------------------------------------


class StatementQuery(Strict):
    format: Literal["json", "xlsx"] = "json"


class StatementRowOut(Schema):
    order_id: str
    account_number: str
    patient_name: str
    service: Service
    date: str
    status: OrderStatus
    amount: MoneyOut
    retention: MoneyOut
    amount_to_invoice: MoneyOut
    paid: MoneyOut
    invoice_id: str | None
    complement_due: bool


class StatementTotalsOut(Schema):
    orders: int
    amount: MoneyOut
    retention: MoneyOut
    amount_to_invoice: MoneyOut
    paid: MoneyOut
    pending_payment: MoneyOut
    complements_due: int


class StatementOut(Schema):
    items: list[StatementRowOut]
    totals: StatementTotalsOut
    generated_at: str


class ExportOut(Schema):
    url: str
    expires_at: str


class StatementAnswer(OneOf[StatementOut | ExportOut]):
    """The statement as JSON, or (`?format=xlsx`) a short-lived link to the Excel file."""


InsurerId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,20}$")]


class OperatorOrdersQuery(ListQuery):
    insurer_id: InsurerId
    limit: Limit = 50


class OperatorInvoicesQuery(ListQuery):
    insurer_id: InsurerId
    status: InvoiceStatus | None = None
    limit: Limit = 50
