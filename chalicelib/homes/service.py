"""The homes of the portals as dashboards: one read that gathers, for the signed-in person,
what their portal's home shows. Each part comes from its context's service (which checks the
role and reads only the person's own records, by Query on their keys); this module only
chooses the parts by role and, for providers, by country."""

from __future__ import annotations

from chalicelib import errors
from chalicelib.accounts import service as accounts
from chalicelib.appointments import service as appointments
from chalicelib.appointments.schemas import AppointmentOut, AppointmentsQuery
from chalicelib.auth import Principal
from chalicelib.claims import service as claims
from chalicelib.homes.schemas import (
    AffiliateHomeOut,
    ChileanProviderHomeOut,
    HomeOut,
    MembershipDueOut,
    MexicanProviderHomeOut,
    OperatorHomeOut,
    ProviderHomeOut,
)
from chalicelib.payments import service as payments
from chalicelib.providers import service as providers
from chalicelib.providers.schemas import CareOrdersQuery
from chalicelib.settlement import service as settlement

ORDERS_COUNTED = 50
MEMBERSHIPS_SHOWN = 5


def home(principal: Principal) -> HomeOut:
    """What the signed-in person's portal home shows."""
    if principal.role == "asegurado":
        return HomeOut(role="asegurado", insured=claims.insured_claims(principal))
    if principal.role == "prestador":
        return HomeOut(role="prestador", provider=_provider(principal))
    if principal.role == "afiliado":
        return HomeOut(role="afiliado", affiliate=_affiliate(principal))
    if principal.role == "operador":
        return HomeOut(
            role="operador", operator=OperatorHomeOut(queues=claims.queue_counts(principal))
        )
    raise errors.Forbidden()


def _provider(principal: Principal) -> ProviderHomeOut:
    if accounts.contact(principal).details.get("rut"):
        return ProviderHomeOut(country="CL", chile=_chilean_provider(principal))
    orders = providers.care_orders(
        principal, CareOrdersQuery(status="registrada", limit=ORDERS_COUNTED)
    )
    return ProviderHomeOut(
        country="MX",
        mexico=MexicanProviderHomeOut(
            bank_account_status=providers.bank_account(principal).status,
            orders_to_invoice=len(orders.items),
            more_orders=orders.next_cursor is not None,
        ),
    )


def _chilean_provider(principal: Principal) -> ChileanProviderHomeOut:
    year = settlement.today_in_santiago().year
    # The latest settlement of this year, or of last year early in January.
    for asked in (year, year - 1):
        found = settlement.settlements(principal, asked, None, limit=1)
        if found.items:
            return ChileanProviderHomeOut(latest_settlement=found.items[0])
    return ChileanProviderHomeOut(latest_settlement=None)


def _affiliate(principal: Principal) -> AffiliateHomeOut:
    memberships = payments.my_memberships(principal, limit=MEMBERSHIPS_SHOWN)
    return AffiliateHomeOut(
        next_appointment=_next_appointment(principal),
        memberships=[
            MembershipDueOut(
                id=m.id,
                plan=m.plan.name,
                member_number=m.member_number,
                status=m.status,
                paid_through=m.paid_through.isoformat() if m.paid_through else None,
                months_due=m.months_due,
                amount_due=m.amount_due,
            )
            for m in memberships.items
        ],
    )


def _next_appointment(principal: Principal) -> AppointmentOut | None:
    try:
        upcoming = appointments.appointments(principal, AppointmentsQuery(view="proximas", limit=1))
    except errors.NotFound:
        # An affiliate the registry does not know yet has no nucleus and no appointments.
        return None
    return next((a for a in upcoming.items if a.status == "agendada"), None)
