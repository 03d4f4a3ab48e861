"""The public payment page: what an RFC owes (masked, rate-limited) and the store or bank
references to pay it with.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib import clock, errors
from chalicelib.config import get_settings
from chalicelib.kernel import formats
from chalicelib.payments import documents, instructions, money, periods, references
from chalicelib.payments import repository as repo
from chalicelib.payments.common import MEXICO_CITY, as_money, limit_requests, local_today
from chalicelib.payments.memberships import existing_membership
from chalicelib.payments.repository import ConditionFailed, Reference
from chalicelib.payments.schemas import DueItem, LookupOut, ReferenceOut, ReferenceRequest

LOOKUP_MESSAGE = (
    "Si tienes una membresía con este RFC, aquí ves lo que debes. Si no aparece nada, no "
    "tienes pagos pendientes."
)


def mask_name(full_name: str) -> str:
    """`MARIA GUADALUPE HERNANDEZ` → `MA*** GU*** HE***`: enough to recognise, not to learn."""
    return " ".join(word[:2] + "***" for word in full_name.split())


def lookup(rfc: str, source_ip: str) -> LookupOut:
    """What is due for the memberships of an RFC, with masked personal data. An unknown RFC
    gets the same answer as a known one with nothing to show."""
    limit_requests("lookup-ip", source_ip)
    limit_requests("lookup-rfc", rfc)
    today = local_today()
    items = []
    for found in repo.memberships_for_rfc(rfc):
        due = periods.months_due(found.paid_through, today)
        items.append(
            DueItem(
                membership_id=found.membership_id,
                member_name=mask_name(found.full_name),
                plan=found.plan_name,
                status=periods.status(found.paid_through, today),
                paid_through=found.paid_through,
                months_due=due,
                monthly_fee=as_money(found.monthly_fee_cents),
                amount_due=as_money(due * found.monthly_fee_cents),
            )
        )
    return LookupOut(items=items, message=LOOKUP_MESSAGE)


def _reference_out(reference: Reference) -> ReferenceOut:
    amount = money.display(reference.amount_cents)
    expires_on = formats.moment(reference.expires_at, MEXICO_CITY)
    return ReferenceOut(
        reference=reference.reference,
        reference_display=references.grouped(reference.reference),
        method=reference.method,  # type: ignore[arg-type]
        months=reference.months,
        amount=as_money(reference.amount_cents),
        expires_at=reference.expires_at,
        status=reference.status,
        barcode_svg=documents.barcode_svg(reference.reference),
        instructions=instructions.for_method(reference.method, amount, expires_on),
    )


def _valid_reference(number: str | None, now: datetime) -> Reference | None:
    if number is None:
        return None
    found = repo.get_reference(number)
    if found is None or found.status != "vigente" or found.expires_at <= now:
        return None
    return found


def create_reference(membership_id: str, body: ReferenceRequest, source_ip: str) -> ReferenceOut:
    """A store or bank reference for a membership and a number of months; asking again while
    one is valid gives that one."""
    limit_requests("pay-ip", source_ip)
    found = existing_membership(membership_id)
    settings = get_settings()
    days = (
        settings.store_reference_days if body.method == "tienda" else settings.bank_reference_days
    )
    for _ in range(5):
        now = clock.now()
        current = repo.open_reference(membership_id, body.method, body.months)
        valid = _valid_reference(current, now)
        if valid is not None:
            return _reference_out(valid)
        reference = Reference(
            reference=references.build(body.method, found.member_number, body.months),
            membership_id=membership_id,
            member_number=found.member_number,
            method=body.method,
            months=body.months,
            amount_cents=found.monthly_fee_cents * body.months,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        try:
            repo.create_reference(reference, replaces=current)
        except ConditionFailed:
            continue  # another request opened one first (or the number exists): look again
        return _reference_out(reference)
    raise errors.Conflict("No pudimos generar la referencia. Intenta de nuevo.")
