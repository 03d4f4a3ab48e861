"""The signed-in person: their profile, and the changes they make with their current password
(secondary email and phone, password, email), each told to the account's addresses."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock, errors
from chalicelib.accounts import identity, messages, repository, throttle
from chalicelib.accounts.identifiers import format_rut
from chalicelib.accounts.login import reserve
from chalicelib.accounts.passwords import refuse_weak_password
from chalicelib.accounts.repository import Account, OneTimeToken
from chalicelib.accounts.schemas import (
    Accepted,
    Done,
    EmailChange,
    PasswordChange,
    Profile,
    ProfileUpdate,
)
from chalicelib.accounts.sessions import end_sessions
from chalicelib.accounts.tokens import new_token, token_hash
from chalicelib.auth import Principal
from chalicelib.errors import ErrorDetail
from chalicelib.kernel.text import mask_nss
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email
from chalicelib.policies import service as policies

EMAIL_CHANGE_TTL = timedelta(hours=24)


def account_of(principal: Principal) -> Account:
    account = repository.get_account(principal.account_id)
    if account is None or account.status != "activa":
        raise errors.Unauthorized()
    return account


def profile(principal: Principal) -> Profile:
    """The signed-in person's data."""
    account = account_of(principal)
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
        duties=list(account.duties),
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


def _check_current_password(account: Account, password: str) -> None:
    """Sensitive changes need the current password; wrong guesses count like log-ins."""
    now = clock.now()
    key = f"password#{account.account_id}"
    reserve(key, throttle.MAX_PASSWORD_ATTEMPTS, now, "o restablece tu contraseña")
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
    account = account_of(principal)
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
        emails.append(
            messages.notice(account, "cambio de teléfono", "el teléfono de tu cuenta cambió")
        )
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
        emails.append(messages.notice(account, "cambio de correo secundario", sentence))
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
        token, confirmation = messages.secondary_email_token(account, secondary)
        notifications.dispatch(repository.issue_token(token, [confirmation]))
    return profile(principal)


def change_password(principal: Principal, body: PasswordChange) -> Done:
    """A new password, with the current one; every session ends (this one too) and a notice
    is sent."""
    account = account_of(principal)
    refuse_weak_password("new_password", body.new_password)
    _check_current_password(account, body.current_password)
    identity.set_password(account.account_id, body.new_password)
    end_sessions(account.account_id)
    messages.send(
        [messages.notice(account, "cambio de contraseña", "la contraseña de tu cuenta se cambió")]
    )
    return Done(message="Tu contraseña se cambió. Inicia sesión de nuevo con la nueva.")


def request_email_change(principal: Principal, body: EmailChange) -> Accepted:
    """With the current password, a confirmation link to the new address; the email
    changes when it is opened, and the old address is told."""
    account = account_of(principal)
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
                {
                    "name": account.full_name,
                    "link": messages.link("confirmar-correo.html", token),
                    **messages.brand(account),
                },
            ),
            messages.notice(
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


def _claim_address_link(token: str, purpose: str) -> tuple[Account, str]:
    """The account and the address of a link sent to a new address, now used up (a link that
    is not valid, or whose account is gone: TokenRejected)."""
    claimed = repository.claim_token(token_hash(token), purpose, clock.now())
    account = repository.get_account(claimed.account_id)
    if account is None or not claimed.new_email:
        raise repository.TokenRejected()
    return account, claimed.new_email


def _confirm_secondary_email(token: str) -> Done:
    account, address = _claim_address_link(token, "secondary_email")
    notifications.dispatch(
        repository.confirm_secondary_email(
            account.account_id,
            address,
            [
                messages.notice(
                    account,
                    "correo secundario confirmado",
                    f"{address} quedó confirmado y recibirá copia de tus avisos",
                    to=[account.email, address],
                )
            ],
        )
    )
    _, portal = messages.PORTALS[account.role]
    return Done(message=f"Listo: {address} recibirá copia de los avisos.", portal=portal)


def confirm_email_change(token: str) -> Done:
    """Open the link sent to the new address: the account's email (and log-in) changes."""
    account, new_email = _claim_address_link(token, "email_change")
    old_addresses = account.addresses
    ids = repository.change_email(
        account,
        new_email,
        [
            messages.notice(
                account,
                "cambio de correo",
                f"el correo de tu cuenta cambió a {new_email}",
                to=sorted({*old_addresses, new_email}),
            )
        ],
    )
    identity.set_email(account.account_id, new_email)
    notifications.dispatch(ids)
    _, portal = messages.PORTALS[account.role]
    return Done(message=f"Listo: tu correo ahora es {new_email}.", portal=portal)
