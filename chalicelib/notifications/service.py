"""Email through an outbox: written with the state change, sent by a consumer that retries.

A context stages its emails (`Email`) inside its own DynamoDB transaction (`stage_emails`), commits,
then calls `dispatch` to enqueue the ids on SQS `email-outbox`. The `send_email` consumer
sends each through SES (v1 `send_email`, rendered by our templates; `send_raw_email` with a
MIME message when files travel with it, `mime.py`) and marks it sent; an SES
failure leaves it pending and the message comes back. A lost SQS message is found again by
the `resend_pending_emails` schedule. A delivery claims the email before sending, so the same
email arriving twice at once (a redelivered message and the schedule's) is sent once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib import aws
from chalicelib.clock import now
from chalicelib.config import get_settings
from chalicelib.notifications import mime, repository
from chalicelib.notifications.mime import Attachment
from chalicelib.notifications.render import render
from chalicelib.observability import logger

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

QUEUE = "email-outbox"
RESEND_AFTER = timedelta(minutes=2)
# A delivery's claim lapses after this (its Lambda died mid-send); the schedule then resends.
SEND_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Email:
    """An email to stage in the outbox together with a change."""

    recipients: list[str]
    template: str
    values: dict[str, str]
    # The addresses of the people the email is about besides its recipients (a contact
    # message forwarded to the complaints address is about its sender): their export lists
    # it and their deletion erases it.
    about: tuple[str, ...] = ()
    # Deleted from the outbox once sent (the last email of an account deletion).
    forget_after_sending: bool = False
    # Files that travel with it (sent through SES's send_raw_email).
    attachments: tuple[Attachment, ...] = ()


def stage_emails(transaction: TransactWrite, emails: Iterable[Email]) -> list[str]:
    """Add each email to `transaction`; returns their ids for `dispatch`."""
    return [
        stage_email(
            transaction,
            e.recipients,
            e.template,
            e.values,
            about=e.about,
            forget_after_sending=e.forget_after_sending,
            attachments=e.attachments,
        )
        for e in emails
    ]


def stage_email(
    transaction: TransactWrite,
    recipients: list[str],
    template: str,
    values: dict[str, str],
    *,
    about: Iterable[str] = (),
    forget_after_sending: bool = False,
    attachments: Sequence[Attachment] = (),
) -> str:
    """Add the rendered email to `transaction`; returns its id for `dispatch`."""
    email = render(template, values)
    email_id = str(uuid.uuid4())
    repository.stage(
        transaction,
        email_id=email_id,
        recipients=sorted(set(recipients)),
        subject=email.subject,
        text=email.text,
        html=email.html,
        template=template,
        now=now(),
        about=about,
        forget=forget_after_sending,
        attachments=mime.stored(attachments),
    )
    return email_id


@lru_cache(maxsize=1)
def _queue_url() -> str:
    settings = get_settings()
    return aws.sqs().get_queue_url(QueueName=settings.queue_name(QUEUE))["QueueUrl"]


def dispatch(email_ids: list[str]) -> None:
    """Enqueue committed emails. A failure here only delays them (the schedule resends)."""
    for email_id in email_ids:
        try:
            aws.sqs().send_message(QueueUrl=_queue_url(), MessageBody=email_id)
        except Exception:
            logger.exception("could not enqueue email", extra={"email_id": email_id})


def deliver(email_id: str) -> None:
    """Send one outbox email through SES unless it was already sent (consumer side)."""
    email = repository.get(email_id)
    if email is None or email.status != "pendiente":
        return
    claimed_at = now()
    token = uuid.uuid4().hex
    if not repository.claim_for_sending(email_id, token, claimed_at, claimed_at - SEND_LEASE):
        logger.info("email being sent by another delivery", extra={"email_id": email_id})
        return
    try:
        _send(email)
    except Exception:
        # Pending again for the message's next delivery; if even this fails, the claim lapses
        # after SEND_LEASE and the schedule enqueues the email again: delayed, never lost.
        try:
            repository.release_claim(email_id, token)
        except Exception:
            logger.exception("could not release the email's claim", extra={"email_id": email_id})
        raise
    repository.mark_sent(email_id, now())
    if email.forget:
        repository.forget(email_id)
    logger.info("email sent", extra={"email_id": email_id, "recipients": len(email.recipients)})


def _send(email: repository.OutboxEmail) -> None:
    if email.attachments:
        aws.ses().send_raw_email(
            Source=get_settings().mail_from,
            Destinations=email.recipients,
            RawMessage={
                "Data": mime.raw_message(
                    sender=get_settings().mail_from,
                    recipients=email.recipients,
                    subject=email.subject,
                    text=email.text,
                    html=email.html,
                    attachments=mime.loaded(email.attachments),
                )
            },
        )
        return
    aws.ses().send_email(
        Source=get_settings().mail_from,
        Destination={"ToAddresses": email.recipients},
        Message={
            "Subject": {"Data": email.subject, "Charset": "UTF-8"},
            "Body": {
                "Text": {"Data": email.text, "Charset": "UTF-8"},
                "Html": {"Data": email.html, "Charset": "UTF-8"},
            },
        },
    )


def resend_pending() -> int:
    """Enqueue again the emails still pending a while after they were written."""
    email_ids = repository.pending_before(now() - RESEND_AFTER)
    dispatch(email_ids)
    return len(email_ids)


# --- privacy rights (ARCO) ------------------------------------------------------------------


def emails_about(addresses: Iterable[str]) -> list[dict[str, object]]:
    """The emails sent to or about a person, as they read them, for their export."""
    return [
        {
            "asunto": e.subject,
            "para": e.recipients,
            "texto": e.text,
            "escrito": e.created_at,
            "enviado": e.sent_at,
        }
        for e in repository.emails_of(addresses)
    ]


def erase_emails_about(addresses: Iterable[str]) -> int:
    """Delete every outbox email sent to or about a person (an executed deletion)."""
    return repository.forget_emails_of(addresses)
