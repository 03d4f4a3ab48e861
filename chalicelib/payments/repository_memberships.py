"""Plans and memberships persistence (part of the payments repository, see `repository`):
plans, memberships with their RFC and member-number lookups, the payments applied to them,
due reminders, and anonymising or deleting them for the privacy rights.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email
from chalicelib.payments.repository_records import (
    ConditionFailed,
    Membership,
    Payment,
    Plan,
    run_transaction,
)

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from chalicelib.payments.models import MembershipItem

PLANS = "PLANS"


# --- plans ------------------------------------------------------------------------------------


def _to_plan(item: MembershipItem) -> Plan:
    data = dict(item.data or {})
    return Plan(
        plan_id=data["plan_id"],
        name=data["name"],
        monthly_fee_cents=int(data["monthly_fee_cents"]),
        coverage=list(data.get("coverage", [])),
        description=str(data.get("description", "")),
        insurer_id=str(data.get("insurer_id", "")),
    )


def put_plan(plan: Plan) -> None:
    from chalicelib.payments.models import MembershipItem

    MembershipItem(
        pk=f"PLAN#{plan.plan_id}",
        sk="PLAN",
        kind="plan",
        data=asdict(plan),
        gsi1pk=PLANS,
        gsi1sk=plan.name,
    ).save()


def list_plans() -> list[Plan]:
    from chalicelib.payments.models import MembershipItem

    return [_to_plan(item) for item in MembershipItem.by_owner.query(PLANS, limit=100)]


def get_plan(plan_id: str) -> Plan | None:
    from chalicelib.payments.models import MembershipItem

    item = MembershipItem.find(f"PLAN#{plan_id}", "PLAN")
    return None if item is None else _to_plan(item)


# --- memberships ------------------------------------------------------------------------------


def membership_key(membership_id: str) -> tuple[str, str]:
    return f"MEMBERSHIP#{membership_id}", "MEMBERSHIP"


def _to_membership(item: MembershipItem) -> Membership:
    data = dict(item.data or {})
    return Membership(
        membership_id=data["membership_id"],
        account_id=data["account_id"],
        plan_id=data["plan_id"],
        plan_name=data["plan_name"],
        monthly_fee_cents=int(data["monthly_fee_cents"]),
        member_number=data["member_number"],
        rfc=data["rfc"],
        full_name=data["full_name"],
        email=data["email"],
        phone=data["phone"],
        created_at=data["created_at"],
        paid_through=date.fromisoformat(item.paid_through) if item.paid_through else None,
        version=int(item.version or 0),
        insurer_id=str(data.get("insurer_id", "")),
    )


def create_membership(membership: Membership, emails: list[Email]) -> list[str]:
    """Membership, its RFC and member-number lookups and the welcome email, together.

    Raises ConditionFailed when the member number is taken (the caller draws another)."""
    from chalicelib.payments.models import MembershipItem

    pk, sk = membership_key(membership.membership_id)
    data = asdict(membership)
    data.pop("paid_through")
    data.pop("version")

    def build(transaction: TransactWrite) -> list[str]:
        transaction.save(
            MembershipItem(
                pk=pk,
                sk=sk,
                kind="membership",
                data=data,
                membership_id=membership.membership_id,
                version=0,
                gsi1pk=f"ACCOUNT#{membership.account_id}",
                gsi1sk=f"{membership.created_at}#{membership.membership_id}",
            ),
            condition=MembershipItem.pk.does_not_exist(),
        )
        transaction.save(
            MembershipItem(
                pk=f"MEMBERNO#{membership.member_number}",
                sk="MEMBERNO",
                kind="member_number",
                membership_id=membership.membership_id,
            ),
            condition=MembershipItem.pk.does_not_exist(),
        )
        transaction.save(
            MembershipItem(
                pk=f"RFC#{membership.rfc}",
                sk=f"MEMBERSHIP#{membership.membership_id}",
                kind="rfc",
                membership_id=membership.membership_id,
            )
        )
        return notifications.stage_emails(transaction, emails)

    return run_transaction(build)


def get_membership(membership_id: str) -> Membership | None:
    from chalicelib.payments.models import MembershipItem

    item = MembershipItem.find(*membership_key(membership_id))
    return None if item is None else _to_membership(item)


def memberships_of(account_id: str, limit: int = 50) -> list[Membership]:
    from chalicelib.payments.models import MembershipItem

    return [
        _to_membership(item)
        for item in MembershipItem.by_owner.query(
            f"ACCOUNT#{account_id}", scan_index_forward=False, limit=limit
        )
    ]


def memberships_page(
    account_id: str, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[Membership], dict[str, Any] | None]:
    """One read of an account's memberships, newest first, and the key after it."""
    from chalicelib.payments.models import MembershipItem

    return dynamo.newest_first(
        MembershipItem.by_owner,
        f"ACCOUNT#{account_id}",
        _to_membership,
        limit=limit,
        cursor=cursor,
    )


def memberships_for_rfc(rfc: str, limit: int = 20) -> list[Membership]:
    from chalicelib.payments.models import MembershipItem

    found = []
    for pointer in MembershipItem.query(f"RFC#{rfc}", limit=limit):
        membership = get_membership(pointer.membership_id or "")
        if membership is not None:
            found.append(membership)
    return found


def memberships_due_on(day: date, limit: int = 500) -> list[Membership]:
    from chalicelib.payments.models import MembershipItem

    return [
        _to_membership(item)
        for item in MembershipItem.by_due_date.query(f"DUE#{day.isoformat()}", limit=limit)
    ]


def payments_of(membership_id: str, limit: int = 100) -> list[Payment]:
    from chalicelib.payments.models import MembershipItem

    items = MembershipItem.query(
        f"MEMBERSHIP#{membership_id}",
        MembershipItem.sk.startswith("PAYMENT#"),
        scan_index_forward=False,
        limit=limit,
    )
    return [_to_payment(item) for item in items]


def _to_payment(item: MembershipItem) -> Payment:
    data = dict(item.data or {})
    return Payment(
        payment_id=data["payment_id"],
        membership_id=data["membership_id"],
        channel=data["channel"],
        amount_cents=int(data["amount_cents"]),
        months=int(data["months"]),
        paid_at=datetime.fromisoformat(data["paid_at"]),
        paid_through=date.fromisoformat(data["paid_through"]),
        reference=data.get("reference"),
    )


def mark_reminded(membership: Membership, emails: list[Email]) -> list[str] | None:
    """Record the reminder for the current `paid_through` with its email; None if already sent."""
    from chalicelib.payments.models import MembershipItem

    assert membership.paid_through is not None
    due = membership.paid_through.isoformat()
    item = MembershipItem(*membership_key(membership.membership_id))

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            item,
            actions=[MembershipItem.reminded_for.set(due)],
            condition=(MembershipItem.paid_through == due)
            & (MembershipItem.reminded_for.does_not_exist() | (MembershipItem.reminded_for != due)),
        )
        return notifications.stage_emails(transaction, emails)

    try:
        return run_transaction(build)
    except ConditionFailed:
        return None


def membership_id_for_number(member_number: str) -> str | None:
    from chalicelib.payments.models import MembershipItem

    item = MembershipItem.find(f"MEMBERNO#{member_number}", "MEMBERNO")
    return None if item is None else item.membership_id


# --- privacy rights (ARCO) ------------------------------------------------------------------


def anonymise_membership(membership: Membership, erased: str) -> None:
    """Keep what the receipts need (RFC, member number, plan, fee, dates and the payments);
    the name, email and phone go. Repeatable."""
    from chalicelib.payments.models import MembershipItem

    pk, sk = membership_key(membership.membership_id)
    item = MembershipItem.get(pk, sk)
    data = dict(item.data or {})
    data.update(full_name=erased, email="", phone="")
    item.update(actions=[MembershipItem.data.set(data)])


def delete_membership(membership: Membership) -> None:
    """The membership, its payments and its lookups (a Query on its partition). Repeatable."""
    from chalicelib.payments.models import MembershipItem

    pk, _ = membership_key(membership.membership_id)
    for item in MembershipItem.query(pk):
        item.delete()
    for pointer_pk, pointer_sk in (
        (f"MEMBERNO#{membership.member_number}", "MEMBERNO"),
        (f"RFC#{membership.rfc}", f"MEMBERSHIP#{membership.membership_id}"),
    ):
        MembershipItem(pointer_pk, pointer_sk).delete()
