"""Counts for the homes: an insurer's queue per status and an insured's unread notifications.
Each is one Query on a key (no item leaves DynamoDB for the queue counts), capped, since a home
says "más de N" rather than paging through a long queue to count it."""

from __future__ import annotations


def queue_count(insurer_id: str, status: str, *, cap: int) -> int:
    """How many of an insurer's claims are in `status`, counting at most `cap` (a COUNT Query
    on gsi2: no item is read out)."""
    from chalicelib.claims.models import ClaimModel

    return int(ClaimModel.by_queue.count(f"QUEUE#{insurer_id}#{status}", limit=cap))


def unread_count(account_id: str, *, cap: int) -> int:
    """How many of the account's newest `cap` notifications are unread (a Query on its key)."""
    from chalicelib.claims.models import NotificationModel

    results = NotificationModel.query(
        f"ACCOUNT#{account_id}",
        NotificationModel.sk.startswith("NOTIF#"),
        filter_condition=NotificationModel.read_at.does_not_exist(),
        scan_index_forward=False,
        limit=cap,
        attributes_to_get=["pk", "sk"],
    )
    return sum(1 for _ in results)
