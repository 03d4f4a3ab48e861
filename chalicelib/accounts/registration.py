"""Registration: insured titulars against their insurer's roster, providers by RFC or RUT,
affiliates against the registry, operators by an admin command, and active accounts for seed
data. Every request gets the same answer; what happened goes by email."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from chalicelib import clock, crypto, errors
from chalicelib.accounts import identity, messages, repository
from chalicelib.accounts.identifiers import check_rfc, normalize_email
from chalicelib.accounts.repository import Account, OneTimeToken
from chalicelib.accounts.schemas import (
    Accepted,
    AffiliateRegistration,
    ChileanProviderRegistration,
    InsuredRegistration,
    MexicanProviderRegistration,
    ProviderRegistration,
)
from chalicelib.accounts.tokens import new_token
from chalicelib.auth import DUTIES
from chalicelib.kernel.text import display_name, name_key
from chalicelib.notifications import service as notifications
from chalicelib.policies import service as policies
from chalicelib.registry import service as registry

PRIVACY_NOTICE_VERSIONS = {"broker": "2026-01", "insurer": "2026-01"}

# Whether a policy has anyone vigente is judged on the day in Mexico City.
_MEXICO_CITY = ZoneInfo("America/Mexico_City")


def _register(account: Account, unique: list[tuple[str, str]], role_label_detail: str) -> None:
    """Create a pending account with its activation email (and the confirmation link of a
    secondary email); a race on a unique value ends as an 'already registered' email."""
    token, hashed = new_token()
    expires = clock.now() + messages.ACTIVATION_TTL
    emails = [messages.activation_email(account, token)]
    secondary_token = None
    if account.secondary_email_pending:
        secondary_token, confirmation = messages.secondary_email_token(
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
        messages.send([messages.already_registered(account.email, account.role, role_label_detail)])
        return
    notifications.dispatch(ids)


def _existing_email_account(email: str, role: str) -> bool:
    """When the email already has an account, tell its owner (or resend a pending
    activation) and answer True."""
    existing = repository.find_account("email", email)
    if existing is None:
        return False
    if existing.status == "pendiente" and existing.role == role:
        messages.issue_activation(existing)
    else:
        messages.send(
            [messages.already_registered(email, existing.role, "Este correo ya tiene una cuenta.")]
        )
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
        messages.send(
            [
                messages.not_found(
                    email,
                    "asegurado",
                    "el nombre y el número de póliza no coinciden con los de un titular de "
                    "nuestras aseguradoras.",
                    "tu certificado individual (nombre completo del titular y número de póliza)",
                    "registro/asegurados.html",
                )
            ]
        )
        return messages.ACCEPTED
    if not policy.has_active_member(clock.now().astimezone(_MEXICO_CITY).date()):
        messages.send(
            [
                messages.not_found(
                    email,
                    "asegurado",
                    "tu póliza no tiene hoy ninguna persona vigente (dada de baja o fuera de su "
                    "vigencia), así que no se puede registrar. Consulta a tu aseguradora.",
                    "tu certificado individual vigente (nombre completo del titular y número "
                    "de póliza)",
                    "registro/asegurados.html",
                )
            ]
        )
        return messages.ACCEPTED
    if _existing_email_account(email, "asegurado"):
        return messages.ACCEPTED
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
    return messages.ACCEPTED


def register_provider(body: ProviderRegistration) -> Accepted:
    """A doctor or clinic registers: Mexico by RFC, Chile by RUT."""
    data = body.root
    email = str(data.email)
    if _existing_email_account(email, "prestador"):
        return messages.ACCEPTED
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
        "prestador", email, display_name(data.full_name), phone=data.phone, details=details
    )
    _register(account, unique, taken)
    return messages.ACCEPTED


def register_affiliate(body: AffiliateRegistration) -> Accepted:
    """An affiliate registers with NSS and credential serial, checked against the registry."""
    email = str(body.email)
    record = registry.find_affiliate(body.nss)
    if record is None or registry.normalize_serial(record.credential_serial) != (
        registry.normalize_serial(body.credential_serial)
    ):
        messages.send(
            [
                messages.not_found(
                    email,
                    "afiliado",
                    "el número de seguridad social y el número de serie de la credencial no "
                    "coinciden con nuestro registro de afiliados.",
                    "tu credencial (NSS de 11 dígitos y número de serie)",
                    "registro/afiliados.html",
                )
            ]
        )
        return messages.ACCEPTED
    if repository.account_id_for("nss", body.nss):
        messages.send(
            [
                messages.already_registered(
                    email, "afiliado", "El número de afiliación ya se encuentra registrado."
                )
            ]
        )
        return messages.ACCEPTED
    if _existing_email_account(email, "afiliado"):
        return messages.ACCEPTED
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
    return messages.ACCEPTED


def create_operator(
    email: str,
    full_name: str,
    insurer_ids: list[str],
    duties: list[str] | None = None,
    *,
    invited_by: str | None = None,
) -> str:
    """An operator account (admin command, or an invitation by an administrator of its
    insurer, `invited_by` their name): pending until the emailed activation. Without `duties`
    it holds every one of them."""
    email = normalize_email(email)
    if not insurer_ids:
        raise errors.InvalidInput("Indica al menos una aseguradora.")
    chosen = list(DUTIES) if duties is None else duties
    unknown = [d for d in chosen if d not in DUTIES]
    if unknown or not chosen:
        raise errors.InvalidInput(
            "Indica una o más funciones: " + ", ".join(DUTIES) + ".", code="invalid_duties"
        )
    insurers = [policies.get_insurer(insurer_id) for insurer_id in insurer_ids]
    for insurer_id, insurer in zip(insurer_ids, insurers, strict=True):
        if insurer is None:
            raise errors.NotFound(f"No existe la aseguradora {insurer_id}.")
    account = _new_account(
        "operador",
        email,
        display_name(full_name),
        insurer_ids=insurer_ids,
        details={"duties": [d for d in DUTIES if d in chosen]},
    )
    token, hashed = new_token()
    ids = repository.create_account(
        account,
        [("email", email)],
        OneTimeToken(
            hashed, "activation", account.account_id, clock.now() + messages.ACTIVATION_TTL
        ),
        [
            messages.activation_email(account, token)
            if invited_by is None
            else messages.staff_invitation_email(
                account, token, invited_by, ", ".join(i.name for i in insurers if i)
            )
        ],
    )
    notifications.dispatch(ids)
    return account.account_id


@dataclass(frozen=True)
class StaffInvitation:
    account_id: str
    activation_link: str  # also emailed; the admin command prints it (SES may be in sandbox)


def create_platform_admin(email: str, full_name: str) -> StaffInvitation:
    """A platform administrator (admin command): runs the insurers, reads none of their
    records; pending until the emailed activation, then password and TOTP like operators."""
    email = normalize_email(email)
    if repository.find_account("email", email) is not None:
        raise errors.Conflict("Ese correo ya tiene una cuenta.", code="email_taken")
    account = _new_account("plataforma", email, display_name(full_name))
    token, hashed = new_token()
    try:
        ids = repository.create_account(
            account,
            [("email", email)],
            OneTimeToken(
                hashed, "activation", account.account_id, clock.now() + messages.ACTIVATION_TTL
            ),
            [messages.activation_email(account, token)],
        )
    except repository.AlreadyExists:
        raise errors.Conflict("Ese correo ya tiene una cuenta.", code="email_taken") from None
    notifications.dispatch(ids)
    return StaffInvitation(account.account_id, messages.link("activar.html", token))


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
    """An already active account (seed data and migrations; people register instead). A
    seeded operator holds every duty unless `details` names them."""
    email = normalize_email(email)
    details = dict(details or {})
    if role == "operador":
        details.setdefault("duties", list(DUTIES))
    account = _new_account(
        role,
        email,
        display_name(full_name),
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
