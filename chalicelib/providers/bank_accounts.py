"""A provider's bank account: the CLABE checked and registered with its bank statement, which
the documents pipeline validates; its verdict activates the account (replacing the previous
one) or rejects it, and the provider is told by email."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Final

from chalicelib import clock, errors
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.documents import service as documents
from chalicelib.documents.service import Declared, Document, DocumentOwner, FileSpec, Owner
from chalicelib.errors import ErrorDetail
from chalicelib.notifications import service as notifications
from chalicelib.observability import logger
from chalicelib.providers import access, presentation, repository
from chalicelib.providers import schemas as s
from chalicelib.providers.repository import BankAccount

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

# A bank account belongs to the provider, not to an insurer; documents need some insurer id,
# and no operator works for this one, so only the provider reads the statement.
NO_INSURER: Final = "sin-aseguradora"


def _mask(clabe: str) -> str:
    return f"{'•' * 14}{clabe[-4:]}"


def _bank_out(account: BankAccount | None) -> s.BankAccountOut | None:
    if account is None:
        return None
    return s.BankAccountOut(
        id=account.bank_account_id,
        clabe=account.clabe,
        bank=account.bank,
        status=account.status,
        reasons=presentation.reasons(account.reasons),
        created_at=account.created_at,
        decided_at=account.decided_at,
        document_id=account.document_id,
    )


def _current(accounts_: list[BankAccount]) -> tuple[BankAccount | None, BankAccount | None]:
    """The active account, and the latest one not active (validating or rejected) after it."""
    active = next((a for a in reversed(accounts_) if a.status == "activa"), None)
    later = [
        a
        for a in accounts_
        if a.status in {"en_validacion", "rechazada"}
        and (active is None or a.created_at > active.created_at)
    ]
    return active, (later[-1] if later else None)


def bank_account(principal: Principal) -> s.BankAccountsOut:
    """The provider's active bank account and the one being validated (or rejected)."""
    provider = access.provider(principal)
    active, pending = _current(repository.bank_accounts(provider.account_id))
    status = "sin_registrar"
    if active is not None:
        status = "activa"
    elif pending is not None:
        status = pending.status
    return s.BankAccountsOut(
        active=_bank_out(active),
        pending=_bank_out(pending),
        status=status,  # type: ignore[arg-type]  # one of the four, by construction
    )


def _check_clabe(raw: str) -> tuple[str, str]:
    from clabe import get_bank_name, validate_clabe

    clabe = "".join(raw.split())

    def invalid(code: str, message: str) -> errors.InvalidInput:
        return errors.InvalidInput(
            message, code=code, details=[ErrorDetail("clabe", code, message)]
        )

    if not (len(clabe) == 18 and clabe.isdigit()):
        raise invalid("clabe_invalid", "La CLABE tiene 18 dígitos, sin espacios ni guiones.")
    if not validate_clabe(clabe):
        raise invalid(
            "clabe_check_digit",
            "La CLABE no es válida: su dígito verificador no coincide. Revísala en tu estado "
            "de cuenta.",
        )
    try:
        bank = get_bank_name(clabe)
    except ValueError:
        raise invalid(
            "clabe_bank_unknown", "Los tres primeros dígitos de la CLABE no son de un banco."
        ) from None
    return clabe, bank


def register_bank_account(principal: Principal, body: s.BankAccountIn) -> s.BankAccountAccepted:
    """A new CLABE with its bank statement; it is active once the statement is validated."""
    provider = access.provider(principal)
    clabe, bank = _check_clabe(body.clabe)
    active, pending = _current(repository.bank_accounts(provider.account_id))
    if active is not None and active.clabe == clabe:
        raise errors.Conflict(
            "Esa CLABE ya es tu cuenta activa.", code="bank_account_already_active"
        )
    account_id = str(uuid.uuid4())
    owner = Owner(DocumentOwner.BANK_ACCOUNT, account_id, provider.account_id, NO_INSURER)
    spec = FileSpec.of(
        body.statement, "bank_statement", Declared(clabe=clabe, holder=provider.full_name)
    )
    [slot] = documents.create_slots(owner, [spec], principal.account_id)
    repository.create_bank_account(
        BankAccount(
            bank_account_id=account_id,
            provider_id=provider.account_id,
            clabe=clabe,
            bank=bank,
            status="en_validacion",
            created_at=clock.iso(clock.now()),
            document_id=slot.document_id,
        ),
        replaces_pending=pending.bank_account_id
        if pending is not None and pending.status == "en_validacion"
        else None,
    )
    return s.BankAccountAccepted(status="en_validacion", slot=slot)


def on_bank_statement(document: Document) -> None:
    accounts_ = repository.bank_accounts(document.account_id)
    account = next((a for a in accounts_ if a.bank_account_id == document.owner_id), None)
    if account is None or account.status != "en_validacion":
        return  # replaced by a newer one, or already decided (a redelivered verdict)
    if account.document_id != document.document_id:
        return
    provider = accounts.provider_facts(document.account_id)
    accepted = document.status == "aceptado"
    active, _ = _current(accounts_)

    def stage(transaction: TransactWrite) -> list[str]:
        if provider is None:
            return []
        values = {
            "name": provider.full_name,
            "bank": account.bank,
            "clabe": _mask(account.clabe),
            "link": presentation.link("cuenta-bancaria.html"),
        }
        if accepted:
            template = "bank_account_active"
        else:
            template = "bank_account_rejected"
            values["reasons"] = "\n".join(f"• {r['message']}" for r in document.reasons)
            values["keeps"] = (
                f"Tu cuenta activa ({active.bank}, CLABE {_mask(active.clabe)}) sigue "
                "recibiendo tus pagos."
                if active is not None
                else "Mientras no tengas una cuenta activa no podemos depositarte pagos."
            )
        return [notifications.stage_email(transaction, list(provider.addresses), template, values)]

    emails = repository.decide_bank_account(
        account,
        accepted=accepted,
        reasons=list(document.reasons),
        now=clock.iso(clock.now()),
        previous_active=active.bank_account_id if accepted and active is not None else None,
        stage_emails=stage,
    )
    if emails:
        notifications.dispatch(emails)
    logger.info(
        "bank account decided", extra={"bank_account_id": account.bank_account_id, "ok": accepted}
    )
