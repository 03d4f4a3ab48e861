"""Webhook signatures: `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` (pure).

The tolerance window bounds how long a captured request can be replayed; the event id
(applied once) covers replays inside the window.
"""

from __future__ import annotations

import hashlib
import hmac

TOLERANCE_SECONDS = 300


class BadSignature(ValueError):
    pass


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str | None, body: bytes, now_unix: int) -> int:
    """The signed timestamp when the header is valid for `body` now; raises BadSignature."""
    if not secret:
        raise BadSignature("no secret configured")
    parts: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            parts.setdefault(key, []).append(value)
    stamps = parts.get("t", [])
    if len(stamps) != 1 or not stamps[0].isdigit():
        raise BadSignature("missing timestamp")
    timestamp = int(stamps[0])
    if abs(now_unix - timestamp) > TOLERANCE_SECONDS:
        raise BadSignature("stale timestamp")
    expected = sign(secret, timestamp, body).partition(",v1=")[2]
    # Every v1 candidate is compared in constant time (a network may send two while it
    # rotates secrets).
    wanted = expected.encode()
    candidates = [c.encode("utf-8", "replace") for c in parts.get("v1", [])]
    if not any(hmac.compare_digest(wanted, candidate) for candidate in candidates):
        raise BadSignature("signature mismatch")
    return timestamp
