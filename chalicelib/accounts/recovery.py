"""Getting into an account without a password: activation (and a fresh or redirected
activation link) and password reset. Requests that name an identifier are queued, so the
answer does the same work whether an account exists or not."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from chalicelib.accounts import identity, messages, repository
from chalicelib.accounts.login import resolve
from chalicelib.accounts.passwords import refuse_weak_password
from chalicelib.accounts.repository import OneTimeToken
from chalicelib.accounts.schemas import Accepted, Done, Reactivation
from chalicelib.accounts.sessions import end_sessions
from chalicelib.accounts.tokens import new_token, token_hash
from chalicelib.audit import service as audit
from chalicelib.config import get_settings
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email
from chalicelib.registry import service as registry

RESET_TTL = timedelta(minutes=30)


# --- activation -------------------------------------------------------------------------------


def activate(token: str, password: str) -> Done:
    """Set the first password with the emailed one-time token."""
    refuse_weak_password("password", password)
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
    if account.role == "operador":
        audit.staff_event(account.account_id, account.insurer_ids, "staff.activated")
    _, portal = messages.PORTALS[account.role]
    return Done(message="Tu cuenta está activa. Ya puedes iniciar sesión.", portal=portal)


def resend_activation(identifier: str) -> Accepted:
    """A fresh activation link (the previous one stops working) for a pending account.
    The answer is queued work, the same for every identifier: see `handle_request`."""
    _queue_request("resend_activation", identifier)
    return messages.ACCEPTED


def _resend_activation_now(identifier: str) -> None:
    account = resolve(identifier)
    if account is not None and account.status == "pendiente":
        messages.issue_activation(account)


def reactivate(body: Reactivation) -> Accepted:
    """An affiliate whose activation went to a wrong email gives the right one."""
    account = repository.find_account("nss", body.nss)
    new_email = str(body.email)
    if account is None or registry.normalize_serial(
        str(account.details.get("credential_serial", ""))
    ) != registry.normalize_serial(body.credential_serial):
        return messages.ACCEPTED
    if account.status != "pendiente":
        return _already_registered(new_email, "El número de afiliación ya se encuentra registrado.")
    if new_email != account.email:
        try:
            repository.change_email(account, new_email, [])
        except repository.AlreadyExists:
            return _already_registered(new_email, "Este correo ya tiene una cuenta.")
        account.email = new_email
    messages.issue_activation(account)
    return messages.ACCEPTED


def _already_registered(email: str, reason: str) -> Accepted:
    """Tell the given address why the affiliate's account was not reactivated; the answer is
    the usual acceptance, so the form reveals nothing."""
    messages.send([messages.already_registered(email, "afiliado", reason)])
    return messages.ACCEPTED


# --- password reset ---------------------------------------------------------------------------


def request_password_reset(identifier: str) -> Accepted:
    """A reset link to the account's email (a pending account gets its activation again).
    The answer is queued work, the same for every identifier: see `handle_request`."""
    _queue_request("password_reset", identifier)
    return messages.ACCEPTED


def _password_reset_now(identifier: str) -> None:
    account = resolve(identifier)
    if account is None:
        return
    if account.status == "pendiente":
        messages.issue_activation(account)
        return
    if account.status != "activa":
        return
    token, hashed = new_token()
    ids = repository.issue_token(
        OneTimeToken(hashed, "reset", account.account_id, clock.now() + RESET_TTL),
        [
            Email(
                [account.email],
                "password_reset",
                {"link": messages.link("restablecer.html", token), **messages.brand(account)},
            )
        ],
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


def confirm_password_reset(token: str, password: str) -> Done:
    """Set a new password with the emailed token; sessions end and the throttle clears."""
    refuse_weak_password("password", password)
    claimed = repository.claim_token(token_hash(token), "reset", clock.now())
    account = repository.get_account(claimed.account_id)
    if account is None:
        raise repository.TokenRejected()
    try:
        identity.set_password(account.account_id, password)
    except Exception:
        repository.release_token(claimed.token_hash)
        raise
    end_sessions(account.account_id)
    repository.clear_attempts(f"password#{account.account_id}")
    notifications.dispatch(
        repository.clear_reset(
            account.account_id,
            [
                messages.notice(
                    account, "cambio de contraseña", "la contraseña de tu cuenta se cambió"
                )
            ],
        )
    )
    _, portal = messages.PORTALS[account.role]
    return Done(message="Listo: tu contraseña se cambió. Ya puedes iniciar sesión.", portal=portal)
