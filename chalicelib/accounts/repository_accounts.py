"""Accounts persistence (part of the accounts repository, see `repository`): reading an
account by id or by one of its unique identifiers, creating it with its identifiers, first
tokens and emails, contact changes, and anonymising it for the privacy rights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import dynamo, errors
from chalicelib.accounts.repository_records import (
    Account,
    AlreadyExists,
    OneTimeToken,
    account_key,
    login_key,
    staff_key,
)
from chalicelib.accounts.repository_tokens import put_token
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action
    from pynamodb.transactions import TransactWrite

    from chalicelib.accounts.models import AccountModel


def _to_account(item: AccountModel) -> Account:
    return dynamo.record_from(
        Account,
        item,
        insurer_ids=list(item.insurer_ids or []),
        details=dict(item.details or {}),
        privacy=list(item.privacy or []),
        totp_enrolled=bool(item.totp_enrolled),
        totp_last_step=int(item.totp_last_step) if item.totp_last_step is not None else None,
        session_generation=int(item.session_generation or 0),
        totp_reenrol=bool(item.totp_reenrol),
        staff_version=int(item.staff_version or 0),
    )


# --- reads ------------------------------------------------------------------------------------


def get_account(account_id: str) -> Account | None:
    from chalicelib.accounts.models import AccountModel

    item = AccountModel.find(*account_key(account_id))
    return None if item is None else _to_account(item)


def account_id_for(kind: str, value: str) -> str | None:
    from chalicelib.accounts.models import LoginModel

    item = LoginModel.find(*login_key(kind, value))
    return None if item is None else item.account_id


# No account has this id: reading it for an unknown identifier makes both answers do the
# same work, so their timing does not tell whether an account exists.
_DECOY_ACCOUNT_ID = "00000000-0000-0000-0000-000000000000"


def find_account(kind: str, value: str) -> Account | None:
    account_id = account_id_for(kind, value)
    account = get_account(account_id or _DECOY_ACCOUNT_ID)
    return account if account_id else None


# --- writes -----------------------------------------------------------------------------------


def create_account(
    account: Account,
    unique: list[tuple[str, str]],
    token: OneTimeToken | None,
    emails: list[Email],
    secondary_token: OneTimeToken | None = None,
) -> list[str]:
    """Account, its unique identifiers, first token (and the confirmation token of a
    secondary email) and emails, all or nothing. An operator is listed in the staff of each
    of its insurers."""
    from chalicelib.accounts.models import AccountModel, LoginModel, StaffModel

    def build(transaction: TransactWrite) -> list[str]:
        pk, sk = account_key(account.account_id)
        transaction.save(
            AccountModel(
                pk=pk,
                sk=sk,
                secondary_email_hash=secondary_token.token_hash if secondary_token else None,
                **dynamo.attributes_of(
                    account,
                    insurer_ids=account.insurer_ids or None,
                    details=account.details or None,
                    privacy=account.privacy or None,
                    activation_hash=token.token_hash if token else None,
                    # Written later, by the flows they belong to; a new account has none.
                    reset_hash=None,
                    email_change_hash=None,
                    totp_last_step=None,
                    session_generation=None,
                    last_login_at=None,
                    totp_reset_hash=None,
                    totp_reenrol=None,
                    staff_version=None,
                ),
            ),
            condition=AccountModel.pk.does_not_exist(),
        )
        for kind, value in unique:
            login_pk, login_sk = login_key(kind, value)
            transaction.save(
                LoginModel(pk=login_pk, sk=login_sk, account_id=account.account_id),
                condition=LoginModel.pk.does_not_exist(),
            )
        for one_time in (token, secondary_token):
            if one_time:
                put_token(transaction, one_time)
        for staff_pk, staff_sk in staff_keys(account):
            transaction.save(
                StaffModel(pk=staff_pk, sk=staff_sk, account_id=account.account_id),
                condition=StaffModel.pk.does_not_exist(),
            )
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=AlreadyExists())


def staff_keys(account: Account) -> list[tuple[str, str]]:
    """The staff-list items of an operator (one per insurer it works for)."""
    if account.role != "operador":
        return []
    return [staff_key(i, account.created_at, account.account_id) for i in account.insurer_ids]


def update_contact(
    account_id: str,
    *,
    phone: str | None,
    change_phone: bool,
    drop_secondary: bool,
    emails: list[Email],
) -> list[str]:
    """Change the phone (None removes it) and/or remove the secondary email (confirmed or
    pending), with the notices, all or nothing."""
    from chalicelib.accounts.models import AccountModel

    actions: list[Action] = []
    if change_phone:
        actions.append(AccountModel.phone.set(phone) if phone else AccountModel.phone.remove())
    if drop_secondary:
        actions += [
            AccountModel.secondary_email.remove(),
            AccountModel.secondary_email_pending.remove(),
            AccountModel.secondary_email_hash.remove(),
        ]

    def build(transaction: TransactWrite) -> list[str]:
        if actions:
            transaction.update(
                AccountModel(*account_key(account_id)),
                actions=actions,
                condition=AccountModel.pk.exists(),
            )
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=errors.NotFound())


# --- privacy rights (ARCO) ------------------------------------------------------------------


def login_identifiers(account: Account) -> list[tuple[str, str]]:
    """The unique identifiers that point at the account (as registration writes them)."""
    details = account.details
    found = [("email", account.email)]
    for kind in ("nss", "rut", "rfc"):
        if details.get(kind):
            found.append((kind, str(details[kind])))
    if details.get("policy_number") and details.get("insurer_id"):
        found.append(("policy", f"{details['insurer_id']}#{details['policy_number']}"))
    return found


def erase_account(account: Account, erased_at: str) -> None:
    """Anonymise the profile and free its identifiers, all or nothing (repeatable)."""
    from chalicelib.accounts.models import AccountModel, LoginModel, StaffModel

    def build(transaction: TransactWrite) -> None:
        transaction.update(
            AccountModel(*account_key(account.account_id)),
            actions=[
                AccountModel.status.set("eliminada"),
                AccountModel.email.set(f"eliminada+{account.account_id}@invalid"),
                AccountModel.full_name.set("Cuenta eliminada"),
                AccountModel.secondary_email.remove(),
                AccountModel.secondary_email_pending.remove(),
                AccountModel.secondary_email_hash.remove(),
                AccountModel.phone.remove(),
                AccountModel.details.set({"erased_at": erased_at}),
                AccountModel.privacy.remove(),
                AccountModel.activation_hash.remove(),
                AccountModel.reset_hash.remove(),
                AccountModel.email_change_hash.remove(),
                AccountModel.totp_secret.remove(),
                AccountModel.totp_reset_hash.remove(),
            ],
            condition=AccountModel.pk.exists(),
        )
        for kind, value in login_identifiers(account):
            transaction.delete(LoginModel(*login_key(kind, value)))
        for staff_pk, staff_sk in staff_keys(account):
            transaction.delete(StaffModel(staff_pk, staff_sk))

    dynamo.transact(build, conflict=errors.Conflict())
