"""The accounts context's own records, as its repository modules return them, the domain
errors their writes raise, and the keys of the items more than one of them writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib import errors


class AlreadyExists(errors.Conflict):
    code = "already_exists"


class TokenRejected(errors.BadRequest):
    code = "token_invalid"
    message = "El enlace no es válido, ya se usó o venció. Solicita uno nuevo."


class Locked(Exception):
    """Every attempt of the current window is taken; the window ends at `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


@dataclass
class Account:
    account_id: str
    role: str
    status: str
    email: str
    full_name: str
    created_at: str
    secondary_email: str | None = None
    secondary_email_pending: str | None = None
    phone: str | None = None
    insurer_ids: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    privacy: list[dict[str, str]] = field(default_factory=list)
    activation_hash: str | None = None
    reset_hash: str | None = None
    email_change_hash: str | None = None
    totp_secret: str | None = None
    totp_enrolled: bool = False
    totp_last_step: int | None = None
    activated_at: str | None = None
    session_generation: int = 0
    last_login_at: str | None = None
    totp_reset_hash: str | None = None
    totp_reenrol: bool = False  # staff: enrolling again needs the emailed link
    staff_version: int = 0

    @property
    def duties(self) -> tuple[str, ...]:
        """An operator's duties (`auth.DUTIES`), as their insurer's administrators gave them."""
        return tuple(str(d) for d in self.details.get("duties") or ())

    @property
    def addresses(self) -> list[str]:
        """Where notifications go: the email and a secondary email its owner confirmed.
        Activation and recovery links go to `email` alone."""
        return [a for a in (self.email, self.secondary_email) if a]


@dataclass(frozen=True)
class OneTimeToken:
    token_hash: str
    purpose: str
    account_id: str
    expires_at: datetime
    new_email: str | None = None


@dataclass(frozen=True)
class MfaSession:
    session_hash: str
    account_id: str
    sealed_refresh_token: str
    expires_at: datetime
    enrolling: bool
    reset_token_hash: str | None = None  # the emailed link of a re-enrolment after a reset


@dataclass(frozen=True)
class Session:
    """A log-in that completed every step it needs (the password; for staff, TOTP too).
    Cognito's tokens carry its id (`origin_jti`) across refreshes."""

    session_id: str
    account_id: str
    generation: int
    second_factor: bool
    refresh_hash: str
    expires_at: datetime
    opened_at: datetime | None = None  # None: a session recorded before staff limits
    last_seen_at: datetime | None = None


def account_key(account_id: str) -> tuple[str, str]:
    return f"ACCOUNT#{account_id}", "PROFILE"


def login_key(kind: str, value: str) -> tuple[str, str]:
    return f"LOGIN#{kind}#{value}", "LOGIN"


def staff_key(insurer_id: str, created_at: str, account_id: str) -> tuple[str, str]:
    """An operator in its insurer's staff list (oldest first by the sort key)."""
    return f"STAFF#{insurer_id}", f"OPERATOR#{created_at}#{account_id}"
