"""Providers' bank accounts in DynamoDB: registering one under validation, its verdict (the
previous active account replaced), and deleting them (privacy rights).

The model is imported inside the functions (the API's import path must not load PynamoDB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import dynamo, errors
from chalicelib.providers.repository_common import BankAccount, StageEmails, StillUndecided

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from chalicelib.providers.models import BankAccountModel


def _bank_key(provider_id: str, bank_account_id: str) -> tuple[str, str]:
    return f"PROVIDER#{provider_id}", f"BANK#{bank_account_id}"


def _to_bank_account(item: BankAccountModel) -> BankAccount:
    return dynamo.record_from(BankAccount, item, reasons=list(item.reasons or []))


def bank_accounts(provider_id: str) -> list[BankAccount]:
    """A provider's bank accounts, oldest first (a handful; Query on the provider's key)."""
    from chalicelib.providers.models import BankAccountModel

    items = BankAccountModel.query(
        f"PROVIDER#{provider_id}", BankAccountModel.sk.startswith("BANK#"), consistent_read=True
    )
    return sorted((_to_bank_account(item) for item in items), key=lambda a: a.created_at)


def create_bank_account(account: BankAccount, replaces_pending: str | None) -> None:
    """A new account under validation; one still under validation is replaced by it."""
    from chalicelib.providers.models import BankAccountModel

    def build(transaction: TransactWrite) -> None:
        transaction.save(
            BankAccountModel(
                *_bank_key(account.provider_id, account.bank_account_id),
                bank_account_id=account.bank_account_id,
                provider_id=account.provider_id,
                clabe=account.clabe,
                bank=account.bank,
                status=account.status,
                document_id=account.document_id,
                created_at=account.created_at,
            ),
            condition=BankAccountModel.pk.does_not_exist(),
        )
        if replaces_pending:
            transaction.update(
                BankAccountModel(*_bank_key(account.provider_id, replaces_pending)),
                actions=[BankAccountModel.status.set("reemplazada")],
                condition=BankAccountModel.status == "en_validacion",
            )

    dynamo.transact(
        build,
        conflict=errors.Conflict(
            "Tu cuenta bancaria cambió mientras tanto. Actualiza la página e intenta de nuevo.",
            code="bank_account_changed",
        ),
    )


def decide_bank_account(
    account: BankAccount,
    *,
    accepted: bool,
    reasons: list[dict[str, str]],
    now: str,
    previous_active: str | None,
    stage_emails: StageEmails,
) -> list[str] | None:
    """en_validacion → activa (the previous active one → reemplazada) or rechazada, with the
    email; None when it was already decided (a redelivered verdict)."""
    from chalicelib.providers.models import BankAccountModel

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            BankAccountModel(*_bank_key(account.provider_id, account.bank_account_id)),
            actions=[
                BankAccountModel.status.set("activa" if accepted else "rechazada"),
                BankAccountModel.reasons.set(reasons),
                BankAccountModel.decided_at.set(now),
            ],
            condition=BankAccountModel.status == "en_validacion",
        )
        if accepted and previous_active:
            transaction.update(
                BankAccountModel(*_bank_key(account.provider_id, previous_active)),
                actions=[BankAccountModel.status.set("reemplazada")],
                condition=BankAccountModel.status == "activa",
            )
        return stage_emails(transaction)

    class _Refused(errors.Conflict):
        pass

    try:
        return dynamo.transact(build, conflict=_Refused())
    except _Refused:
        current = next(
            (
                a
                for a in bank_accounts(account.provider_id)
                if a.bank_account_id == account.bank_account_id
            ),
            None,
        )
        if current is None or current.status != "en_validacion":
            return None
        raise StillUndecided() from None


def delete_bank_account(account: BankAccount) -> None:
    from chalicelib.providers.models import BankAccountModel

    BankAccountModel(*_bank_key(account.provider_id, account.bank_account_id)).delete()
