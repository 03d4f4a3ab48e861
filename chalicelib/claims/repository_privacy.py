"""Claims persistence for privacy rights (part of the claims repository: the only other
module that touches the claims models): the person's in-app notifications and contact
messages for their export, and their deletion."""

from __future__ import annotations

from typing import Any


def inbox_of(account_id: str) -> dict[str, list[dict[str, Any]]]:
    """The account's in-app notifications and contact messages, as the person saw them
    (Queries on the account's partition)."""
    from chalicelib.claims.models import ContactModel, NotificationModel

    partition = f"ACCOUNT#{account_id}"
    return {
        "notificaciones": [
            {
                "titulo": n.title,
                "texto": n.body,
                "tramite": n.claim_id,
                "fecha": n.created_at,
                "leida": n.read_at,
            }
            for n in NotificationModel.query(partition, NotificationModel.sk.startswith("NOTIF#"))
        ],
        "mensajes_de_contacto": [
            {
                "numero": c.ticket,
                "asunto": c.subject,
                "mensaje": c.message,
                "fecha": c.created_at,
            }
            for c in ContactModel.query(partition, ContactModel.sk.startswith("CONTACT#"))
        ],
    }


def erase_inbox(account_id: str) -> int:
    """Delete the account's in-app notifications and contact messages (no law keeps them;
    the emails that carried them are the outbox's to erase). Repeatable."""
    from chalicelib.claims.models import ContactModel, NotificationModel

    partition = f"ACCOUNT#{account_id}"
    deleted = 0
    for model, prefix in ((NotificationModel, "NOTIF#"), (ContactModel, "CONTACT#")):
        for item in model.query(partition, model.sk.startswith(prefix)):
            item.delete()
            deleted += 1
    return deleted


def forget_folio_owner(folio: str, erased: str) -> None:
    """The folio's guard stays (a folio is never given twice) without the account it
    belonged to. Repeatable."""
    from chalicelib import dynamo
    from chalicelib.claims.models import FolioModel

    dynamo.try_write(
        FolioModel(f"FOLIO#{folio}", "FOLIO").update,
        actions=[FolioModel.account_id.set(erased)],
        condition=FolioModel.pk.exists(),
    )
