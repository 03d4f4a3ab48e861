"""The insured's inbox and voice: in-app notifications, and complaints or suggestions that
are acknowledged by email and forwarded."""

from __future__ import annotations

import re
from typing import Final

from chalicelib import dynamo, errors
from chalicelib.auth import Principal, require_role
from chalicelib.claims import access, changes, repository
from chalicelib.claims.schemas import (
    ContactIn,
    ContactOut,
    Done,
    NotificationListOut,
    NotificationOut,
)
from chalicelib.insurers import service as insurers
from chalicelib.notifications.service import Email
from chalicelib.schema import ListQuery

COMPLAINTS_ADDRESS: Final = "quejas@portal-medico.mx"


def my_notifications(principal: Principal, query: ListQuery) -> NotificationListOut:
    """The insured's in-app notifications, newest first."""
    require_role(principal, "asegurado")
    items, next_cursor = repository.notifications_of(
        principal.account_id, limit=query.limit, cursor=dynamo.decode_cursor(query.cursor)
    )
    return NotificationListOut(
        items=[
            NotificationOut(
                id=n.notification_id,
                title=n.title,
                body=n.body,
                claim_id=n.claim_id,
                created_at=n.created_at,
                read=n.read_at is not None,
            )
            for n in items
        ],
        next_cursor=next_cursor,
        unread=sum(1 for n in items if n.read_at is None),
    )


def mark_notification_read(principal: Principal, notification_id: str) -> Done:
    """Mark one of the insured's notifications as read."""
    require_role(principal, "asegurado")
    if not re.match(r"^\d{14}-[0-9a-f]{12}$", notification_id):
        raise errors.NotFound()
    if not repository.mark_read(principal.account_id, notification_id, changes.now_iso()):
        raise errors.NotFound()
    return Done(message="Notificación leída.")


_CONTACT_KIND_LABELS: Final = {"queja": "Queja", "sugerencia": "Sugerencia", "duda": "Duda"}


def contact(principal: Principal, body: ContactIn) -> ContactOut:
    """Store a complaint or suggestion, acknowledge it by email and forward it."""
    person = access.insured(principal)
    kind = _CONTACT_KIND_LABELS[body.kind]
    values = {
        "name": person.full_name,
        "kind": kind,
        "subject": body.subject,
        "message": body.message,
        "policy": person.policy_number,
        "email": person.email,
    }
    ticket, email_ids = repository.save_contact(
        person.account_id,
        body.subject,
        body.message,
        changes.now_iso(),
        [
            Email(
                person.addresses,
                "contact_received",
                {**values, **insurers.email_brand(person.insurer_id)},
            ),
            Email([COMPLAINTS_ADDRESS], "contact_forward", values, about=tuple(person.addresses)),
        ],
    )
    from chalicelib.notifications import service as notifications

    notifications.dispatch(email_ids)
    return ContactOut(
        ticket=ticket,
        message=f"Recibimos tu mensaje con el número {ticket}. Te responderemos por correo.",
    )
