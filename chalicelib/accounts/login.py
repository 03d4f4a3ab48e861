"""Log-in: email, NSS or RUT and password, throttled per account; staff then answer a TOTP
challenge (enrolling on their first log-in) before their session opens. After an
administrator resets an operator's TOTP, only the emailed link (with the password) enrols a
new authenticator: the password alone never does."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from chalicelib import clock, crypto, errors
from chalicelib.accounts import identity, messages, repository, throttle
from chalicelib.accounts.identifiers import classify_identifier
from chalicelib.accounts.repository import Account, MfaSession
from chalicelib.accounts.schemas import LoginResult, TotpEnrollment
from chalicelib.accounts.sessions import SessionExpired, open_session
from chalicelib.accounts.tokens import new_token, token_hash
from chalicelib.audit import service as audit
from chalicelib.auth import STAFF_ROLES
from chalicelib.notifications.service import Email

MFA_TTL = timedelta(minutes=5)

TOTP_ISSUER = "Portal Médico"


class InvalidCredentials(errors.Unauthorized):
    code = "invalid_credentials"
    message = "El usuario o la contraseña no son correctos."


class InvalidCode(errors.Unauthorized):
    code = "invalid_code"
    message = (
        "El código no es correcto. Revisa tu aplicación de autenticación e inténtalo de nuevo."
    )


class AccountDisabled(errors.Forbidden):
    code = "account_disabled"
    message = (
        "Tu cuenta de operador está deshabilitada. Si crees que es un error, habla con el "
        "administrador de tu aseguradora."
    )


class ReenrolmentRequired(errors.Forbidden):
    code = "totp_reset_pending"
    message = (
        "Se restableció tu verificación en dos pasos. Abre el enlace que te enviamos por correo "
        "para configurar de nuevo tu aplicación de autenticación."
    )


class CodeAlreadyUsed(errors.Unauthorized):
    code = "code_already_used"
    message = "Ese código ya se usó; espera el siguiente."


def resolve(identifier: str) -> Account | None:
    classified = classify_identifier(identifier)
    if classified is None:
        return None
    return repository.find_account(*classified)


def _throttle_key(identifier: str, account: Account | None) -> str:
    """Password attempts count per account, whichever identifier names it; an identifier
    with no account counts on its own (so its answers look the same)."""
    if account is not None:
        return f"password#{account.account_id}"
    classified = classify_identifier(identifier)
    value = " ".join(identifier.lower().split()) if classified is None else "#".join(classified)
    # Hashed: an email or an NSS typed at the log-in is not kept in a key in clear.
    return f"password#unknown#{token_hash(value)}"


def reserve(key: str, limit: int, now: datetime, what: str) -> int:
    try:
        return repository.reserve_attempt(key, now, limit)
    except repository.Locked as locked:
        raise errors.TooManyAttempts(throttle.locked_message(locked.until, now, what)) from None


def login(identifier: str, password: str) -> LoginResult:
    """Email, NSS or RUT and password; staff get a TOTP challenge first.

    An attempt takes its place in the account's window before the password is checked, and
    an unknown identifier costs the same lookups and the same Cognito call as a wrong
    password, so neither races nor timing tell more than the answer does."""
    now = clock.now()
    account = resolve(identifier)
    key = _throttle_key(identifier, account)
    reserve(key, throttle.MAX_PASSWORD_ATTEMPTS, now, "o restablece tu contraseña")
    tokens = None
    if account is not None and account.status in ("activa", "deshabilitada"):
        tokens = identity.authenticate(account.account_id, password)
    else:
        identity.decoy_authenticate(password)
    if account is None or tokens is None:
        raise InvalidCredentials()
    repository.clear_attempts(key)
    if account.status == "deshabilitada":
        # Told only to whoever knows the password; the tokens never become a session.
        identity.revoke(tokens.refresh_token or "")
        raise AccountDisabled()
    if account.role in STAFF_ROLES:
        return _totp_challenge(account, tokens.refresh_token or "", now)
    return open_session(account, tokens, second_factor=False, now=now)


def start_reenrolment(token: str, password: str) -> LoginResult:
    """The emailed link of a TOTP reset and the password: a TOTP challenge that enrols a new
    authenticator (the link is used up when the first code is accepted)."""
    now = clock.now()
    hashed = token_hash(token)
    found = repository.current_token(hashed, "totp_reset", now)
    account = repository.get_account(found.account_id) if found else None
    if account is None or account.totp_reset_hash != hashed or not account.totp_reenrol:
        raise repository.TokenRejected()
    key = f"password#{account.account_id}"
    reserve(key, throttle.MAX_PASSWORD_ATTEMPTS, now, "o restablece tu contraseña")
    tokens = identity.authenticate(account.account_id, password)
    if tokens is None:
        raise InvalidCredentials()
    repository.clear_attempts(key)
    if account.status != "activa":
        identity.revoke(tokens.refresh_token or "")
        raise AccountDisabled()
    return _totp_challenge(account, tokens.refresh_token or "", now, reset_token_hash=hashed)


def _totp_challenge(
    account: Account, refresh_token: str, now: datetime, *, reset_token_hash: str | None = None
) -> LoginResult:
    import pyotp

    enrollment = None
    if account.totp_reenrol and reset_token_hash is None:
        raise ReenrolmentRequired()
    if not account.totp_enrolled:
        secret = pyotp.random_base32()
        repository.set_totp_secret(account.account_id, crypto.seal(secret, "totp"))
        uri = pyotp.TOTP(secret).provisioning_uri(name=account.email, issuer_name=TOTP_ISSUER)
        enrollment = TotpEnrollment(secret=secret, otpauth_uri=uri, qr_svg=_qr_svg(uri))
    session, hashed = new_token()
    repository.create_mfa_session(
        MfaSession(
            session_hash=hashed,
            account_id=account.account_id,
            sealed_refresh_token=crypto.seal(refresh_token, "mfa-session"),
            expires_at=now + MFA_TTL,
            enrolling=enrollment is not None,
            reset_token_hash=reset_token_hash,
        )
    )
    return LoginResult(challenge="totp", session=session, enrollment=enrollment)


def _qr_svg(uri: str) -> str:
    """A standalone SVG document (with its namespace, so it also works as an image)."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(uri, error="m").save(
        buffer, kind="svg", scale=4, xmldecl=False, svgns=True, title="Código QR para tu app"
    )
    return buffer.getvalue().decode("utf-8")


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    import pyotp

    totp = pyotp.TOTP(secret)
    for offset in (-1, 0, 1):
        moment = now + timedelta(seconds=30 * offset)
        if hmac.compare_digest(totp.at(moment), code):
            return int(totp.timecode(moment))
    return None


def complete_totp(session: str, code: str) -> LoginResult:
    """The second factor: a 6-digit code, once, within 5 minutes. Codes count per account
    across every pending log-in (5 in 15 minutes); the fifth wrong one locks the account's
    codes for the rest of the window and tells its owner."""
    now = clock.now()
    hashed = token_hash(session)
    pending = repository.get_mfa_session(hashed)
    if pending is None or pending.expires_at <= now:
        raise SessionExpired()
    account = repository.get_account(pending.account_id)
    if (
        account is None
        or account.status != "activa"
        or not account.totp_secret
        or (account.totp_reenrol and not pending.reset_token_hash)
    ):
        raise SessionExpired()
    key = f"totp#{account.account_id}"
    taken = reserve(key, throttle.MAX_TOTP_ATTEMPTS, now, "con un código nuevo")
    step = _matching_step(crypto.unseal(account.totp_secret, "totp"), code, now)
    if step is None:
        if taken >= throttle.MAX_TOTP_ATTEMPTS:
            messages.send([_totp_locked_notice(account)])
        raise InvalidCode()
    if pending.reset_token_hash:
        accepted = repository.accept_reenrolment(account.account_id, step, pending.reset_token_hash)
    else:
        accepted = repository.accept_totp_step(account.account_id, step, enroll=pending.enrolling)
    if not accepted:
        raise CodeAlreadyUsed()
    if not repository.consume_mfa_session(hashed):
        raise SessionExpired()
    repository.clear_attempts(key)
    refresh_token = crypto.unseal(pending.sealed_refresh_token, "mfa-session")
    tokens = identity.refresh(account.account_id, refresh_token)
    if tokens is None:
        raise SessionExpired()
    tokens = identity.Tokens(tokens.id_token, refresh_token, tokens.expires_in)
    if account.role == "operador" and (pending.enrolling or pending.reset_token_hash):
        audit.staff_event(account.account_id, account.insurer_ids, "staff.totp_enrolled")
    return open_session(account, tokens, second_factor=True, now=now)


def _totp_locked_notice(account: Account) -> Email:
    return messages.notice(
        account,
        "bloqueo de los códigos de verificación",
        "se escribieron 5 códigos de verificación equivocados al iniciar sesión en tu "
        "cuenta, así que los bloqueamos durante 15 minutos",
    )
