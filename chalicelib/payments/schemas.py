"""Request and response bodies of the memberships and payments routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

from chalicelib.accounts.identifiers import check_rfc, normalize_email
from chalicelib.schema import ListQuery, Page, Phone, Schema, SingleLine, Strict, Text

Months = Annotated[int, Field(ge=1, le=12)]
Id = SingleLine[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
]


def _rfc(value: str) -> str:
    return check_rfc(value).rfc


class Money(Schema):
    amount: Annotated[str, StringConstraints(pattern=r"^-?\d{1,12}(\.\d{1,2})?$")] = Field(
        examples=["450.00"]
    )
    currency: Literal["MXN"] = "MXN"


# --- plans and memberships ----------------------------------------------------------------


class PlanOut(Schema):
    id: str
    name: str
    monthly_fee: Money
    coverage: list[str]
    description: str


class PageQuery(ListQuery):
    """API.md's list parameters: at most `limit` items after `cursor`."""

    limit: int = Field(default=50, ge=1, le=100)


class PlansOut(Page[PlanOut]):
    pass


class Enrolment(Strict):
    plan_id: Id
    rfc: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
    full_name: Text
    email: EmailStr
    phone: Phone

    _normalize_rfc = field_validator("rfc")(_rfc)
    _normalize_email = field_validator("email")(normalize_email)


class MembershipCreated(Schema):
    id: str
    member_number: str
    status: str


class PaymentOut(Schema):
    id: str
    channel: str
    amount: Money
    months: int
    paid_at: datetime
    paid_through: date
    reference: str | None = None


class MembershipOut(Schema):
    id: str
    member_number: str
    plan: PlanOut
    full_name: str
    email: str
    status: Literal["pendiente", "al_corriente", "vencida"]
    paid_through: date | None
    months_due: int
    amount_due: Money
    payments: list[PaymentOut]


class MembershipsOut(Page[MembershipOut]):
    pass


class CardOut(Schema):
    url: str
    expires_at: datetime


# --- anonymous payment page ---------------------------------------------------------------


class Lookup(Strict):
    rfc: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]

    _normalize_rfc = field_validator("rfc")(_rfc)


class DueItem(Schema):
    membership_id: str
    member_name: str  # masked
    plan: str
    status: str
    paid_through: date | None
    months_due: int
    monthly_fee: Money
    amount_due: Money


class LookupOut(Schema):
    items: list[DueItem]
    message: str


class ReferenceRequest(Strict):
    method: Literal["tienda", "banco"]
    months: Months


class ReferenceOut(Schema):
    reference: str
    reference_display: str
    method: Literal["tienda", "banco"]
    months: int
    amount: Money
    expires_at: datetime
    status: str
    barcode_svg: str
    instructions: list[str]


class CardPaymentRequest(Strict):
    card_token: SingleLine[Annotated[str, StringConstraints(min_length=8, max_length=100)]]
    months: Months


class CardPaymentOut(Schema):
    payment_id: str
    status: Literal["aprobado", "rechazado"]
    message: str
    decline_code: str | None = None
    paid_through: date | None = None


# --- confirmations ------------------------------------------------------------------------


class WebhookEvent(Schema):
    """The payment network's confirmation (fields it adds later are ignored)."""

    model_config = ConfigDict(extra="ignore")

    event_id: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[\w.:-]+$")]
    type: Literal["payment.succeeded"]
    reference: SingleLine[Annotated[str, StringConstraints(min_length=1, max_length=40)]]
    amount: Money
    paid_at: datetime
    channel: Literal["tienda", "banco"]

    @field_validator("paid_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("La fecha de pago debe incluir la zona horaria.")
        return value


class WebhookAnswer(Schema):
    received: bool
    outcome: Literal["aplicado", "duplicado", "excepcion"]


class Simulation(Strict):
    reference: SingleLine[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    ]
    amount: Annotated[str, StringConstraints(pattern=r"^\d{1,9}(\.\d{1,2})?$")] | None = None


class SimulationOut(Schema):
    signature: str
    body: WebhookEvent
    answer: WebhookAnswer


class PaymentExceptionOut(Schema):
    event_id: str
    reason: str
    reason_label: str
    reference: str
    amount: Money
    channel: str
    paid_at: str
    received_at: str


class PaymentExceptionsOut(Page[PaymentExceptionOut]):
    pass


class ExceptionsQuery(ListQuery):
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    insurer_id: SingleLine[str] | None = Field(
        default=None, max_length=40, description="Operadores de varias aseguradoras: de cuál"
    )
