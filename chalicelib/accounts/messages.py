"""What the accounts context answers and sends: the one answer to registration and reset
requests, the portals' names, the links in emails, the activation, "already registered",
"not found" and security-notice emails, and the confirmation link of a secondary email."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from chalicelib import clock
from chalicelib.accounts import repository
from chalicelib.accounts.repository import Account, OneTimeToken
from chalicelib.accounts.schemas import Accepted
from chalicelib.accounts.tokens import new_token
from chalicelib.config import get_settings
from chalicelib.kernel import formats
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email

ACTIVATION_TTL = timedelta(hours=24)

SECONDARY_EMAIL_TTL = timedelta(hours=24)

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
    "plataforma": ("Plataforma", "plataforma"),
}

_MEXICO_CITY = ZoneInfo("America/Mexico_City")


def link(page: str, token: str | None = None) -> str:
    """A page of the site, with a one-time token in its fragment (never sent to a server)."""
    base = f"{get_settings().site_url}/{page}"
    return f"{base}#token={token}" if token else base


def brand(account: Account) -> dict[str, str]:
    """The insurer's brand for an email to `account` (`insurers.service.email_brand`) when the
    account belongs to exactly one insurer; the platform's otherwise (no values)."""
    if len(account.insurer_ids) != 1:
        return {}
    from chalicelib.insurers import service as insurers

    return insurers.email_brand(account.insurer_ids[0])


def send(emails: list[Email]) -> None:
    """Stage the emails in the outbox and send them."""
    notifications.dispatch(repository.stage_emails(emails))


def activation_email(account: Account, token: str) -> Email:
    """Activation and recovery links go to the account's email only, never to a secondary."""
    portal, _ = PORTALS[account.role]
    return Email(
        [account.email],
        "activation",
        {
            "name": account.full_name,
            "portal": portal,
            "link": link("activar.html", token),
            **brand(account),
        },
    )


def staff_invitation_email(account: Account, token: str, inviter: str, insurer: str) -> Email:
    """An operator invited by an administrator of its insurer: the activation link."""
    return Email(
        [account.email],
        "staff_invitation",
        {
            "name": account.full_name,
            "inviter": inviter,
            "insurer": insurer,
            "link": link("activar.html", token),
            **brand(account),
        },
    )


def already_registered(to: str, role: str, detail: str) -> Email:
    portal, _ = PORTALS[role]
    return Email(
        [to],
        "already_registered",
        {"portal": portal, "detail": detail, "link": link("recuperar.html")},
    )


def not_found(to: str, role: str, detail: str, document: str, page: str) -> Email:
    portal, _ = PORTALS[role]
    return Email(
        [to],
        "not_found",
        {"portal": portal, "detail": detail, "document": document, "link": link(page)},
    )


def issue_activation(account: Account) -> None:
    token, hashed = new_token()
    expires = clock.now() + ACTIVATION_TTL
    ids = repository.issue_token(
        OneTimeToken(hashed, "activation", account.account_id, expires),
        [activation_email(account, token)],
    )
    notifications.dispatch(ids)


def secondary_email_token(account: Account, address: str) -> tuple[OneTimeToken, Email]:
    """The confirmation link for a secondary email: until it is opened, nothing else goes
    there (and recovery links never do)."""
    token, hashed = new_token()
    expires = clock.now() + SECONDARY_EMAIL_TTL
    return (
        OneTimeToken(hashed, "secondary_email", account.account_id, expires, address),
        Email(
            [address],
            "secondary_email",
            {
                "name": account.full_name,
                "link": link("confirmar-correo.html", token),
                **brand(account),
            },
        ),
    )


def notice(account: Account, change: str, sentence: str, to: list[str] | None = None) -> Email:
    when = formats.moment(clock.now(), _MEXICO_CITY)
    return Email(
        to or account.addresses,
        "security_notice",
        {
            "name": account.full_name,
            "change": change,
            "change_sentence": sentence,
            "when": when,
            "link": link("recuperar.html"),
            **brand(account),
        },
    )
