"""PynamoDB models of the accounts table (only the repository modules import this one).

One table, several item types, each keyed by a prefix:
`ACCOUNT#<id>/PROFILE` (the account), `LOGIN#<kind>#<value>/LOGIN` (a unique identifier that
points at an account: email, NSS, RUT, RFC, policy titular), `TOKEN#<sha256>/TOKEN` (one-time
tokens), `THROTTLE#<key>/LOGIN` (attempts within a window: passwords per account, TOTP codes
per account), `SESSION#<origin_jti>/SESSION` (a log-in that completed every step: the only
thing that makes Cognito's tokens valid for our API), `REFRESH#<sha256>/SESSION` (which
session a refresh token belongs to), `MFA#<sha256>/MFA` (a log-in waiting for its TOTP code).
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Item


class AccountModel(Item):
    Meta = table_meta("accounts")

    account_id = UnicodeAttribute()
    role = UnicodeAttribute()
    status = UnicodeAttribute()  # pendiente | activa | deshabilitada (staff) | eliminada
    email = UnicodeAttribute()
    full_name = UnicodeAttribute()
    secondary_email = UnicodeAttribute(null=True)  # confirmed by its owner
    secondary_email_pending = UnicodeAttribute(null=True)  # waiting for the link to be opened
    secondary_email_hash = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    insurer_ids = ListAttribute[str](null=True)
    details = JSONAttribute(null=True)  # role-specific data (RFC, RUT, NSS, policy, …)
    privacy = JSONAttribute(null=True)  # [{notice, version, accepted_at}]
    activation_hash = UnicodeAttribute(null=True)
    reset_hash = UnicodeAttribute(null=True)
    email_change_hash = UnicodeAttribute(null=True)
    totp_secret = UnicodeAttribute(null=True)  # KMS ciphertext, base64
    totp_enrolled = BooleanAttribute(null=True)
    totp_last_step = NumberAttribute(null=True)
    # Sessions carry the generation they were opened in; a password change or reset moves
    # it on, so every earlier session (and its id tokens) stops working at once.
    session_generation = NumberAttribute(null=True)
    created_at = UnicodeAttribute()
    activated_at = UnicodeAttribute(null=True)
    last_login_at = UnicodeAttribute(null=True)
    # Staff: the TOTP secret an administrator dropped; only the emailed link (its token's
    # hash is kept here) lets the operator enrol a new authenticator.
    totp_reset_hash = UnicodeAttribute(null=True)
    totp_reenrol = BooleanAttribute(null=True)
    # Staff: moved on by every change of duties or status, so that two administrators'
    # changes cannot both pass the "one active administrator remains" check.
    staff_version = NumberAttribute(null=True)


class StaffModel(Item):
    Meta = table_meta("accounts")

    account_id = UnicodeAttribute()


class LoginModel(Item):
    Meta = table_meta("accounts")

    account_id = UnicodeAttribute()


class TokenModel(Item):
    Meta = table_meta("accounts")

    purpose = UnicodeAttribute()  # activation | reset | email_change | secondary_email | totp_reset
    account_id = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    used = BooleanAttribute()
    new_email = UnicodeAttribute(null=True)
    expires_at_epoch = NumberAttribute()


class ThrottleModel(Item):
    Meta = table_meta("accounts")

    failures = NumberAttribute()
    window_started = UnicodeAttribute()
    expires_at_epoch = NumberAttribute()


class SessionModel(Item):
    Meta = table_meta("accounts")

    account_id = UnicodeAttribute()
    generation = NumberAttribute()
    second_factor = BooleanAttribute()
    refresh_hash = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    expires_at_epoch = NumberAttribute()
    opened_at = UnicodeAttribute(null=True)
    last_seen_at = UnicodeAttribute(null=True)  # updated at most once a minute


class RefreshModel(Item):
    Meta = table_meta("accounts")

    account_id = UnicodeAttribute()
    origin_jti = UnicodeAttribute()
    expires_at_epoch = NumberAttribute()


class MfaSessionModel(Item):
    Meta = table_meta("accounts")

    account_id = UnicodeAttribute()
    sealed_refresh_token = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    enrolling = BooleanAttribute()
    expires_at_epoch = NumberAttribute()
    reset_token_hash = UnicodeAttribute(null=True)  # a re-enrolment after a TOTP reset
