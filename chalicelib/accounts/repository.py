"""Accounts persistence: the only modules that touch the accounts table's models.

They return the context's own domain objects and turn failed conditions into domain errors.
Emails that go with a change are staged in the same transaction (outbox).

The accounts service modules reach every function here; each part lives in its own module:
`repository_records` (the domain objects and errors), `repository_accounts` (reading and
creating accounts, contact changes, anonymising), `repository_tokens` (one-time tokens and the
changes they complete: activation, password reset, email changes), `repository_sessions`
(sessions with their refresh tokens, and the second factor), `repository_staff` (an
insurer's operators, their duties and status, TOTP resets) and `repository_attempts` (attempt
throttling).
"""

from __future__ import annotations

from chalicelib.accounts.repository_accounts import (
    account_id_for,
    create_account,
    erase_account,
    find_account,
    get_account,
    login_identifiers,
    update_contact,
)
from chalicelib.accounts.repository_attempts import (
    clear_attempts,
    clear_every_attempt,
    reserve_attempt,
)
from chalicelib.accounts.repository_records import (
    Account,
    AlreadyExists,
    Locked,
    MfaSession,
    OneTimeToken,
    Session,
    TokenRejected,
)
from chalicelib.accounts.repository_sessions import (
    accept_reenrolment,
    accept_totp_step,
    consume_mfa_session,
    create_mfa_session,
    end_every_session,
    end_session,
    get_mfa_session,
    get_session,
    open_session,
    session_of_refresh,
    set_totp_secret,
    touch_session,
)
from chalicelib.accounts.repository_staff import (
    StaffChanged,
    change_staff,
    every_operator,
    reset_totp,
    staff_page,
)
from chalicelib.accounts.repository_tokens import (
    TOKEN_PURPOSES,
    change_email,
    claim_token,
    clear_reset,
    complete_activation,
    confirm_secondary_email,
    current_token,
    issue_token,
    release_token,
    stage_emails,
    token_purpose,
)

__all__ = [
    "TOKEN_PURPOSES",
    "Account",
    "AlreadyExists",
    "Locked",
    "MfaSession",
    "OneTimeToken",
    "Session",
    "StaffChanged",
    "TokenRejected",
    "accept_reenrolment",
    "accept_totp_step",
    "account_id_for",
    "change_email",
    "change_staff",
    "claim_token",
    "clear_attempts",
    "clear_every_attempt",
    "clear_reset",
    "complete_activation",
    "confirm_secondary_email",
    "consume_mfa_session",
    "create_account",
    "create_mfa_session",
    "current_token",
    "end_every_session",
    "end_session",
    "erase_account",
    "every_operator",
    "find_account",
    "get_account",
    "get_mfa_session",
    "get_session",
    "issue_token",
    "login_identifiers",
    "open_session",
    "release_token",
    "reserve_attempt",
    "reset_totp",
    "session_of_refresh",
    "set_totp_secret",
    "staff_page",
    "stage_emails",
    "token_purpose",
    "touch_session",
    "update_contact",
]
