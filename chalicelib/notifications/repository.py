"""Outbox persistence: the only module that touches the outbox's PynamoDB models."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo
from chalicelib.clock import iso

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

PENDING = "OUTBOX#pendiente"
SENT_RETENTION = timedelta(days=30)
# A person's index item outlives any email it points at (sent ones go 30 days after sending).
PERSON_INDEX_RETENTION = timedelta(days=90)


@dataclass(frozen=True)
class OutboxEmail:
    email_id: str
    recipients: list[str]
    subject: str
    text: str
    html: str
    status: str
    forget: bool = False
    created_at: str = ""
    sent_at: str | None = None
    # As mime.stored() keeps them; None without attachments.
    attachments: list[dict[str, Any]] | None = None


def _key(email_id: str) -> str:
    return f"EMAIL#{email_id}"


def address_hash(address: str) -> str:
    """How a person's address names their index partition (never in clear in a key)."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


def _person_key(person: str) -> str:
    return f"PERSON#{person}"


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
    about: Iterable[str] = (),
    forget: bool = False,
    attachments: list[dict[str, Any]] | None = None,
) -> None:
    from chalicelib.notifications.models import OutboxEmailModel, PersonIndexModel

    people = sorted({address_hash(a) for a in [*recipients, *about] if a})
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
        people=people or None,
        forget=forget or None,
        gsi1pk=PENDING,
        gsi1sk=iso(now),
    )
    transaction.save(item, condition=OutboxEmailModel.pk.does_not_exist())
    expires = int((now + PERSON_INDEX_RETENTION).timestamp())
    for person in people:
        transaction.save(
            PersonIndexModel(
                _person_key(person),
                f"EMAIL#{iso(now)}#{email_id}",
                email_id=email_id,
                expires_at_epoch=expires,
            )
        )


def get(email_id: str) -> OutboxEmail | None:
    from chalicelib.notifications.models import OutboxEmailModel

    item = OutboxEmailModel.find(_key(email_id), "EMAIL")
    if item is None:
        return None
    return dynamo.record_from(
        OutboxEmail, item, recipients=list(item.recipients), forget=bool(item.forget)
    )


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


# --- privacy rights (ARCO) ------------------------------------------------------------------


def emails_of(addresses: Iterable[str]) -> list[OutboxEmail]:
    """The emails sent to or about these addresses, oldest first (a Query per address)."""
    from chalicelib.notifications.models import PersonIndexModel

    found: dict[str, OutboxEmail] = {}
    for person in {address_hash(a) for a in addresses if a}:
        for entry in PersonIndexModel.query(_person_key(person)):
            email = get(entry.email_id)
            if email is not None:
                found[email.email_id] = email
    return sorted(found.values(), key=lambda e: (e.created_at, e.email_id))


def forget(email_id: str) -> None:
    """Delete an email and every index item that points at it. Repeatable."""
    from chalicelib.notifications.models import OutboxEmailModel, PersonIndexModel

    item = OutboxEmailModel.find(_key(email_id), "EMAIL")
    if item is None:
        return
    for person in item.people or []:
        for entry in PersonIndexModel.query(
            _person_key(person), PersonIndexModel.sk.startswith("EMAIL#")
        ):
            if entry.email_id == email_id:
                entry.delete()
    item.delete()


def forget_emails_of(addresses: Iterable[str]) -> int:
    """Delete every email sent to or about these addresses, with their index items; the
    number of emails deleted. Repeatable."""
    from chalicelib.notifications.models import PersonIndexModel

    deleted = 0
    for person in {address_hash(a) for a in addresses if a}:
        for entry in PersonIndexModel.query(_person_key(person)):
            if get(entry.email_id) is not None:
                forget(entry.email_id)
                deleted += 1
            entry.delete()
    return deleted
