"""Payment references persistence (part of the payments repository, see `repository`): the
references issued for a membership (one open per membership, method and months), their
expiry, and the request counters of the anonymous routes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib import dynamo
from chalicelib.clock import iso
from chalicelib.payments.repository_records import Reference, run_transaction

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from chalicelib.payments.models import ReferenceItem

# How long the record of a request counter, an open-reference pointer or an expired
# reference stays before DynamoDB's TTL may remove it (the code checks expiry itself).
_COUNTER_RETENTION = timedelta(hours=1)
_REFERENCE_RETENTION = timedelta(days=400)


# --- references -------------------------------------------------------------------------------


def reference_key(reference: str) -> tuple[str, str]:
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

    item = ReferenceItem.find(*reference_key(reference))
    return None if item is None else _to_reference(item)


def open_reference(membership_id: str, method: str, months: int) -> str | None:
    """The reference last issued for this membership, method and months (maybe stale)."""
    from chalicelib.payments.models import ReferenceItem

    item = ReferenceItem.find(*_open_key(membership_id, method, months))
    return None if item is None else item.reference


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
                *reference_key(reference.reference),
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

    run_transaction(build)


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

    item = ReferenceItem(*reference_key(reference))
    return dynamo.try_write(
        item.update,
        actions=[
            ReferenceItem.status.set("vencida"),
            ReferenceItem.gsi1pk.remove(),
            ReferenceItem.gsi1sk.remove(),
        ],
        condition=ReferenceItem.status == "vigente",
    )


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
