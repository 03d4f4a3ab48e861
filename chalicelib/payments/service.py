"""Memberships and payments: plans, enrolment, the virtual card, payment references, card
payments, signed confirmations applied exactly once, expiry and reminders. The only door
into the payments context.

The routes, the scheduled jobs, the privacy context and the tests reach every function here;
each part lives in its own module (`memberships` for plans, enrolment and the virtual card,
`payment_page` for the public look-up and payment references, `confirmations` for the
payment network's signed notices, `card_payments`, `operators` for the exceptions they
resolve, `scheduled` for expiry and reminders; `common` holds what they share); the privacy
functions stay below.
"""

from __future__ import annotations

from chalicelib import clock
from chalicelib.payments import repository as repo
from chalicelib.payments.card_payments import pay_by_card
from chalicelib.payments.common import LIMIT_WINDOW, LIMITS, MEXICO_CITY, MONTH_NAMES
from chalicelib.payments.confirmations import BadSignature, receive_webhook, simulate_payment
from chalicelib.payments.memberships import (
    CARD_URL_TTL,
    MEMBERSHIPS_READ,
    MembershipNotFound,
    PlanNotFound,
    card,
    enrol,
    list_plans,
    load_plans,
    membership,
    my_memberships,
)
from chalicelib.payments.operators import EXCEPTION_LABELS, payment_exceptions
from chalicelib.payments.payment_page import LOOKUP_MESSAGE, create_reference, lookup, mask_name
from chalicelib.payments.scheduled import (
    EXPIRY_LOOKBACK_DAYS,
    REMIND_DAYS_BEFORE,
    expire_references,
    remind_due,
)
from chalicelib.personal_data import ERASED, FISCAL, PersonalData, Retained, Retention, purge_each

__all__ = [
    "CARD_URL_TTL",
    "EXCEPTION_LABELS",
    "EXPIRY_LOOKBACK_DAYS",
    "LIMITS",
    "LIMIT_WINDOW",
    "LOOKUP_MESSAGE",
    "MEMBERSHIPS_READ",
    "MEXICO_CITY",
    "MONTH_NAMES",
    "REMIND_DAYS_BEFORE",
    "BadSignature",
    "MembershipNotFound",
    "PlanNotFound",
    "card",
    "create_reference",
    "enrol",
    "erase_personal_data",
    "expire_references",
    "list_plans",
    "load_plans",
    "lookup",
    "mask_name",
    "membership",
    "my_memberships",
    "pay_by_card",
    "payment_exceptions",
    "personal_data",
    "purge_retained",
    "receive_webhook",
    "remind_due",
    "simulate_payment",
]

# --- privacy rights (ARCO) ------------------------------------------------------------------


def personal_data(account_id: str) -> PersonalData:
    """The person's memberships with their payments."""
    from dataclasses import asdict

    records = []
    last = ""
    for item in repo.memberships_of(account_id):
        paid = repo.payments_of(item.membership_id)
        last = max([last, item.created_at, *(clock.iso(p.paid_at) for p in paid)])
        records.append({**asdict(item), "pagos": [asdict(p) for p in paid]})
    return PersonalData("membresias", records, last_activity={FISCAL: last})


def erase_personal_data(account_id: str, retention: Retention) -> list[Retained]:
    """Memberships whose payments back receipts still in their fiscal period (CFF art. 30)
    stay without name, email or phone; the others go with their payments. Repeatable."""
    kept: list[str] = []
    kept_ids: list[str] = []
    for item in repo.memberships_of(account_id):
        paid = repo.payments_of(item.membership_id)
        last = max([item.created_at, *(clock.iso(p.paid_at) for p in paid)])
        if paid and retention.keeps(FISCAL, last):
            repo.anonymise_membership(item, ERASED)
            kept.append(last)
            kept_ids.append(item.membership_id)
        else:
            repo.delete_membership(item)
    if not kept:
        return []
    return [
        Retained(
            what="Membresías y pagos de cuotas con sus comprobantes (RFC y número de socio; "
            "sin nombre ni datos de contacto)",
            category=FISCAL,
            count=len(kept),
            last_activity=max(kept),
            ids=tuple(kept_ids),
        )
    ]


def purge_retained(membership_ids: list[str]) -> int:
    """Delete the memberships (with their payments) a deletion kept, once their fiscal
    period ended (by id: the account is anonymised by then). Repeatable."""
    return purge_each(membership_ids, repo.get_membership, repo.delete_membership)
