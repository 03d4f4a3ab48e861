"""The local outbox: the emails SES "sent", read from moto's record of them.

moto keeps sent messages in memory in this process (the moto server runs in-process); it
stores the HTML body when a message has one, else the text body, and a raw message (one with
attachments) as its MIME text, which is read here: each attachment is listed by name, type and
size.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"p", "br", "div", "li", "tr", "h1", "h2", "h3"}:
            self.parts.append("\n")
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.parts.append(f" {href} ")


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return "\n".join(line for line in lines if line)


def _looks_like_html(body: str) -> bool:
    head = body.lstrip()[:200].lower()
    return head.startswith("<!doctype") or head.startswith("<html") or "</" in body


class Outbox:
    """Emails sent through moto's SES, newest first, stamped when first seen."""

    def __init__(self, account_id: str, region: str) -> None:
        self._account_id = account_id
        self._region = region
        self._seen: dict[str, str] = {}
        self._lock = threading.Lock()

    def _backend_messages(self) -> list[Any]:
        from moto.ses.models import ses_backends

        return list(ses_backends[self._account_id][self._region].sent_messages)

    def observe(self) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            for message in self._backend_messages():
                self._seen.setdefault(message.id, now)

    def messages(self) -> list[dict[str, Any]]:
        self.observe()
        result = []
        for message in self._backend_messages():
            if hasattr(message, "raw_data"):
                result.append(self._raw(message))
                continue
            body = str(getattr(message, "body", "") or "")
            is_html = _looks_like_html(body)
            destinations = getattr(message, "destinations", {}) or {}
            recipients = [
                address
                for kind in ("ToAddresses", "CcAddresses", "BccAddresses")
                for address in destinations.get(kind, [])
            ]
            result.append(
                {
                    "id": message.id,
                    "to": recipients,
                    "from": message.source,
                    "subject": getattr(message, "subject", ""),
                    "text": html_to_text(body) if is_html else body,
                    "html": body if is_html else "",
                    "sent_at": self._seen.get(message.id, ""),
                    "attachments": [],
                }
            )
        result.reverse()
        return result

    def _raw(self, message: Any) -> dict[str, Any]:
        """A message sent with `send_raw_email` (one with attachments), read from its MIME."""
        from chalicelib.notifications.mime import read_raw

        read = read_raw(message.raw_data)
        return {
            "id": message.id,
            "to": read["to"] or [str(d) for d in message.destinations],
            "from": message.source,
            "subject": read["subject"],
            "text": read["text"] or html_to_text(read["html"]),
            "html": read["html"],
            "sent_at": self._seen.get(message.id, ""),
            "attachments": [
                {"name": a["name"], "content_type": a["content_type"], "size": a["size"]}
                for a in read["attachments"]
            ],
        }
