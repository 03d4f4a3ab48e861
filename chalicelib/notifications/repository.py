"""Outbox persistence: the only module that touches the outbox's PynamoDB models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo
from chalicelib.clock import iso

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

PENDING = "OUTBOX#pendiente"
SENT_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class OutboxEmail:
    email_id: str
    recipients: list[str]
    subject: str
    text: str
    html: str
    status: str
    # As mime.stored() keeps them; None without attachments.
    attachments: list[dict[str, Any]] | None = None


def _key(email_id: str) -> str:
    return f"EMAIL#{email_id}"


def stage(
    transaction: TransactWrite,
    *,
    email_id: str,
    recipients: list[str],
    subject: str,
    text: str,
    html: str,
    template: str,
    now: datetime,
    attachments: list[dict[str, Any]] | None = None,
) -> None:
    from chalicelib.notifications.models import OutboxEmailModel

    item = OutboxEmailModel(
        pk=_key(email_id),
        sk="EMAIL",
        email_id=email_id,
        recipients=recipients,
        subject=subject,
        text=text,
        html=html,
        template=template,
        attachments=attachments,
        status="pendiente",
        created_at=iso(now),
        gsi1pk=PENDING,
        gsi1sk=iso(now),
    )
    transaction.save(item, condition=OutboxEmailModel.pk.does_not_exist())


def get(email_id: str) -> OutboxEmail | None:
    from chalicelib.notifications.models import OutboxEmailModel

    item = OutboxEmailModel.find(_key(email_id), "EMAIL")
    if item is None:
        return None
    return dynamo.record_from(OutboxEmail, item, recipients=list(item.recipients))


def claim_for_sending(email_id: str, token: str, now: datetime, stale_before: datetime) -> bool:
    """Take the right to send a pending email (False: sent, or another delivery holds a claim
    taken after `stale_before`). A claim older than that belongs to a delivery that died."""
    from chalicelib.notifications.models import OutboxEmailModel

    item = OutboxEmailModel(pk=_key(email_id), sk="EMAIL")
    return dynamo.try_write(
        item.update,
        actions=[
            OutboxEmailModel.send_claim.set(token),
            OutboxEmailModel.send_claimed_at.set(iso(now)),
        ],
        condition=(OutboxEmailModel.status == "pendiente")
        & (
            OutboxEmailModel.send_claim.does_not_exist()
            | (OutboxEmailModel.send_claimed_at < iso(stale_before))
        ),
    )


def release_claim(email_id: str, token: str) -> None:
    """Give the email back to the next delivery (SES refused it); a no-op if taken over."""
    from chalicelib.notifications.models import OutboxEmailModel

    item = OutboxEmailModel(pk=_key(email_id), sk="EMAIL")
    dynamo.try_write(
        item.update,
        actions=[
            OutboxEmailModel.send_claim.remove(),
            OutboxEmailModel.send_claimed_at.remove(),
        ],
        condition=OutboxEmailModel.send_claim == token,
    )


def mark_sent(email_id: str, now: datetime) -> bool:
    """Pending → sent, once. False when it was already sent."""
    from chalicelib.notifications.models import OutboxEmailModel

    item = OutboxEmailModel(pk=_key(email_id), sk="EMAIL")
    return dynamo.try_write(
        item.update,
        actions=[
            OutboxEmailModel.status.set("enviado"),
            OutboxEmailModel.sent_at.set(iso(now)),
            OutboxEmailModel.gsi1pk.remove(),
            OutboxEmailModel.gsi1sk.remove(),
            OutboxEmailModel.send_claim.remove(),
            OutboxEmailModel.send_claimed_at.remove(),
            OutboxEmailModel.expires_at_epoch.set(int((now + SENT_RETENTION).timestamp())),
        ],
        condition=OutboxEmailModel.status == "pendiente",
    )


def pending_before(moment: datetime, limit: int = 100) -> list[str]:
    from chalicelib.notifications.models import OutboxEmailModel

    return [
        item.email_id
        for item in OutboxEmailModel.pending.query(
            PENDING, OutboxEmailModel.gsi1sk < iso(moment), limit=limit
        )
    ]
