"""What a change to a claim writes besides the claim: its history entry and the insured's
in-app notification."""

from __future__ import annotations

import uuid

from chalicelib import clock
from chalicelib.claims.repository import Claim, Notification


def now_iso() -> str:
    return clock.iso(clock.now())


def history_entry(
    source: str | None, target: str, at: str, by: str, note: str | None
) -> dict[str, str | None]:
    """One move of the claim's status, as its history stores it."""
    return {"from": source, "to": target, "at": at, "by": by, "note": note}


def notification(claim: Claim, title: str, body: str) -> Notification:
    """A notification for the claim's insured, with a time-ordered id."""
    now = clock.now()
    return Notification(
        notification_id=f"{now.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:12]}",
        account_id=claim.account_id,
        title=title,
        body=body,
        created_at=clock.iso(now),
        claim_id=claim.claim_id,
    )
