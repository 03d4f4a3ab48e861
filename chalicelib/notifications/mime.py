"""Emails with attachments: what the outbox keeps of a file, and the MIME message SES's
`send_raw_email` takes (built with the standard library's `email` package). Pure.

The outbox keeps each attachment's name, type, size and bytes (base64) on the email's own
item, so the email and its files are written in one transaction with the change that
caused them and erased with it; a small cap keeps that item far below DynamoDB's 400 KB.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from typing import Any, Final

# Every attachment of one email together, before base64 (a membership card is ≈ 2 KB).
MAX_ATTACHMENT_BYTES: Final = 200_000


@dataclass(frozen=True)
class Attachment:
    """A file that travels with an email."""

    name: str
    content_type: str
    data: bytes


def stored(attachments: Sequence[Attachment]) -> list[dict[str, Any]] | None:
    """The attachments as the outbox keeps them (None for an email without any).

    Raises ValueError beyond MAX_ATTACHMENT_BYTES: a caller's mistake, never a person's."""
    if not attachments:
        return None
    total = sum(len(a.data) for a in attachments)
    if total > MAX_ATTACHMENT_BYTES:
        raise ValueError(f"attachments of {total} bytes exceed {MAX_ATTACHMENT_BYTES}")
    return [
        {
            "name": a.name,
            "content_type": a.content_type,
            "size": len(a.data),
            "data": base64.b64encode(a.data).decode("ascii"),
        }
        for a in attachments
    ]


def loaded(kept: Iterable[dict[str, Any]] | None) -> list[Attachment]:
    """The attachments back from the outbox's record."""
    return [
        Attachment(
            name=str(item["name"]),
            content_type=str(item["content_type"]),
            data=base64.b64decode(item["data"]),
        )
        for item in kept or []
    ]


def raw_message(
    *,
    sender: str,
    recipients: Sequence[str],
    subject: str,
    text: str,
    html: str,
    attachments: Sequence[Attachment],
) -> bytes:
    """multipart/mixed: the text and HTML bodies as multipart/alternative, then each file."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="portal-medico.mx")
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.name
        )
    return message.as_bytes(policy=SMTP)


def read_raw(raw: str | bytes) -> dict[str, Any]:
    """A raw message's subject, text and HTML bodies and attachments (name, type, size): how
    the local outbox and the tests read what `send_raw_email` sent."""
    from email import message_from_bytes, message_from_string
    from email.policy import default

    parsed = (
        message_from_bytes(raw, policy=default)
        if isinstance(raw, bytes)
        else message_from_string(raw, policy=default)
    )
    assert isinstance(parsed, EmailMessage)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    files = []
    for part in parsed.iter_attachments():
        assert isinstance(part, EmailMessage)
        content = part.get_payload(decode=True)
        data = content if isinstance(content, bytes) else b""
        files.append(
            {
                "name": part.get_filename() or "",
                "content_type": part.get_content_type(),
                "size": len(data),
                "data": data,
            }
        )
    return {
        "subject": str(parsed.get("Subject", "")),
        "to": [a.strip() for a in str(parsed.get("To", "")).split(",") if a.strip()],
        "text": text_part.get_content() if isinstance(text_part, EmailMessage) else "",
        "html": html_part.get_content() if isinstance(html_part, EmailMessage) else "",
        "attachments": files,
    }
