"""Accounts and identity: registration, activation, log-in (TOTP for operators), sessions,
password and email changes. The only door into the accounts context.

Other contexts, the routes, the admin command and the tests reach every function here; each
part lives in its own module (`registration`, `recovery` for activation and password reset,
`login`, `sessions`, `profile`, `facts` for what other contexts may know, `messages` for the
emails); the privacy functions stay below.
"""

from __future__ import annotations

from chalicelib import clock
from chalicelib.accounts import identity, repository
from chalicelib.accounts.facts import (
    InsuredContact,
    ProviderFacts,
    StaffName,
    account_id_for_email,
    account_id_for_identifier,
    contact,
    insured_contact,
    provider_account_for_rut,
    provider_account_id_for_rfc,
    provider_facts,
    staff_names,
)
from chalicelib.accounts.login import (
    MFA_TTL,
    TOTP_ISSUER,
    AccountDisabled,
    CodeAlreadyUsed,
    InvalidCode,
    InvalidCredentials,
    ReenrolmentRequired,
    complete_totp,
    login,
    start_reenrolment,
)
from chalicelib.accounts.messages import (
    ACCEPTED,
    ACTIVATION_TTL,
    PORTALS,
    SECONDARY_EMAIL_TTL,
)
from chalicelib.accounts.profile import (
    EMAIL_CHANGE_TTL,
    change_password,
    confirm_email,
    confirm_email_change,
    profile,
    request_email_change,
    update_profile,
)
from chalicelib.accounts.recovery import (
    REQUEST_QUEUE,
    RESET_TTL,
    activate,
    confirm_password_reset,
    handle_request,
    reactivate,
    request_password_reset,
    resend_activation,
)
from chalicelib.accounts.registration import (
    PRIVACY_NOTICE_VERSIONS,
    StaffInvitation,
    create_operator,
    create_platform_admin,
    register_affiliate,
    register_insured,
    register_provider,
    seed_active_account,
)
from chalicelib.accounts.repository import Account
from chalicelib.accounts.sessions import (
    SESSION_TTL,
    STAFF_IDLE,
    STAFF_SESSION_MAX,
    InvalidRefresh,
    SessionExpired,
    authenticate_token,
    logout,
    refresh,
)
from chalicelib.accounts.staff import (
    EmailInUse,
    LastAdministrator,
    OwnAccount,
    invite,
    reset_totp,
    staff,
    update,
)
from chalicelib.personal_data import PersonalData, Retained

__all__ = [
    "ACCEPTED",
    "ACTIVATION_TTL",
    "EMAIL_CHANGE_TTL",
    "MFA_TTL",
    "PORTALS",
    "PRIVACY_NOTICE_VERSIONS",
    "REQUEST_QUEUE",
    "RESET_TTL",
    "SECONDARY_EMAIL_TTL",
    "SESSION_TTL",
    "STAFF_IDLE",
    "STAFF_SESSION_MAX",
    "TOTP_ISSUER",
    "AccountDisabled",
    "CodeAlreadyUsed",
    "EmailInUse",
    "InsuredContact",
    "InvalidCode",
    "InvalidCredentials",
    "InvalidRefresh",
    "LastAdministrator",
    "OwnAccount",
    "ProviderFacts",
    "ReenrolmentRequired",
    "SessionExpired",
    "StaffInvitation",
    "StaffName",
    "account_id_for_email",
    "account_id_for_identifier",
    "activate",
    "authenticate_token",
    "change_password",
    "close_access",
    "complete_totp",
    "confirm_email",
    "confirm_email_change",
    "confirm_password_reset",
    "contact",
    "create_operator",
    "create_platform_admin",
    "erase_personal_data",
    "handle_request",
    "insured_contact",
    "invite",
    "login",
    "logout",
    "personal_data",
    "profile",
    "provider_account_for_rut",
    "provider_account_id_for_rfc",
    "provider_facts",
    "reactivate",
    "refresh",
    "register_affiliate",
    "register_insured",
    "register_provider",
    "request_email_change",
    "request_password_reset",
    "resend_activation",
    "reset_totp",
    "seed_active_account",
    "staff",
    "staff_names",
    "start_reenrolment",
    "update",
    "update_profile",
]

# --- privacy rights (ARCO) ------------------------------------------------------------------


def personal_data(account_id: str) -> PersonalData:
    """The account's profile for the person's data export (no secrets, no hashes)."""
    account = repository.get_account(account_id)
    if account is None:
        return PersonalData("cuenta", {})
    return PersonalData(
        "cuenta",
        {
            "id": account.account_id,
            "rol": account.role,
            "estado": account.status,
            "correo": account.email,
            "correo_secundario": account.secondary_email,
            "telefono": account.phone,
            "nombre": account.full_name,
            "aseguradoras": account.insurer_ids,
            "datos_de_registro": {
                k: v for k, v in account.details.items() if not k.endswith("_ok")
            },
            "avisos_de_privacidad_aceptados": account.privacy,
            "creada": account.created_at,
            "activada": account.activated_at,
        },
    )


def close_access(account_id: str) -> None:
    """An approved deletion's first step: every session ends now (our own record refuses
    every id token issued before, and Cognito revokes the refresh tokens) and nobody logs in
    as this user again. Repeatable."""
    account = repository.get_account(account_id)
    if account is not None and account.status != "eliminada":
        repository.end_every_session(account_id)
    identity.disable_user(account_id)


def _throttle_keys(account: Account | None, account_id: str) -> list[str]:
    from chalicelib.accounts.login import _throttle_key

    keys = [f"password#{account_id}", f"totp#{account_id}"]
    if account is not None:
        keys += [_throttle_key(value, None) for _, value in repository.login_identifiers(account)]
    return keys


def erase_personal_data(account_id: str) -> list[Retained]:
    """Anonymise the account, free its identifiers, delete its throttle items and its Cognito
    user with every attribute (repeatable)."""
    account = repository.get_account(account_id)
    if account is not None and account.status != "eliminada":
        close_access(account_id)
        repository.clear_every_attempt(_throttle_keys(account, account_id))
        repository.erase_account(account, clock.iso(clock.now()))
    else:
        repository.clear_every_attempt(_throttle_keys(None, account_id))
    identity.delete_user(account_id)
    return []
