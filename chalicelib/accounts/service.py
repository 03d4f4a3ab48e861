"""Accounts and identity: registration, activation, log-in (TOTP for operators), sessions,
password and email changes. The only door into the accounts context."""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib import clock, crypto, errors
from chalicelib.accounts import identity, repository, throttle
from chalicelib.accounts.identifiers import (
    check_rfc,
    check_rut,
    classify_identifier,
    format_rut,
    normalize_email,
)
from chalicelib.accounts.passwords import password_problem
from chalicelib.accounts.repository import Account, MfaSession, OneTimeToken, Session
from chalicelib.accounts.schemas import (
    Accepted,
    AffiliateRegistration,
    ChileanProviderRegistration,
    Done,
    EmailChange,
    InsuredRegistration,
    LoginResult,
    MexicanProviderRegistration,
    PasswordChange,
    Profile,
    ProfileUpdate,
    ProviderRegistration,
    Reactivation,
    Refreshed,
    TotpEnrollment,
)
from chalicelib.accounts.tokens import new_token, token_hash
from chalicelib.auth import STAFF_ROLES, Principal
from chalicelib.config import get_settings
from chalicelib.errors import ErrorDetail
from chalicelib.kernel.text import mask_nss, name_key
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email
from chalicelib.personal_data import PersonalData, Retained
from chalicelib.policies import service as policies
from chalicelib.registry import service as registry

ACTIVATION_TTL = timedelta(hours=24)
RESET_TTL = timedelta(minutes=30)
EMAIL_CHANGE_TTL = timedelta(hours=24)
SECONDARY_EMAIL_TTL = timedelta(hours=24)
MFA_TTL = timedelta(minutes=5)
# A session lives as long as Cognito's refresh token (the app client's refresh validity).
SESSION_TTL = timedelta(days=30)
PRIVACY_NOTICE_VERSIONS = {"broker": "2026-01", "insurer": "2026-01"}
TOTP_ISSUER = "Portal Médico"

# One answer for every registration and reset request, whatever happened: the email says it.
ACCEPTED = Accepted(
    message="Recibimos tu solicitud. Revisa tu correo electrónico: ahí te indicamos cómo "
    "continuar. Si no lo ves en unos minutos, busca en la carpeta de correo no deseado."
)

PORTALS = {
    "asegurado": ("Asegurados", "asegurados"),
    "prestador": ("Prestadores", "prestadores"),
    "afiliado": ("Afiliados", "afiliados"),
    "operador": ("Operadores", "operadores"),
}
_MEXICO_CITY = ZoneInfo("America/Mexico_City")


class InvalidCredentials(errors.Unauthorized):
    code = "invalid_credentials"
    message = "El usuario o la contraseña no son correctos."


class InvalidCode(errors.Unauthorized):
    code = "invalid_code"
    message = (
        "El código no es correcto. Revisa tu aplicación de autenticación e inténtalo de nuevo."
    )


class CodeAlreadyUsed(errors.Unauthorized):
    code = "code_already_used"
    message = "Ese código ya se usó; espera el siguiente."


class SessionExpired(errors.Unauthorized):
    code = "session_expired"
    message = "La verificación venció o ya se usó. Inicia sesión de nuevo."


class InvalidRefresh(errors.Unauthorized):
    code = "invalid_refresh"
    message = "Tu sesión terminó. Inicia sesión de nuevo."


# --- helpers ----------------------------------------------------------------------------------


def _link(page: str, token: str | None = None) -> str:
    base = f"{get_settings().site_url}/{page}"
    return f"{base}#token={token}" if token else base


def _send(emails: list[Email]) -> None:
    notifications.dispatch(repository.stage_emails(emails))


def _weak_password(field: str, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise errors.InvalidInput(
            problem, details=[ErrorDetail(field=field, code="password_rejected", message=problem)]
        )


def _activation_email(account: Account, token: str) -> Email:
    """Activation and recovery links go to the account's email only, never to a secondary."""
    portal, _ = PORTALS[account.role]
    return Email(
        [account.email],
        "activation",
        {"name": account.full_name, "portal": portal, "link": _link("activar.html", token)},
    )


def _already_registered(to: str, role: str, detail: str) -> Email:
    portal, _ = PORTALS[role]
    return Email(
        [to],
        "already_registered",
        {"portal": portal, "detail": detail, "link": _link("recuperar.html")},
    )


def _not_found(to: str, role: str, detail: str, document: str, page: str) -> Email:
    portal, _ = PORTALS[role]
    return Email(
        [to],
        "not_found",
        {"portal": portal, "detail": detail, "document": document, "link": _link(page)},
    )


def _issue_activation(account: Account) -> None:
    token, hashed = new_token()
    expires = clock.now() + ACTIVATION_TTL
    ids = repository.issue_token(
        OneTimeToken(hashed, "activation", account.account_id, expires),
        [_activation_email(account, token)],
    )
    notifications.dispatch(ids)


def _secondary_email_token(account: Account, address: str) -> tuple[OneTimeToken, Email]:
    """The confirmation link for a secondary email: until it is opened, nothing else goes
    there (and recovery links never do)."""
    token, hashed = new_token()
    expires = clock.now() + SECONDARY_EMAIL_TTL
    return (
        OneTimeToken(hashed, "secondary_email", account.account_id, expires, address),
        Email(
            [address],
            "secondary_email",
            {"name": account.full_name, "link": _link("confirmar-correo.html", token)},
        ),
    )


def _register(account: Account, unique: list[tuple[str, str]], role_label_detail: str) -> None:
    """Create a pending account with its activation email (and the confirmation link of a
    secondary email); a race on a unique value ends as an 'already registered' email."""
    token, hashed = new_token()
    expires = clock.now() + ACTIVATION_TTL
    emails = [_activation_email(account, token)]
    secondary_token = None
    if account.secondary_email_pending:
        secondary_token, confirmation = _secondary_email_token(
            account, account.secondary_email_pending
        )
        emails.append(confirmation)
    try:
        ids = repository.create_account(
            account,
            unique,
            OneTimeToken(hashed, "activation", account.account_id, expires),
            emails,
            secondary_token,
        )
    except repository.AlreadyExists:
        _send([_already_registered(account.email, account.role, role_label_detail)])
        return
    notifications.dispatch(ids)


def _existing_email_account(email: str, role: str) -> bool:
    """When the email already has an account, tell its owner (or resend a pending
    activation) and answer True."""
    existing = repository.find_account("email", email)
    if existing is None:
        return False
    if existing.status == "pendiente" and existing.role == role:
        _issue_activation(existing)
    else:
        _send([_already_registered(email, existing.role, "Este correo ya tiene una cuenta.")])
    return True


def _new_account(role: str, email: str, full_name: str, **fields: object) -> Account:
    return Account(
        account_id=str(uuid.uuid4()),
        role=role,
        status="pendiente",
        email=email,
        full_name=full_name,
        created_at=clock.iso(clock.now()),
        **fields,  # type: ignore[arg-type]
    )


# --- registration -----------------------------------------------------------------------------


def register_insured(body: InsuredRegistration) -> Accepted:
    """An insured titular registers against the insurer's policy roster."""
    email = str(body.email)
    policy = policies.find_policy(body.policy_number)
    if policy is None or name_key(policy.titular_name) != name_key(body.full_name):
        _send(
            [
                _not_found(
                    email,
                    "asegurado",
                    "el nombre y el número de póliza no coinciden con los de un titular de "
                    "nuestras aseguradoras.",
                    "tu certificado individual (nombre completo del titular y número de póliza)",
                    "registro/asegurados.html",
                )
            ]
        )
        return ACCEPTED
    if _existing_email_account(email, "asegurado"):
        return ACCEPTED
    now = clock.iso(clock.now())
    account = _new_account(
        "asegurado",
        email,
        policy.titular_name,
        secondary_email_pending=str(body.secondary_email) if body.secondary_email else None,
        insurer_ids=[policy.insurer_id],
        details={"policy_number": policy.policy_number, "insurer_id": policy.insurer_id},
        privacy=[
            {"notice": notice, "version": version, "accepted_at": now}
            for notice, version in PRIVACY_NOTICE_VERSIONS.items()
        ],
    )
    _register(
        account,
        [("email", email), ("policy", f"{policy.insurer_id}#{policy.policy_number}")],
        "La póliza ya tiene una cuenta de titular registrada.",
    )
    return ACCEPTED


def register_provider(body: ProviderRegistration) -> Accepted:
    """A doctor or clinic registers: Mexico by RFC, Chile by RUT."""
    data = body.root
    email = str(data.email)
    if _existing_email_account(email, "prestador"):
        return ACCEPTED
    if isinstance(data, MexicanProviderRegistration):
        details: dict[str, object] = {
            "country": "MX",
            "rfc": data.rfc,
            "fiscal_regime": data.fiscal_regime,
            "jalisco_cedular": data.jalisco_cedular,
            "rfc_check_digit_ok": check_rfc(data.rfc).check_digit_ok,
        }
        unique = [("email", email), ("rfc", data.rfc)]
        taken = "El RFC ya tiene una cuenta registrada."
    else:
        assert isinstance(data, ChileanProviderRegistration)
        details = {"country": "CL", "rut": data.rut}
        unique = [("email", email), ("rut", data.rut)]
        taken = "El RUT ya tiene una cuenta registrada."
    account = _new_account(
        "prestador", email, name_key(data.full_name), phone=data.phone, details=details
    )
    _register(account, unique, taken)
    return ACCEPTED


def register_affiliate(body: AffiliateRegistration) -> Accepted:
    """An affiliate registers with NSS and credential serial, checked against the registry."""
    email = str(body.email)
    record = registry.find_affiliate(body.nss)
    if record is None or registry.normalize_serial(record.credential_serial) != (
        registry.normalize_serial(body.credential_serial)
    ):
        _send(
            [
                _not_found(
                    email,
                    "afiliado",
                    "el número de seguridad social y el número de serie de la credencial no "
                    "coinciden con nuestro registro de afiliados.",
                    "tu credencial (NSS de 11 dígitos y número de serie)",
                    "registro/afiliados.html",
                )
            ]
        )
        return ACCEPTED
    if repository.account_id_for("nss", body.nss):
        _send(
            [
                _already_registered(
                    email, "afiliado", "El número de afiliación ya se encuentra registrado."
                )
            ]
        )
        return ACCEPTED
    if _existing_email_account(email, "afiliado"):
        return ACCEPTED
    account = _new_account(
        "afiliado",
        email,
        record.full_name,
        phone=body.phone,
        details={
            "nss": record.nss,
            "credential_serial": record.credential_serial,
            "member_id": record.member_id,
        },
    )
    _register(
        account,
        [("email", email), ("nss", record.nss)],
        "El número de afiliación ya se encuentra registrado.",
    )
    return ACCEPTED


def create_operator(email: str, full_name: str, insurer_ids: list[str]) -> str:
    """An operator account (admin command): pending until the emailed activation."""
    email = normalize_email(email)
    if not insurer_ids:
        raise errors.InvalidInput("Indica al menos una aseguradora.")
    for insurer_id in insurer_ids:
        if policies.get_insurer(insurer_id) is None:
            raise errors.NotFound(f"No existe la aseguradora {insurer_id}.")
    account = _new_account("operador", email, name_key(full_name), insurer_ids=insurer_ids)
    token, hashed = new_token()
    ids = repository.create_account(
        account,
        [("email", email)],
        OneTimeToken(hashed, "activation", account.account_id, clock.now() + ACTIVATION_TTL),
        [_activation_email(account, token)],
    )
    notifications.dispatch(ids)
    return account.account_id


# --- activation -------------------------------------------------------------------------------


def activate(token: str, password: str) -> Done:
    """Set the first password with the emailed one-time token."""
    _weak_password("password", password)
    claimed = repository.claim_token(token_hash(token), "activation", clock.now())
    account = repository.get_account(claimed.account_id)
    if account is None:
        raise repository.TokenRejected()
    try:
        identity.create_user(
            account.account_id, account.email, account.role, account.insurer_ids, password
        )
    except Exception:
        repository.release_token(claimed.token_hash)
        raise
    notifications.dispatch(repository.complete_activation(account.account_id, clock.now(), []))
    _, portal = PORTALS[account.role]
    return Done(message="Tu cuenta está activa. Ya puedes iniciar sesión.", portal=portal)


def _resolve(identifier: str) -> Account | None:
    classified = classify_identifier(identifier)
    if classified is None:
        return None
    return repository.find_account(*classified)


def resend_activation(identifier: str) -> Accepted:
    """A fresh activation link (the previous one stops working) for a pending account.
    The answer is queued work, the same for every identifier: see `handle_request`."""
    _queue_request("resend_activation", identifier)
    return ACCEPTED


def _resend_activation_now(identifier: str) -> None:
    account = _resolve(identifier)
    if account is not None and account.status == "pendiente":
        _issue_activation(account)


def reactivate(body: Reactivation) -> Accepted:
    """An affiliate whose activation went to a wrong email gives the right one."""
    account = repository.find_account("nss", body.nss)
    new_email = str(body.email)
    if account is None or registry.normalize_serial(
        str(account.details.get("credential_serial", ""))
    ) != registry.normalize_serial(body.credential_serial):
        return ACCEPTED
    if account.status != "pendiente":
        _send(
            [
                _already_registered(
                    new_email, "afiliado", "El número de afiliación ya se encuentra registrado."
                )
            ]
        )
        return ACCEPTED
    if new_email != account.email:
        try:
            repository.change_email(account, new_email, [])
        except repository.AlreadyExists:
            _send([_already_registered(new_email, "afiliado", "Este correo ya tiene una cuenta.")])
            return ACCEPTED
        account.email = new_email
    _issue_activation(account)
    return ACCEPTED


# --- log-in -----------------------------------------------------------------------------------


def _throttle_key(identifier: str, account: Account | None) -> str:
    """Password attempts count per account, whichever identifier names it; an identifier
    with no account counts on its own (so its answers look the same)."""
    if account is not None:
        return f"password#{account.account_id}"
    classified = classify_identifier(identifier)
    if classified is None:
        return "password#raw#" + " ".join(identifier.lower().split())
    kind, value = classified
    return f"password#{kind}#{value}"


def _reserve(key: str, limit: int, now: datetime, what: str) -> int:
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
    account = _resolve(identifier)
    key = _throttle_key(identifier, account)
    _reserve(key, throttle.MAX_PASSWORD_ATTEMPTS, now, "o restablece tu contraseña")
    tokens = None
    if account is not None and account.status == "activa":
        tokens = identity.authenticate(account.account_id, password)
    else:
        identity.decoy_authenticate(password)
    if account is None or tokens is None:
        raise InvalidCredentials()
    repository.clear_attempts(key)
    if account.role in STAFF_ROLES:
        return _totp_challenge(account, tokens.refresh_token or "", now)
    return _open_session(account, tokens, second_factor=False, now=now)


def _open_session(
    account: Account, tokens: identity.Tokens, *, second_factor: bool, now: datetime
) -> LoginResult:
    """Record the completed log-in: only tokens of a recorded session reach the API."""
    refresh_token = tokens.refresh_token or ""
    repository.open_session(
        Session(
            session_id=tokens.session_id,
            account_id=account.account_id,
            generation=account.session_generation,
            second_factor=second_factor,
            refresh_hash=token_hash(refresh_token),
            expires_at=now + SESSION_TTL,
        )
    )
    return LoginResult(
        id_token=tokens.id_token,
        refresh_token=refresh_token,
        expires_in=tokens.expires_in,
        role=account.role,
    )


def _totp_challenge(account: Account, refresh_token: str, now: datetime) -> LoginResult:
    import pyotp

    enrollment = None
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
    if account is None or account.status != "activa" or not account.totp_secret:
        raise SessionExpired()
    key = f"totp#{account.account_id}"
    taken = _reserve(key, throttle.MAX_TOTP_ATTEMPTS, now, "con un código nuevo")
    step = _matching_step(crypto.unseal(account.totp_secret, "totp"), code, now)
    if step is None:
        if taken >= throttle.MAX_TOTP_ATTEMPTS:
            _send([_totp_locked_notice(account)])
        raise InvalidCode()
    if not repository.accept_totp_step(account.account_id, step, enroll=pending.enrolling):
        raise CodeAlreadyUsed()
    if not repository.consume_mfa_session(hashed):
        raise SessionExpired()
    repository.clear_attempts(key)
    refresh_token = crypto.unseal(pending.sealed_refresh_token, "mfa-session")
    tokens = identity.refresh(account.account_id, refresh_token)
    if tokens is None:
        raise SessionExpired()
    tokens = identity.Tokens(tokens.id_token, refresh_token, tokens.expires_in)
    return _open_session(account, tokens, second_factor=True, now=now)


def _totp_locked_notice(account: Account) -> Email:
    return _notice(
        account,
        "bloqueo de los códigos de verificación",
        "se escribieron 5 códigos de verificación equivocados al iniciar sesión en tu "
        "cuenta, así que los bloqueamos durante 15 minutos",
    )


def refresh(refresh_token: str) -> Refreshed:
    """A new id token for the refresh token of a session that has not ended."""
    session = repository.session_of_refresh(token_hash(refresh_token))
    if session is None or session.expires_at <= clock.now():
        raise InvalidRefresh()
    account = repository.get_account(session.account_id)
    if (
        account is None
        or account.status != "activa"
        or account.session_generation != session.generation
    ):
        raise InvalidRefresh()
    tokens = identity.refresh(account.account_id, refresh_token)
    if tokens is None:
        raise InvalidRefresh()
    return Refreshed(id_token=tokens.id_token, expires_in=tokens.expires_in)


def logout(refresh_token: str) -> None:
    """The session ends: its refresh token and every id token issued from it stop working."""
    session = repository.session_of_refresh(token_hash(refresh_token))
    if session is not None:
        repository.end_session(session)
    identity.revoke(refresh_token)


# --- password reset ---------------------------------------------------------------------------


def request_password_reset(identifier: str) -> Accepted:
    """A reset link to the account's email (a pending account gets its activation again).
    The answer is queued work, the same for every identifier: see `handle_request`."""
    _queue_request("password_reset", identifier)
    return ACCEPTED


def _password_reset_now(identifier: str) -> None:
    account = _resolve(identifier)
    if account is None:
        return
    if account.status == "pendiente":
        _issue_activation(account)
        return
    if account.status != "activa":
        return
    token, hashed = new_token()
    ids = repository.issue_token(
        OneTimeToken(hashed, "reset", account.account_id, clock.now() + RESET_TTL),
        [Email([account.email], "password_reset", {"link": _link("restablecer.html", token)})],
    )
    notifications.dispatch(ids)


REQUEST_QUEUE = "account-requests"
_REQUESTS = {"password_reset": _password_reset_now, "resend_activation": _resend_activation_now}


def _queue_request(kind: str, identifier: str) -> None:
    """Hand the request to the `account-requests` queue: the answer does the same work (one
    message) whether the identifier has an account or not, so its timing tells nothing."""
    import json

    from chalicelib import aws

    settings = get_settings()
    sqs = aws.sqs()
    url = sqs.get_queue_url(QueueName=settings.queue_name(REQUEST_QUEUE))["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": kind, "identifier": identifier}))


def handle_request(body: str) -> None:
    """Carry out a queued reset or activation request (the `account-requests` consumer)."""
    import json

    message = json.loads(body)
    handler = _REQUESTS.get(str(message.get("kind")))
    if handler is None:
        return
    handler(str(message.get("identifier", "")))


def _notice(account: Account, change: str, sentence: str, to: list[str] | None = None) -> Email:
    when = clock.now().astimezone(_MEXICO_CITY).strftime("%d/%m/%Y a las %H:%M")
    return Email(
        to or account.addresses,
        "security_notice",
        {
            "name": account.full_name,
            "change": change,
            "change_sentence": sentence,
            "when": when,
            "link": _link("recuperar.html"),
        },
    )


def confirm_password_reset(token: str, password: str) -> Done:
    """Set a new password with the emailed token; sessions end and the throttle clears."""
    _weak_password("password", password)
    claimed = repository.claim_token(token_hash(token), "reset", clock.now())
    account = repository.get_account(claimed.account_id)
    if account is None:
        raise repository.TokenRejected()
    try:
        identity.set_password(account.account_id, password)
    except Exception:
        repository.release_token(claimed.token_hash)
        raise
    _end_sessions(account.account_id)
    repository.clear_attempts(f"password#{account.account_id}")
    notifications.dispatch(
        repository.clear_reset(
            account.account_id,
            [_notice(account, "cambio de contraseña", "la contraseña de tu cuenta se cambió")],
        )
    )
    _, portal = PORTALS[account.role]
    return Done(message="Listo: tu contraseña se cambió. Ya puedes iniciar sesión.", portal=portal)


# --- the signed-in person ---------------------------------------------------------------------


def _account_of(principal: Principal) -> Account:
    account = repository.get_account(principal.account_id)
    if account is None or account.status != "activa":
        raise errors.Unauthorized()
    return account


def profile(principal: Principal) -> Profile:
    """The signed-in person's data."""
    account = _account_of(principal)
    details = account.details
    nss = details.get("nss")
    rut = details.get("rut")
    return Profile(
        id=account.account_id,
        role=account.role,
        email=account.email,
        full_name=account.full_name,
        secondary_email=account.secondary_email,
        secondary_email_pending=account.secondary_email_pending,
        phone=account.phone,
        insurers=account.insurer_ids,
        insurer_names=[
            insurer.name
            for insurer in (policies.get_insurer(i) for i in account.insurer_ids)
            if insurer is not None
        ],
        policy_number=details.get("policy_number"),
        rfc=details.get("rfc"),
        rut=format_rut(str(rut)) if rut else None,
        nss_masked=mask_nss(str(nss)) if nss else None,
        credential_serial=details.get("credential_serial"),
        fiscal_regime=details.get("fiscal_regime"),
        jalisco_cedular=details.get("jalisco_cedular"),
        rfc_check_digit_warning=(
            not details["rfc_check_digit_ok"] if "rfc_check_digit_ok" in details else None
        ),
    )


def _end_sessions(account_id: str) -> None:
    """Every session of the account ends now: id tokens too, not only refresh tokens."""
    repository.end_every_session(account_id)
    identity.sign_out_everywhere(account_id)


def _check_current_password(account: Account, password: str) -> None:
    """Sensitive changes need the current password; wrong guesses count like log-ins."""
    now = clock.now()
    key = f"password#{account.account_id}"
    _reserve(key, throttle.MAX_PASSWORD_ATTEMPTS, now, "o restablece tu contraseña")
    if identity.authenticate(account.account_id, password) is None:
        raise errors.InvalidInput(
            "La contraseña actual no es correcta.",
            code="invalid_current_password",
            details=[
                ErrorDetail("current_password", "incorrect", "La contraseña actual no es correcta.")
            ],
        )
    repository.clear_attempts(key)


def update_profile(principal: Principal, body: ProfileUpdate) -> Profile:
    """Secondary email and phone ("" removes them), with the current password. A new
    secondary email gets a confirmation link and nothing else until it is opened; the
    account's addresses are told of every change."""
    account = _account_of(principal)
    changes = body.model_fields_set - {"current_password"}
    secondary = str(body.secondary_email) if body.secondary_email else None
    if "secondary_email" in changes and secondary and secondary == account.email:
        raise errors.InvalidInput(
            details=[
                ErrorDetail(
                    "secondary_email",
                    "same_as_primary",
                    "El correo secundario debe ser distinto del principal.",
                )
            ]
        )
    _check_current_password(account, body.current_password)
    emails: list[Email] = []
    phone = body.phone or None
    change_phone = "phone" in changes and phone != account.phone
    if change_phone:
        emails.append(_notice(account, "cambio de teléfono", "el teléfono de tu cuenta cambió"))
    current = {a for a in (account.secondary_email, account.secondary_email_pending) if a}
    new_secondary = "secondary_email" in changes and (
        secondary not in current if secondary else bool(current)
    )
    if new_secondary:
        sentence = (
            f"pediste que {secondary} reciba copia de tus avisos (cuando lo confirme)"
            if secondary
            else "quitaste el correo secundario de tu cuenta"
        )
        emails.append(_notice(account, "cambio de correo secundario", sentence))
    notifications.dispatch(
        repository.update_contact(
            account.account_id,
            phone=phone,
            change_phone=change_phone,
            drop_secondary=new_secondary,
            emails=emails,
        )
    )
    if new_secondary and secondary:
        token, confirmation = _secondary_email_token(account, secondary)
        notifications.dispatch(repository.issue_token(token, [confirmation]))
    return profile(principal)


def change_password(principal: Principal, body: PasswordChange) -> Done:
    """A new password, with the current one; every session ends (this one too) and a notice
    is sent."""
    account = _account_of(principal)
    _weak_password("new_password", body.new_password)
    _check_current_password(account, body.current_password)
    identity.set_password(account.account_id, body.new_password)
    _end_sessions(account.account_id)
    _send([_notice(account, "cambio de contraseña", "la contraseña de tu cuenta se cambió")])
    return Done(message="Tu contraseña se cambió. Inicia sesión de nuevo con la nueva.")


def request_email_change(principal: Principal, body: EmailChange) -> Accepted:
    """With the current password, a confirmation link to the new address; the email
    changes when it is opened, and the old address is told."""
    account = _account_of(principal)
    new_email = str(body.email)
    if new_email == account.email:
        raise errors.InvalidInput(
            details=[ErrorDetail("email", "same_as_current", "Ese ya es tu correo actual.")]
        )
    _check_current_password(account, body.current_password)
    token, hashed = new_token()
    ids = repository.issue_token(
        OneTimeToken(
            hashed, "email_change", account.account_id, clock.now() + EMAIL_CHANGE_TTL, new_email
        ),
        [
            Email(
                [new_email],
                "email_change",
                {"name": account.full_name, "link": _link("confirmar-correo.html", token)},
            ),
            _notice(
                account,
                "solicitud de cambio de correo",
                f"se pidió cambiar el correo de tu cuenta a {new_email} (cambiará cuando se "
                "abra el enlace que enviamos a esa dirección)",
            ),
        ],
    )
    notifications.dispatch(ids)
    return Accepted(
        message=f"Te enviamos un enlace a {new_email}. Tu correo cambiará cuando lo abras."
    )


def confirm_email(token: str) -> Done:
    """Open a link sent to an address: a new email for the account, or a secondary email."""
    if repository.token_purpose(token_hash(token)) == "secondary_email":
        return _confirm_secondary_email(token)
    return confirm_email_change(token)


def _confirm_secondary_email(token: str) -> Done:
    claimed = repository.claim_token(token_hash(token), "secondary_email", clock.now())
    account = repository.get_account(claimed.account_id)
    if account is None or not claimed.new_email:
        raise repository.TokenRejected()
    address = claimed.new_email
    notifications.dispatch(
        repository.confirm_secondary_email(
            account.account_id,
            address,
            [
                _notice(
                    account,
                    "correo secundario confirmado",
                    f"{address} quedó confirmado y recibirá copia de tus avisos",
                    to=[account.email, address],
                )
            ],
        )
    )
    _, portal = PORTALS[account.role]
    return Done(message=f"Listo: {address} recibirá copia de los avisos.", portal=portal)


def confirm_email_change(token: str) -> Done:
    """Open the link sent to the new address: the account's email (and log-in) changes."""
    claimed = repository.claim_token(token_hash(token), "email_change", clock.now())
    account = repository.get_account(claimed.account_id)
    if account is None or not claimed.new_email:
        raise repository.TokenRejected()
    new_email = claimed.new_email
    old_addresses = account.addresses
    ids = repository.change_email(
        account,
        new_email,
        [
            _notice(
                account,
                "cambio de correo",
                f"el correo de tu cuenta cambió a {new_email}",
                to=sorted({*old_addresses, new_email}),
            )
        ],
    )
    identity.set_email(account.account_id, new_email)
    notifications.dispatch(ids)
    _, portal = PORTALS[account.role]
    return Done(message=f"Listo: tu correo ahora es {new_email}.", portal=portal)


def authenticate_token(id_token: str) -> Principal:
    """The principal of a valid id token of this pool and client, as our records say.

    The token must belong to a session that completed every step of our log-in (for staff,
    TOTP) and that no password change, reset or log-out has ended; role and insurer scope
    come from the account record, never from the token's claims (which a user can rewrite
    through Cognito's public API)."""
    from chalicelib.accounts.jwt_verify import InvalidToken, verify_id_token

    try:
        claims = verify_id_token(id_token)
    except InvalidToken:
        raise errors.Unauthorized() from None
    account_id = claims.get("cognito:username")
    session_id = claims.get("origin_jti")
    if not isinstance(account_id, str) or not isinstance(session_id, str) or not session_id:
        raise errors.Unauthorized()
    session = repository.get_session(session_id)
    if session is None or session.account_id != account_id or session.expires_at <= clock.now():
        raise errors.Unauthorized()
    account = repository.get_account(account_id)
    if (
        account is None
        or account.status != "activa"
        or account.session_generation != session.generation
        or (account.role in STAFF_ROLES and not session.second_factor)
    ):
        raise errors.Unauthorized()
    return Principal(
        account_id=account.account_id,
        role=account.role,
        insurer_ids=tuple(account.insurer_ids),
        session_id=session_id,
    )


def seed_active_account(
    role: str,
    email: str,
    full_name: str,
    password: str,
    *,
    insurer_ids: list[str] | None = None,
    details: dict[str, object] | None = None,
    phone: str | None = None,
    totp_secret: str | None = None,
) -> str:
    """An already active account (seed data and migrations; people register instead)."""
    email = normalize_email(email)
    details = dict(details or {})
    account = _new_account(
        role,
        email,
        name_key(full_name),
        phone=phone,
        insurer_ids=list(insurer_ids or []),
        details=details,
        totp_secret=crypto.seal(totp_secret, "totp") if totp_secret else None,
        totp_enrolled=bool(totp_secret),
    )
    account.status = "activa"
    account.activated_at = account.created_at
    unique = [("email", email)]
    for kind in ("nss", "rut", "rfc"):
        if details.get(kind):
            unique.append((kind, str(details[kind])))
    if details.get("policy_number") and details.get("insurer_id"):
        unique.append(("policy", f"{details['insurer_id']}#{details['policy_number']}"))
    repository.create_account(account, unique, None, [])
    identity.create_user(account.account_id, email, role, account.insurer_ids, password)
    return account.account_id


# --- for other contexts ------------------------------------------------------------------------


def contact(principal: Principal) -> Account:
    """The signed-in, active account (name, addresses, role details) for other contexts."""
    return _account_of(principal)


def account_id_for_identifier(kind: str, value: str) -> str | None:
    """The account registered with this identifier (`email`, `nss`, `rut`, `rfc`), if any."""
    return repository.account_id_for(kind, value)


@dataclass(frozen=True)
class ProviderFacts:
    """What other contexts need of a Mexican provider: name, RFC, regime and addresses."""

    account_id: str
    full_name: str
    rfc: str
    fiscal_regime: str
    jalisco_cedular: bool
    addresses: tuple[str, ...]


def provider_facts(account_id: str) -> ProviderFacts | None:
    """An active Mexican provider's fiscal facts (None for anyone else)."""
    account = repository.get_account(account_id)
    if account is None or account.role != "prestador" or account.status != "activa":
        return None
    details = account.details
    if details.get("country") != "MX" or not details.get("rfc"):
        return None
    return ProviderFacts(
        account_id=account.account_id,
        full_name=account.full_name,
        rfc=str(details["rfc"]).upper(),
        fiscal_regime=str(details.get("fiscal_regime") or ""),
        jalisco_cedular=bool(details.get("jalisco_cedular")),
        addresses=tuple(account.addresses),
    )


def provider_account_id_for_rfc(rfc: str) -> str | None:
    """The account of the provider registered with this RFC."""
    return repository.account_id_for("rfc", "".join(rfc.split()).upper())


def account_id_for_email(email: str) -> str | None:
    """The account registered with this email (demo data and admin commands)."""
    return repository.account_id_for("email", normalize_email(email))


def provider_account_for_rut(rut: str) -> str | None:
    """The account id of the provider registered with this RUT (any usual format), if any."""
    try:
        compact = check_rut(rut)
    except ValueError:
        return None
    return repository.account_id_for("rut", compact)


@dataclass(frozen=True)
class InsuredContact:
    """What other contexts may know of an insured account: its policy and where to write."""

    account_id: str
    full_name: str
    email: str
    secondary_email: str | None
    insurer_id: str
    policy_number: str

    @property
    def addresses(self) -> list[str]:
        return [a for a in (self.email, self.secondary_email) if a]


def insured_contact(account_id: str) -> InsuredContact | None:
    """The active insured account's policy and addresses; None for anyone else."""
    account = repository.get_account(account_id)
    if account is None or account.status != "activa" or account.role != "asegurado":
        return None
    details = account.details
    insurer_id = details.get("insurer_id")
    policy_number = details.get("policy_number")
    if not insurer_id or not policy_number:
        return None
    return InsuredContact(
        account_id=account.account_id,
        full_name=account.full_name,
        email=account.email,
        secondary_email=account.secondary_email,
        insurer_id=str(insurer_id),
        policy_number=str(policy_number),
    )


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


def erase_personal_data(account_id: str) -> list[Retained]:
    """Anonymise the account, free its identifiers and disable its log-in (repeatable)."""
    account = repository.get_account(account_id)
    if account is not None and account.status != "eliminada":
        repository.erase_account(account, clock.iso(clock.now()))
    identity.disable_user(account_id)
    return []
