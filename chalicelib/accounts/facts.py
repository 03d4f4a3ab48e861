"""What other contexts may know of an account: the signed-in account, the account behind an
identifier, a Mexican provider's fiscal facts and an insured's policy and addresses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.accounts import repository
from chalicelib.accounts.identifiers import check_rut, normalize_email
from chalicelib.accounts.profile import account_of
from chalicelib.accounts.repository import Account
from chalicelib.auth import Principal


def contact(principal: Principal) -> Account:
    """The signed-in, active account (name, addresses, role details) for other contexts."""
    return account_of(principal)


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


@dataclass(frozen=True)
class StaffName:
    """How a staff member (an operator or a platform administrator) is shown to others."""

    account_id: str
    email: str
    full_name: str


STAFF_NAME_ROLES = ("operador", "plataforma")


def staff_names(account_ids: Iterable[str]) -> dict[str, StaffName]:
    """The e-mail and name of each of these staff accounts that exists (any status: a
    disabled staff member's past actions keep their name); other accounts are left out."""
    found: dict[str, StaffName] = {}
    for account_id in dict.fromkeys(account_ids):
        account = repository.get_account(account_id)
        if account is not None and account.role in STAFF_NAME_ROLES:
            found[account_id] = StaffName(account_id, account.email, account.full_name)
    return found
