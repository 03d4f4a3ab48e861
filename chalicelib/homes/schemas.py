"""The answer of GET /v1/me/home: what a portal's home shows, one section per role."""

from __future__ import annotations

from typing import Literal

from chalicelib.appointments.schemas import AppointmentOut
from chalicelib.claims.schemas import InsuredClaimsOut, QueueCountOut
from chalicelib.payments.schemas import Money
from chalicelib.providers.schemas import BankStatus
from chalicelib.schema import Schema
from chalicelib.settlement.schemas import SettlementOut


class MexicanProviderHomeOut(Schema):
    """A provider in Mexico: the bank account (a new one is asked to register its CLABE) and
    the care orders waiting for their invoice."""

    bank_account_status: BankStatus
    orders_to_invoice: int
    more_orders: bool


class ChileanProviderHomeOut(Schema):
    """A provider in Chile: the latest settlement, if any."""

    latest_settlement: SettlementOut | None


class ProviderHomeOut(Schema):
    country: Literal["MX", "CL"]
    mexico: MexicanProviderHomeOut | None = None
    chile: ChileanProviderHomeOut | None = None


class MembershipDueOut(Schema):
    """A plan membership's dues, as the home shows them."""

    id: str
    plan: str
    member_number: str
    status: Literal["pendiente", "al_corriente", "vencida"]
    paid_through: str | None
    months_due: int
    amount_due: Money


class AffiliateHomeOut(Schema):
    """An affiliate: the next appointment of the family nucleus and the plan memberships."""

    next_appointment: AppointmentOut | None
    memberships: list[MembershipDueOut]


class OperatorHomeOut(Schema):
    """An operator: the claims queues of their insurers (empty without the `dictamen` duty)."""

    queues: list[QueueCountOut]


class HomeOut(Schema):
    role: Literal["asegurado", "prestador", "afiliado", "operador"]
    insured: InsuredClaimsOut | None = None
    provider: ProviderHomeOut | None = None
    affiliate: AffiliateHomeOut | None = None
    operator: OperatorHomeOut | None = None
