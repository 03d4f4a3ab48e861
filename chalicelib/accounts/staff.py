"""An insurer's staff, run by its administrators (duty `administracion`): inviting operators,
listing them, changing their duties, disabling and enabling them, and resetting their TOTP.

An administrator acts for one insurer (`auth.operator_insurer`) and reaches only its
operators (another insurer's: 404). An insurer never loses its last active administrator: an
administrator cannot take `administracion` from themselves nor disable themselves, and any
change that would leave no other active administrator is refused; the write is conditioned on
an administrator who remains being unchanged, so two concurrent changes cannot both pass.
Every change is recorded in the insurer's audit (`staff.*`).
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock, dynamo, errors
from chalicelib.accounts import messages, repository
from chalicelib.accounts.registration import create_operator
from chalicelib.accounts.repository import Account, OneTimeToken
from chalicelib.accounts.schemas import (
    Done,
    StaffInvite,
    StaffInvited,
    StaffMember,
    StaffPage,
    StaffQuery,
    StaffScope,
    StaffUpdate,
)
from chalicelib.accounts.sessions import end_sessions
from chalicelib.accounts.tokens import new_token
from chalicelib.audit import service as audit
from chalicelib.auth import DUTIES, Principal, operator_insurer
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email

ADMIN_DUTY = "administracion"
TOTP_RESET_TTL = timedelta(hours=24)


class EmailInUse(errors.Conflict):
    code = "email_in_use"
    message = (
        "Ese correo ya tiene una cuenta en el Portal Médico, así que no podemos invitarlo. "
        "Pide a la persona otro correo de trabajo."
    )


class OwnAccount(errors.Conflict):
    code = "own_account"
    message = (
        "No puedes quitarte la función de administración ni deshabilitar tu propia cuenta: "
        "pídeselo a otro administrador de tu aseguradora."
    )


class LastAdministrator(errors.Conflict):
    code = "last_administrator"
    message = (
        "La aseguradora se quedaría sin administradores activos. Da primero la función de "
        "administración a otra persona."
    )


class NotActive(errors.Conflict):
    code = "account_not_active"
    message = (
        "Sólo se puede restablecer la verificación en dos pasos de una cuenta activa "
        "(la persona aún no activa su cuenta o está deshabilitada)."
    )


def member(account: Account) -> StaffMember:
    return StaffMember(
        id=account.account_id,
        email=account.email,
        full_name=account.full_name,
        duties=[d for d in DUTIES if d in account.duties],
        status=account.status,  # type: ignore[arg-type]
        created_at=account.created_at,
        last_login_at=account.last_login_at,
        totp_enrolled=account.totp_enrolled,
    )


def _operator_of(insurer_id: str, account_id: str) -> Account:
    """One of the insurer's operators; anyone else (another insurer's): 404."""
    account = repository.get_account(account_id)
    if account is None or account.role != "operador" or insurer_id not in account.insurer_ids:
        raise errors.NotFound("No encontramos a esa persona en el personal de tu aseguradora.")
    return account


def _record(
    principal: Principal,
    insurer_id: str,
    action: str,
    subject: str,
    source_ip: str | None,
    **detail: object,
) -> None:
    audit.record(
        principal.account_id, insurer_id, action, subject, source_ip=source_ip, detail=detail
    )


# --- invitations and the list ------------------------------------------------------------------


def invite(principal: Principal, body: StaffInvite, source_ip: str | None) -> StaffInvited:
    """A new operator of the administrator's insurer: an emailed activation link (the person
    sets a password, and enrols TOTP at the first log-in)."""
    insurer_id = operator_insurer(principal, body.insurer_id)
    email = str(body.email)
    if repository.account_id_for("email", email):
        raise EmailInUse()
    inviter = repository.get_account(principal.account_id)
    try:
        account_id = create_operator(
            email,
            body.full_name,
            [insurer_id],
            list(body.duties),
            invited_by=inviter.full_name if inviter else "El administrador de tu aseguradora",
        )
    except repository.AlreadyExists:
        raise EmailInUse() from None
    _record(
        principal,
        insurer_id,
        "staff.invited",
        account_id,
        source_ip,
        email=email,
        duties=[d for d in DUTIES if d in body.duties],
    )
    return StaffInvited(
        id=account_id,
        message=f"Enviamos la invitación a {email}. La persona activará su cuenta con el enlace.",
    )


def staff(principal: Principal, query: StaffQuery) -> StaffPage:
    """The insurer's operators, newest first."""
    insurer_id = operator_insurer(principal, query.insurer_id)
    accounts, last_key = repository.staff_page(
        insurer_id, limit=query.limit, cursor=dynamo.decode_cursor(query.cursor)
    )
    return StaffPage(
        items=[member(a) for a in accounts], next_cursor=dynamo.encode_cursor(last_key)
    )


# --- duties and status -----------------------------------------------------------------------


def _remaining_administrator(insurer_id: str, principal: Principal, leaving: Account) -> Account:
    """An active administrator of the insurer other than `leaving` (the caller when it is
    one); none: LastAdministrator."""
    others = [
        a
        for a in repository.every_operator(insurer_id)
        if a.account_id != leaving.account_id and a.status == "activa" and ADMIN_DUTY in a.duties
    ]
    if not others:
        raise LastAdministrator()
    return next((a for a in others if a.account_id == principal.account_id), others[0])


def update(
    principal: Principal, account_id: str, body: StaffUpdate, source_ip: str | None
) -> StaffMember:
    """Change an operator's duties, or disable (every session ends at once) or enable them."""
    insurer_id = operator_insurer(principal, body.insurer_id)
    target = _operator_of(insurer_id, account_id)
    duties: list[str] | None = None
    if body.duties is not None:
        duties = [d for d in DUTIES if d in body.duties]
    if duties is not None and duties == list(target.duties):
        duties = None
    status = None
    if body.active is False and target.status != "deshabilitada":
        status = "deshabilitada"
    elif body.active is True and target.status == "deshabilitada":
        status = "activa" if target.activated_at else "pendiente"
    if duties is None and status is None:
        return member(target)
    own = target.account_id == principal.account_id
    drops_admin = duties is not None and ADMIN_DUTY not in duties
    if own and (drops_admin or status == "deshabilitada"):
        raise OwnAccount()
    witness = None
    was_admin = target.status == "activa" and ADMIN_DUTY in target.duties
    if was_admin and (drops_admin or status == "deshabilitada"):
        witness = _remaining_administrator(insurer_id, principal, target)
    repository.change_staff(target, duties=duties, status=status, witness=witness)
    if status == "deshabilitada" and target.activated_at:
        end_sessions(target.account_id)  # a pending invitation has no session (nor user)
    if status == "pendiente":
        # Disabling stopped the invitation's link; the person gets a new one.
        messages.issue_activation(target)
    if duties is not None:
        _record(
            principal,
            insurer_id,
            "staff.duties_changed",
            target.account_id,
            source_ip,
            old_duties=list(target.duties),
            new_duties=duties,
        )
    if status is not None:
        action = "staff.disabled" if status == "deshabilitada" else "staff.enabled"
        _record(principal, insurer_id, action, target.account_id, source_ip, status=status)
    changed = repository.get_account(target.account_id)
    return member(changed or target)


# --- TOTP reset --------------------------------------------------------------------------------


def reset_totp(
    principal: Principal, account_id: str, body: StaffScope, source_ip: str | None
) -> Done:
    """Drop an operator's TOTP secret: their sessions end and they get an emailed link that,
    with their password, enrols a new authenticator (the password alone never does)."""
    insurer_id = operator_insurer(principal, body.insurer_id)
    target = _operator_of(insurer_id, account_id)
    if target.status != "activa":
        raise NotActive()
    token, hashed = new_token()
    email = Email(
        [target.email],
        "totp_reset",
        {
            "name": target.full_name,
            "link": messages.link("reenrolar.html", token),
            **messages.brand(target),
        },
    )
    ids = repository.reset_totp(
        target.account_id,
        OneTimeToken(hashed, "totp_reset", target.account_id, clock.now() + TOTP_RESET_TTL),
        [email],
    )
    end_sessions(target.account_id)
    notifications.dispatch(ids)
    _record(principal, insurer_id, "staff.totp_reset", target.account_id, source_ip)
    return Done(
        message=f"Restablecimos la verificación en dos pasos de {target.full_name}. Le enviamos "
        "por correo un enlace para configurarla de nuevo; sus sesiones se cerraron."
    )
