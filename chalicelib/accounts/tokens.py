"""One-time tokens (activation, password reset, email change): random, stored only hashed."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 random bits


def new_token() -> tuple[str, str]:
    """A fresh token for the link, and the hash that is the only thing stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
