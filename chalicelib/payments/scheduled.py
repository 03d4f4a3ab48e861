"""Scheduled jobs: expiring the references past their date and reminding the members whose
dues are about to run out.
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from chalicelib.insurers import service as insurers
from chalicelib.notifications.service import Email
from chalicelib.payments import money
from chalicelib.payments import repository as repo
from chalicelib.payments.common import dispatch, local_today, long_date, site_link

REMIND_DAYS_BEFORE = 5
EXPIRY_LOOKBACK_DAYS = 7


def expire_references() -> int:
    """Mark as vencida the references past their expiry (a Query per expiry day)."""
    now = clock.now()
    expired = 0
    for back in range(EXPIRY_LOOKBACK_DAYS, -1, -1):
        day = (now - timedelta(days=back)).date()
        for number in repo.references_expiring_on(day, now):
            expired += repo.expire_reference(number)
    return expired


def remind_due() -> int:
    """Email, once per period, the members whose dues run out in REMIND_DAYS_BEFORE days."""
    day = local_today() + timedelta(days=REMIND_DAYS_BEFORE)
    sent = 0
    for found in repo.memberships_due_on(day):
        email = Email(
            [found.email],
            "membership_due_reminder",
            {
                "name": found.full_name,
                "plan": found.plan_name,
                "member_number": found.member_number,
                "paid_through": long_date(day),
                "fee": money.display(found.monthly_fee_cents),
                "pay_link": site_link("pagos/"),
                **insurers.email_brand(found.insurer_id),
            },
        )
        ids = repo.mark_reminded(found, [email])
        if ids is not None:
            dispatch(ids)
            sent += 1
    return sent
