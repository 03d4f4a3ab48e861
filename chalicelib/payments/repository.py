"""Memberships and payments persistence: the only module that touches their PynamoDB models.

It returns the context's own domain objects. Everything that must happen once (a payment
applied, a reminder sent, an exception recorded) is one conditional transaction, with the
email that goes with it staged in the same transaction (outbox).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors
from chalicelib.clock import iso
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from chalicelib.payments.models import MembershipItem, ReferenceItem

OPEN_EXCEPTIONS = "EXCEPTIONS#abierta"
UNATTRIBUTED = "-"
PLANS = "PLANS"
# How long the record of a request counter, an open-reference pointer or an expired
# reference stays before DynamoDB's TTL may remove it (the code checks expiry itself).
_COUNTER_RETENTION = timedelta(hours=1)
_REFERENCE_RETENTION = timedelta(days=400)


class ConditionFailed(errors.Conflict):
    """A condition of a write did not hold (a concurrent or repeated request won)."""

    code = "conflict"


@dataclass(frozen=True)
class Plan:
    plan_id: str
    name: str
    monthly_fee_cents: int
    coverage: list[str]
    description: str = ""
    # The insurer (health plan operator) offering the plan; its memberships are its records.
    insurer_id: str = ""


@dataclass(frozen=True)
class Membership:
    membership_id: str
    account_id: str
    plan_id: str
    plan_name: str
    monthly_fee_cents: int
    member_number: str
    rfc: str
    full_name: str
    email: str
    phone: str
    created_at: str
    paid_through: date | None = None
    version: int = 0
    insurer_id: str = ""  # the plan's insurer, copied when enrolling


@dataclass(frozen=True)
class Reference:
    reference: str
    membership_id: str
    member_number: str
    method: str
    months: int
    amount_cents: int
    created_at: datetime
    expires_at: datetime
    status: str = "vigente"  # vigente | pagada | vencida


@dataclass(frozen=True)
class Payment:
    payment_id: str
    membership_id: str
    channel: str
    amount_cents: int
    months: int
    paid_at: datetime
    paid_through: date
    reference: str | None = None


@dataclass(frozen=True)
class PaymentEvent:
    """A confirmation (webhook or card charge) and what became of it."""

    event_id: str
    outcome: str  # aplicado | excepcion | rechazado
    received_at: datetime
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentException:
    event_id: str
    reason: str  # unknown_reference | amount_mismatch | expired | already_paid
    reference: str
    amount_cents: int
    channel: str
    paid_at: str
    received_at: str
    membership_id: str | None = None
    # The membership's insurer; empty when the confirmation names no membership we know.
    insurer_id: str = ""


def _run(build: Any) -> list[str]:
    ids: list[str] = dynamo.transact(build, conflict=ConditionFailed())
    return ids


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

    try:
        return _to_plan(MembershipItem.get(f"PLAN#{plan_id}", "PLAN"))
    except MembershipItem.DoesNotExist:
        return None


# --- memberships ------------------------------------------------------------------------------


def _membership_key(membership_id: str) -> tuple[str, str]:
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

    pk, sk = _membership_key(membership.membership_id)
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

    return _run(build)


def get_membership(membership_id: str) -> Membership | None:
    from chalicelib.payments.models import MembershipItem

    try:
        return _to_membership(MembershipItem.get(*_membership_key(membership_id)))
    except MembershipItem.DoesNotExist:
        return None


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

    result = MembershipItem.by_owner.query(
        f"ACCOUNT#{account_id}", scan_index_forward=False, limit=limit, last_evaluated_key=cursor
    )
    return [_to_membership(item) for item in result], result.last_evaluated_key


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
    item = MembershipItem(*_membership_key(membership.membership_id))

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            item,
            actions=[MembershipItem.reminded_for.set(due)],
            condition=(MembershipItem.paid_through == due)
            & (MembershipItem.reminded_for.does_not_exist() | (MembershipItem.reminded_for != due)),
        )
        return notifications.stage_emails(transaction, emails)

    try:
        return _run(build)
    except ConditionFailed:
        return None


# --- references -------------------------------------------------------------------------------


def _reference_key(reference: str) -> tuple[str, str]:
    return f"REF#{reference}", "REFERENCE"


def _open_key(membership_id: str, method: str, months: int) -> tuple[str, str]:
    return f"OPEN#{membership_id}#{method}#{months}", "OPEN"


def _to_reference(item: ReferenceItem) -> Reference:
    data = dict(item.data or {})
    return Reference(
        reference=data["reference"],
        membership_id=data["membership_id"],
        member_number=data["member_number"],
        method=data["method"],
        months=int(data["months"]),
        amount_cents=int(data["amount_cents"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        expires_at=datetime.fromisoformat(data["expires_at"]),
        status=item.status or "vigente",
    )


def get_reference(reference: str) -> Reference | None:
    from chalicelib.payments.models import ReferenceItem

    try:
        return _to_reference(ReferenceItem.get(*_reference_key(reference)))
    except ReferenceItem.DoesNotExist:
        return None


def open_reference(membership_id: str, method: str, months: int) -> str | None:
    """The reference last issued for this membership, method and months (maybe stale)."""
    from chalicelib.payments.models import ReferenceItem

    try:
        return ReferenceItem.get(*_open_key(membership_id, method, months)).reference
    except ReferenceItem.DoesNotExist:
        return None


def create_reference(reference: Reference, replaces: str | None) -> None:
    """Store `reference` as the open one for its request. Raises ConditionFailed when another
    request opened one first (or the reference number exists)."""
    from chalicelib.payments.models import ReferenceItem

    data = {
        "reference": reference.reference,
        "membership_id": reference.membership_id,
        "member_number": reference.member_number,
        "method": reference.method,
        "months": reference.months,
        "amount_cents": reference.amount_cents,
        "created_at": iso(reference.created_at),
        "expires_at": iso(reference.expires_at),
    }
    open_pk, open_sk = _open_key(reference.membership_id, reference.method, reference.months)
    pointer_condition = (
        ReferenceItem.pk.does_not_exist()
        if replaces is None
        else (ReferenceItem.reference == replaces)
    )

    def build(transaction: TransactWrite) -> list[str]:
        transaction.save(
            ReferenceItem(
                *_reference_key(reference.reference),
                kind="reference",
                data=data,
                status="vigente",
                reference=reference.reference,
                expires_at=iso(reference.expires_at),
                gsi1pk=f"EXPIRES#{reference.expires_at.date().isoformat()}",
                gsi1sk=f"{iso(reference.expires_at)}#{reference.reference}",
                expires_at_epoch=int((reference.expires_at + _REFERENCE_RETENTION).timestamp()),
            ),
            condition=ReferenceItem.pk.does_not_exist(),
        )
        transaction.save(
            ReferenceItem(
                open_pk,
                open_sk,
                kind="open",
                reference=reference.reference,
                expires_at=iso(reference.expires_at),
                expires_at_epoch=int((reference.expires_at + timedelta(days=1)).timestamp()),
            ),
            condition=pointer_condition,
        )
        return []

    _run(build)


def references_expiring_on(day: date, before: datetime, limit: int = 500) -> list[str]:
    from chalicelib.payments.models import ReferenceItem

    return [
        item.reference or ""
        for item in ReferenceItem.by_expiry.query(
            f"EXPIRES#{day.isoformat()}", ReferenceItem.gsi1sk < iso(before), limit=limit
        )
    ]


def expire_reference(reference: str) -> bool:
    """vigente → vencida, once; it leaves the expiry index. False if it was paid meanwhile."""
    from chalicelib.payments.models import ReferenceItem

    item = ReferenceItem(*_reference_key(reference))
    try:
        item.update(
            actions=[
                ReferenceItem.status.set("vencida"),
                ReferenceItem.gsi1pk.remove(),
                ReferenceItem.gsi1sk.remove(),
            ],
            condition=ReferenceItem.status == "vigente",
        )
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise
    return True


# --- confirmations ----------------------------------------------------------------------------


def _event_key(event_id: str) -> tuple[str, str]:
    return f"EVENT#{event_id}", "EVENT"


def get_event(event_id: str) -> PaymentEvent | None:
    from chalicelib.payments.models import ReferenceItem

    try:
        item = ReferenceItem.get(*_event_key(event_id))
    except ReferenceItem.DoesNotExist:
        return None
    data = dict(item.data or {})
    return PaymentEvent(
        event_id=event_id,
        outcome=item.status or "",
        received_at=datetime.fromisoformat(data.pop("received_at")),
        details=data,
    )


def _event_item(event: PaymentEvent) -> ReferenceItem:
    from chalicelib.payments.models import ReferenceItem

    return ReferenceItem(
        *_event_key(event.event_id),
        kind="event",
        status=event.outcome,
        data={**event.details, "received_at": iso(event.received_at)},
    )


def apply_payment(
    event: PaymentEvent,
    membership: Membership,
    payment: Payment,
    emails: list[Email],
) -> list[str]:
    """The one transaction that applies a payment: the event (once per id), the reference
    (once: it must not be paid already), the membership (its version must not have moved)
    and the payment record, with the receipt email. Raises ConditionFailed otherwise."""
    from chalicelib.payments.models import MembershipItem, ReferenceItem

    paid_through = payment.paid_through.isoformat()
    membership_item = MembershipItem(*_membership_key(membership.membership_id))
    payment_data = {
        "payment_id": payment.payment_id,
        "membership_id": payment.membership_id,
        "channel": payment.channel,
        "amount_cents": payment.amount_cents,
        "months": payment.months,
        "paid_at": iso(payment.paid_at),
        "paid_through": paid_through,
        "reference": payment.reference,
    }

    def build(transaction: TransactWrite) -> list[str]:
        transaction.save(_event_item(event), condition=ReferenceItem.pk.does_not_exist())
        if payment.reference is not None:
            transaction.update(
                ReferenceItem(*_reference_key(payment.reference)),
                actions=[
                    ReferenceItem.status.set("pagada"),
                    ReferenceItem.gsi1pk.remove(),
                    ReferenceItem.gsi1sk.remove(),
                ],
                condition=ReferenceItem.pk.exists() & (ReferenceItem.status != "pagada"),
            )
        transaction.update(
            membership_item,
            actions=[
                MembershipItem.paid_through.set(paid_through),
                MembershipItem.version.set(membership.version + 1),
                MembershipItem.gsi2pk.set(f"DUE#{paid_through}"),
                MembershipItem.gsi2sk.set(membership.membership_id),
            ],
            condition=MembershipItem.version == membership.version,
        )
        transaction.save(
            MembershipItem(
                f"MEMBERSHIP#{membership.membership_id}",
                f"PAYMENT#{iso(payment.paid_at)}#{payment.payment_id}",
                kind="payment",
                data=payment_data,
                membership_id=membership.membership_id,
            ),
            condition=MembershipItem.pk.does_not_exist(),
        )
        return notifications.stage_emails(transaction, emails)

    return _run(build)


def record_event(event: PaymentEvent, exception: PaymentException | None = None) -> bool:
    """An event that is not applied (an exception for operators, a declined charge), once.
    False when the event id was already recorded."""
    from chalicelib.payments.models import ReferenceItem

    def build(transaction: TransactWrite) -> list[str]:
        transaction.save(_event_item(event), condition=ReferenceItem.pk.does_not_exist())
        if exception is not None:
            transaction.save(
                ReferenceItem(
                    f"EXCEPTION#{exception.event_id}",
                    "EXCEPTION",
                    kind="exception",
                    status="abierta",
                    reference=exception.reference,
                    data=asdict(exception),
                    gsi1pk=_open_exceptions(exception.insurer_id),
                    gsi1sk=f"{exception.received_at}#{exception.event_id}",
                )
            )
        return []

    try:
        _run(build)
    except ConditionFailed:
        return False
    return True


def _open_exceptions(insurer_id: str) -> str:
    # One partition per insurer, so an operator's list is one Query over its own tenant;
    # confirmations that name no known membership fall in the partition with no insurer.
    return f"{OPEN_EXCEPTIONS}#{insurer_id or UNATTRIBUTED}"


def membership_id_for_number(member_number: str) -> str | None:
    from chalicelib.payments.models import MembershipItem

    try:
        return MembershipItem.get(f"MEMBERNO#{member_number}", "MEMBERNO").membership_id
    except MembershipItem.DoesNotExist:
        return None


def open_exceptions(
    insurer_id: str, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[PaymentException], dict[str, Any] | None]:
    from chalicelib.payments.models import ReferenceItem

    result = ReferenceItem.by_expiry.query(
        _open_exceptions(insurer_id),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=cursor,
    )
    items = [PaymentException(**dict(item.data or {})) for item in result]
    return items, result.last_evaluated_key


# --- request counters (anonymous routes) ------------------------------------------------------


def count_request(scope: str, key: str, window_start: datetime) -> int:
    """Add one to the counter of `scope`/`key` for the window; returns the new count."""
    from chalicelib.payments.models import ReferenceItem

    item = ReferenceItem(f"LIMIT#{scope}#{key}#{iso(window_start)}", "LIMIT")
    item.update(
        actions=[
            ReferenceItem.hits.add(1),
            ReferenceItem.kind.set("limit"),
            ReferenceItem.expires_at_epoch.set(
                int((window_start + _COUNTER_RETENTION).timestamp())
            ),
        ]
    )
    return int(item.hits or 0)


# --- privacy rights (ARCO) ------------------------------------------------------------------


def anonymise_membership(membership: Membership, erased: str) -> None:
    """Keep what the receipts need (RFC, member number, plan, fee, dates and the payments);
    the name, email and phone go. Repeatable."""
    from chalicelib.payments.models import MembershipItem

    pk, sk = _membership_key(membership.membership_id)
    item = MembershipItem.get(pk, sk)
    data = dict(item.data or {})
    data.update(full_name=erased, email="", phone="")
    item.update(actions=[MembershipItem.data.set(data)])


def delete_membership(membership: Membership) -> None:
    """The membership, its payments and its lookups (a Query on its partition). Repeatable."""
    from chalicelib.payments.models import MembershipItem

    pk, _ = _membership_key(membership.membership_id)
    for item in MembershipItem.query(pk):
        item.delete()
    for pointer_pk, pointer_sk in (
        (f"MEMBERNO#{membership.member_number}", "MEMBERNO"),
        (f"RFC#{membership.rfc}", f"MEMBERSHIP#{membership.membership_id}"),
    ):
        MembershipItem(pointer_pk, pointer_sk).delete()
